package jupyter_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/jupyter/fakekernel"
)

func TestMain(m *testing.M) {
	fakekernel.MainIfKernel()
	if os.Getenv(starterEnv) != "" {
		starterMain()
	}
	os.Exit(m.Run())
}

// start launches the fake kernel (this test binary) and closes it at the end.
func start(t *testing.T, interruptMode string, env map[string]string, opts jupyter.Options) *jupyter.Client {
	t.Helper()
	spec, err := fakekernel.WriteSpec(t.TempDir(), "fake", interruptMode, env)
	if err != nil {
		t.Fatal(err)
	}
	c, err := jupyter.Start(context.Background(), spec, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// run executes code and returns the iopub message types with their stream texts.
func run(c *jupyter.Client, code string, opts jupyter.ExecuteOptions) (reply *jupyter.Message, seen []string, err error) {
	opts.OnIOPub = func(m *jupyter.Message) {
		s := m.Header.MsgType
		var content struct {
			Text           string `json:"text"`
			ExecutionState string `json:"execution_state"`
		}
		m.Decode(&content)
		if content.Text != "" {
			s += ":" + strings.TrimSpace(content.Text)
		}
		if content.ExecutionState != "" {
			s += ":" + content.ExecutionState
		}
		seen = append(seen, s)
	}
	reply, err = c.Execute(context.Background(), code, opts)
	return reply, seen, err
}

func TestClientExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	c := start(t, "message", nil, jupyter.Options{})
	if !strings.Contains(string(c.KernelInfo()), `"implementation":"fakekernel"`) {
		t.Errorf("KernelInfo: got %s", c.KernelInfo())
	}
	reply, seen, err := run(c, "print hello\nstderr oops", jupyter.ExecuteOptions{Timeout: time.Minute})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	want := []string{"status:busy", "execute_input", "stream:hello", "stream:oops", "status:idle"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("Execute: iopub: got %q, want %q", seen, want)
	}
	if reply.Header.MsgType != "execute_reply" || !strings.Contains(string(reply.Content), `"status":"ok"`) {
		t.Errorf("Execute: reply: got %s %s", reply.Header.MsgType, reply.Content)
	}
	// A second execution gets its own messages only.
	_, seen, err = run(c, "print again", jupyter.ExecuteOptions{})
	if err != nil || len(seen) != 4 || seen[2] != "stream:again" {
		t.Errorf("second Execute: got %q, %v", seen, err)
	}
}

func TestClientTimeoutInterrupts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	for i, mode := range []string{"message", "signal"} {
		c := start(t, mode, nil, jupyter.Options{})
		_, seen, err := run(c, "print before\nhang", jupyter.ExecuteOptions{Timeout: 300 * time.Millisecond})
		var te *jupyter.TimeoutError
		if !errors.As(err, &te) || !te.Interrupted {
			t.Fatalf("case %d (%s): Execute: got %v, want an interrupted *TimeoutError", i, mode, err)
		}
		if !strings.Contains(strings.Join(seen, ","), "stream:before,stream:interrupted") {
			t.Errorf("case %d (%s): iopub: got %q, want the output before and after the interrupt", i, mode, seen)
		}
		// The kernel is usable afterwards.
		if _, seen, err := run(c, "print ok", jupyter.ExecuteOptions{Timeout: time.Minute}); err != nil || !strings.Contains(strings.Join(seen, ","), "stream:ok") {
			t.Errorf("case %d (%s): Execute after interrupt: got %q, %v", i, mode, seen, err)
		}
	}
}

func TestClientTimeoutKernelIgnoresInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	c := start(t, "message", nil, jupyter.Options{})
	_, _, err := run(c, "hang-hard", jupyter.ExecuteOptions{Timeout: 200 * time.Millisecond, InterruptGrace: 300 * time.Millisecond})
	var te *jupyter.TimeoutError
	if !errors.As(err, &te) || te.Interrupted {
		t.Fatalf("Execute: got %v, want a *TimeoutError with Interrupted false", err)
	}
}

func TestClientKernelDies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	c := start(t, "message", nil, jupyter.Options{})
	_, seen, err := run(c, "print last words\ndie", jupyter.ExecuteOptions{Timeout: time.Minute})
	var de *jupyter.DeadError
	if !errors.As(err, &de) || !strings.Contains(de.Reason, "exit status 3") {
		t.Fatalf("Execute: got %v, want a *DeadError with exit status 3", err)
	}
	if !strings.Contains(strings.Join(seen, ","), "stream:last words") {
		t.Errorf("Execute: outputs before death lost: got %q", seen)
	}
	if _, err := c.Execute(context.Background(), "print x", jupyter.ExecuteOptions{}); !errors.As(err, &de) {
		t.Errorf("Execute on a dead kernel: got %v, want *DeadError", err)
	}
}

func TestClientHeartbeatLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	c := start(t, "message", map[string]string{"DEEPNB_FAKE_KERNEL_NO_HEARTBEAT": "1"},
		jupyter.Options{HeartbeatInterval: 50 * time.Millisecond, HeartbeatTimeout: 500 * time.Millisecond})
	_, _, err := run(c, "hang-hard", jupyter.ExecuteOptions{Timeout: time.Minute})
	var de *jupyter.DeadError
	if !errors.As(err, &de) || !strings.Contains(de.Reason, "heartbeat") {
		t.Fatalf("Execute: got %v, want a heartbeat *DeadError", err)
	}
}

func TestClientRejectsBadSignature(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	c := start(t, "message", nil, jupyter.Options{})
	_, seen, err := run(c, "badsig\nprint after", jupyter.ExecuteOptions{Timeout: time.Minute})
	var pe *jupyter.ProtocolError
	if !errors.As(err, &pe) || !errors.Is(err, jupyter.ErrBadSignature) || pe.Channel != "iopub" {
		t.Fatalf("Execute: got %v, want a *ProtocolError on iopub wrapping ErrBadSignature", err)
	}
	if strings.Contains(strings.Join(seen, ","), "forged") {
		t.Errorf("Execute: the forged message was handed on: %q", seen)
	}
}

func TestFindKernelSpec(t *testing.T) {
	dir := t.TempDir()
	if _, err := fakekernel.WriteSpec(dir, "fake-find", "message", nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUPYTER_PATH", dir)
	spec, err := jupyter.FindKernelSpec("fake-find")
	if err != nil {
		t.Fatalf("FindKernelSpec: %v", err)
	}
	if spec.Name != "fake-find" || spec.InterruptMode != "message" || spec.Env[fakekernel.EnvVar] != "1" {
		t.Errorf("FindKernelSpec: got %+v", spec)
	}
	if _, err := jupyter.FindKernelSpec("no-such-kernel-xyz"); !errors.Is(err, jupyter.ErrNoKernelSpec) {
		t.Errorf("FindKernelSpec(missing): got %v, want ErrNoKernelSpec", err)
	}
}
