package jupyter_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/jupyter/fakekernel"
)

// starterEnv makes the test binary a client that starts the fake kernel, has it spawn a
// helper in a process group of its own (as GoNB does with gopls), prints the pids and its
// temporary folder, and waits to be killed.
const starterEnv = "DEEPNB_TEST_STARTER"

func starterMain() {
	dir := os.Getenv(starterEnv)
	spec, err := fakekernel.WriteSpec(dir, "fake", "message", nil)
	if err != nil {
		panic(err)
	}
	c, err := jupyter.Start(context.Background(), spec, jupyter.Options{})
	if err != nil {
		panic(err)
	}
	var helper string
	_, err = c.Execute(context.Background(), "spawn", jupyter.ExecuteOptions{OnIOPub: func(m *jupyter.Message) {
		var st struct {
			Text string `json:"text"`
		}
		m.Decode(&st)
		if p, ok := strings.CutPrefix(st.Text, "pid "); ok {
			helper = strings.TrimSpace(p)
		}
	}})
	if err != nil || helper == "" {
		panic(fmt.Sprint("spawn: ", err))
	}
	kernel := kernelPid(c)
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", kernel))
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	fmt.Printf("kernel %d helper %s dir %s\n", kernel, helper, filepath.Dir(args[len(args)-1]))
	select {}
}

// kernelPid finds the fake kernel's pid: the child of this process in a session of its own.
func kernelPid(c *jupyter.Client) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/stat")
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 3 && f[1] == strconv.Itoa(os.Getpid()) && f[3] == e.Name() {
			return pid
		}
	}
	return 0
}

// TestKilledClientLeavesNothing: when the program that started a kernel is killed with
// SIGKILL, the kernel, the helpers it started in process groups of their own, and the
// temporary folder go too (issue 16, case 6); a folder left by a killed owner is removed by
// the next Start.
func TestKilledClientLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the watchdog kills a session's processes through /proc")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), starterEnv+"="+t.TempDir())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("starter: %v", err)
	}
	var kernel, helper int
	var dir string
	if _, err := fmt.Sscanf(line, "kernel %d helper %d dir %s", &kernel, &helper, &dir); err != nil || kernel == 0 {
		cmd.Process.Kill()
		t.Fatalf("starter said %q: %v", line, err)
	}
	cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
	cmd.Wait()
	gone := func(pid int) bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return err != nil || strings.Contains(string(b[strings.LastIndexByte(string(b), ')'):]), ") Z ")
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && !(gone(kernel) && gone(helper)) {
		time.Sleep(100 * time.Millisecond)
	}
	for name, pid := range map[string]int{"kernel": kernel, "helper": helper} {
		if !gone(pid) {
			t.Errorf("%s (pid %d) still running 15 s after its starter was killed", name, pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	for time.Now().Before(deadline) {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary folder %s left behind (%v)", dir, err)
	}

	// A folder whose owner died without a watchdog is removed at the next Start; one of a
	// live owner is kept.
	dead := exec.Command("true")
	dead.Run()
	stale := filepath.Join(os.TempDir(), fmt.Sprintf("deepnb-kernel-%d-123", dead.Process.Pid))
	live := filepath.Join(os.TempDir(), fmt.Sprintf("deepnb-kernel-%d-456", os.Getpid()))
	for _, d := range []string{stale, live} {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	defer os.RemoveAll(live)
	start(t, "message", nil, jupyter.Options{})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale folder %s not removed by Start (%v)", stale, err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a live owner's folder was removed: %v", err)
	}
}
