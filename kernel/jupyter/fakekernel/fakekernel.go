// Package fakekernel is a tiny scripted Jupyter kernel for tests of Jupyter
// clients: it speaks the real wire protocol over zmq4 (ROUTER shell, control
// and stdin, PUB iopub, REP heartbeat) but, instead of a language, runs a
// little command language, one command per line of the executed code:
//
//	print TEXT          stream TEXT+"\n" to stdout
//	stderr TEXT         stream TEXT+"\n" to stderr
//	result TEXT         execute_result with text/plain TEXT
//	display ID TEXT     display_data text/plain TEXT with transient display_id ID
//	update ID TEXT      update_display_data for display_id ID
//	png                 display_data with a 2×1 image/png
//	error NAME VALUE    an error output; the reply has status "error"
//	sleep MS            sleep MS milliseconds
//	hang                block until interrupted (interrupt_request or SIGINT),
//	                    then print "interrupted" to stderr and fail with KeyboardInterrupt
//	hang-hard           block forever, ignoring interrupts
//	die                 exit the process with status 3
//	badsig              publish a stream message with a wrong signature
//	flood N SIZE        print N numbered lines of SIZE bytes each ("line
//	                    000001 xxx…"), in stream messages of about 64 KiB
//	reply               send the execute_reply now; the commands after it
//	                    still run, and the idle status follows them (as a
//	                    kernel whose output lags behind its reply)
//	spawn               start a child process (sleep 600) in a process group
//	                    of its own, as GoNB starts gopls, and print its pid
//	late CMD ARGS       run print, display or update CMD 50ms after the
//	                    execution is over (after its idle status), as GoNB
//	                    may for displays sent by a cell's program
//
// Anything else is echoed to stdout. Environment variable
// DEEPNB_FAKE_KERNEL_NO_HEARTBEAT=1 makes it never answer heartbeats;
// DEEPNB_FAKE_KERNEL_COARSE_DATES=1 makes it date its messages to the second
// (time.RFC3339, as GoNB does) instead of to the microsecond.
//
// A test binary becomes the kernel when its TestMain calls [MainIfKernel]
// first; [WriteSpec] writes the kernelspec that launches it.
package fakekernel

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/go-zeromq/zmq4"
)

// EnvVar is the environment variable that makes a test binary run as the
// fake kernel.
const EnvVar = "DEEPNB_FAKE_KERNEL"

// MainIfKernel runs the fake kernel and exits if EnvVar is set; call it
// first in TestMain. The connection file is the last argument.
func MainIfKernel() {
	if os.Getenv(EnvVar) != "1" {
		return
	}
	if err := Serve(os.Args[len(os.Args)-1]); err != nil {
		fmt.Fprintln(os.Stderr, "fakekernel:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// WriteSpec writes dir/kernels/NAME/kernel.json, a kernelspec that runs the
// current executable (a test binary whose TestMain calls MainIfKernel) as
// the fake kernel, and returns dir (for JUPYTER_PATH) and the spec.
// interruptMode is "message" or "signal".
func WriteSpec(dir, name, interruptMode string, env map[string]string) (*jupyter.KernelSpec, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	e := map[string]string{EnvVar: "1"}
	for k, v := range env {
		e[k] = v
	}
	spec := &jupyter.KernelSpec{
		Name:          name,
		Dir:           filepath.Join(dir, "kernels", name),
		Argv:          []string{exe, "{connection_file}"},
		DisplayName:   "Fake kernel",
		Language:      "fake",
		InterruptMode: interruptMode,
		Env:           e,
	}
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(spec, "", "  ")
	return spec, os.WriteFile(filepath.Join(spec.Dir, "kernel.json"), b, 0o644)
}

type kernel struct {
	key                          []byte
	session                      string
	shell, control, stdin, iopub zmq4.Socket
	hb                           zmq4.Socket
	pubMu                        sync.Mutex
	count                        int
	interrupt                    chan struct{}
	done                         chan struct{}
	doneOnce                     sync.Once
}

// Serve runs the fake kernel described by the connection file until it is
// asked to shut down.
func Serve(connFile string) error {
	ci, err := jupyter.ReadConnectionInfo(connFile)
	if err != nil {
		return err
	}
	ctx := context.Background()
	quiet := zmq4.WithLogger(log.New(io.Discard, "", 0))
	k := &kernel{
		key:       []byte(ci.Key),
		session:   jupyter.NewID(),
		shell:     zmq4.NewRouter(ctx, quiet),
		control:   zmq4.NewRouter(ctx, quiet),
		stdin:     zmq4.NewRouter(ctx, quiet),
		iopub:     zmq4.NewPub(ctx, quiet),
		hb:        zmq4.NewRep(ctx, quiet),
		interrupt: make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	for _, s := range []struct {
		sock zmq4.Socket
		port int
	}{{k.shell, ci.ShellPort}, {k.control, ci.ControlPort}, {k.stdin, ci.StdinPort}, {k.iopub, ci.IOPubPort}, {k.hb, ci.HBPort}} {
		if err := s.sock.Listen(ci.Addr(s.port)); err != nil {
			return err
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		for range sig {
			k.signalInterrupt()
		}
	}()
	if os.Getenv("DEEPNB_FAKE_KERNEL_NO_HEARTBEAT") != "1" {
		go func() {
			for {
				m, err := k.hb.Recv()
				if err != nil {
					return
				}
				k.hb.Send(m)
			}
		}()
	}
	go k.loop(k.control)
	go k.loop(k.shell)
	<-k.done
	time.Sleep(100 * time.Millisecond) // let the shutdown_reply go out
	return nil
}

func (k *kernel) signalInterrupt() {
	select {
	case k.interrupt <- struct{}{}:
	default:
	}
}

func (k *kernel) loop(sock zmq4.Socket) {
	for {
		zm, err := sock.Recv()
		if err != nil {
			return
		}
		m, err := jupyter.ParseFrames(zm.Frames, k.key)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fakekernel: rejected:", err)
			continue
		}
		k.handle(sock, m)
	}
}

func (k *kernel) reply(sock zmq4.Socket, parent *jupyter.Message, msgType string, content any) {
	m := k.newMessage(msgType, content)
	m.ParentHeader = parent.Header
	m.Identities = parent.Identities
	frames, _ := m.Frames(k.key)
	sock.SendMulti(zmq4.NewMsgFrom(frames...))
}

// newMessage is jupyter.NewMessage in the kernel's session, dated to the
// second if DEEPNB_FAKE_KERNEL_COARSE_DATES=1.
func (k *kernel) newMessage(msgType string, content any) *jupyter.Message {
	m := jupyter.NewMessage(k.session, msgType, content)
	if os.Getenv("DEEPNB_FAKE_KERNEL_COARSE_DATES") == "1" {
		m.Header.Date = time.Now().UTC().Format(time.RFC3339)
	}
	return m
}

func (k *kernel) publish(parent *jupyter.Message, msgType string, content any) {
	k.publishKey(k.key, parent, msgType, content)
}

func (k *kernel) publishKey(key []byte, parent *jupyter.Message, msgType string, content any) {
	m := k.newMessage(msgType, content)
	m.ParentHeader = parent.Header
	frames, _ := m.Frames(key)
	k.pubMu.Lock()
	defer k.pubMu.Unlock()
	k.iopub.SendMulti(zmq4.NewMsgFrom(frames...))
}

func (k *kernel) status(parent *jupyter.Message, state string) {
	k.publish(parent, "status", map[string]string{"execution_state": state})
}

func (k *kernel) handle(sock zmq4.Socket, m *jupyter.Message) {
	switch m.Header.MsgType {
	case "kernel_info_request":
		k.status(m, "busy")
		k.reply(sock, m, "kernel_info_reply", map[string]any{
			"status": "ok", "protocol_version": jupyter.ProtocolVersion,
			"implementation": "fakekernel", "implementation_version": "0",
			"language_info": map[string]any{"name": "fake", "version": "0", "file_extension": ".fake"},
			"banner":        "fake kernel",
		})
		k.status(m, "idle")
	case "interrupt_request":
		k.signalInterrupt()
		k.reply(sock, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "shutdown_request":
		k.reply(sock, m, "shutdown_reply", map[string]any{"status": "ok", "restart": false})
		k.doneOnce.Do(func() { close(k.done) })
	case "execute_request":
		k.execute(sock, m)
	default:
		k.reply(sock, m, strings.TrimSuffix(m.Header.MsgType, "_request")+"_reply", map[string]any{"status": "error", "ename": "NotImplemented"})
	}
}

func (k *kernel) execute(sock zmq4.Socket, m *jupyter.Message) {
	var req struct {
		Code string `json:"code"`
	}
	json.Unmarshal(m.Content, &req)
	k.status(m, "busy")
	k.count++
	k.publish(m, "execute_input", map[string]any{"code": req.Code, "execution_count": k.count})
	stream := func(name, text string) {
		k.publish(m, "stream", map[string]string{"name": name, "text": text})
	}
	fail := func(ename, evalue string) {
		tb := []string{ename + ": " + evalue}
		k.publish(m, "error", map[string]any{"ename": ename, "evalue": evalue, "traceback": tb})
		k.reply(sock, m, "execute_reply", map[string]any{"status": "error", "execution_count": k.count, "ename": ename, "evalue": evalue, "traceback": tb})
		k.status(m, "idle")
	}
	var lateLines []string
	replied := false
	defer func() {
		if len(lateLines) == 0 {
			return
		}
		go func() {
			time.Sleep(50 * time.Millisecond)
			for _, l := range lateLines {
				cmd, arg, _ := strings.Cut(l, " ")
				switch cmd {
				case "print":
					stream("stdout", arg+"\n")
				case "display", "update":
					id, text, _ := strings.Cut(arg, " ")
					typ := "display_data"
					if cmd == "update" {
						typ = "update_display_data"
					}
					k.publish(m, typ, map[string]any{"data": map[string]string{"text/plain": text}, "metadata": map[string]any{}, "transient": map[string]string{"display_id": id}})
				}
			}
		}()
	}()
	for _, line := range strings.Split(req.Code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "":
		case "late":
			lateLines = append(lateLines, arg)
		case "print":
			stream("stdout", arg+"\n")
		case "stderr":
			stream("stderr", arg+"\n")
		case "result":
			k.publish(m, "execute_result", map[string]any{"execution_count": k.count, "data": map[string]string{"text/plain": arg}, "metadata": map[string]any{}})
		case "display", "update":
			id, text, _ := strings.Cut(arg, " ")
			typ := "display_data"
			if cmd == "update" {
				typ = "update_display_data"
			}
			k.publish(m, typ, map[string]any{"data": map[string]string{"text/plain": text}, "metadata": map[string]any{}, "transient": map[string]string{"display_id": id}})
		case "png":
			img := image.NewRGBA(image.Rect(0, 0, 2, 1))
			img.Set(0, 0, color.RGBA{255, 0, 0, 255})
			var b bytes.Buffer
			png.Encode(&b, img)
			k.publish(m, "display_data", map[string]any{"data": map[string]string{"image/png": base64.StdEncoding.EncodeToString(b.Bytes()), "text/plain": "<image>"}, "metadata": map[string]any{}})
		case "error":
			name, value, _ := strings.Cut(arg, " ")
			fail(name, value)
			return
		case "sleep":
			ms, _ := strconv.Atoi(arg)
			time.Sleep(time.Duration(ms) * time.Millisecond)
		case "hang":
			<-k.interrupt
			stream("stderr", "interrupted\n")
			fail("KeyboardInterrupt", "interrupted by the client")
			return
		case "hang-hard":
			select {}
		case "die":
			time.Sleep(300 * time.Millisecond) // let the outputs so far go out
			os.Exit(3)
		case "flood":
			a, b, _ := strings.Cut(arg, " ")
			n, _ := strconv.Atoi(a)
			size, _ := strconv.Atoi(b)
			flood(stream, n, size)
		case "reply":
			k.reply(sock, m, "execute_reply", map[string]any{"status": "ok", "execution_count": k.count, "user_expressions": map[string]any{}})
			replied = true
		case "spawn":
			cmd := exec.Command("sleep", "600")
			setOwnProcessGroup(cmd)
			if err := cmd.Start(); err != nil {
				stream("stderr", err.Error()+"\n")
				break
			}
			go cmd.Wait()
			stream("stdout", fmt.Sprintf("pid %d\n", cmd.Process.Pid))
		case "badsig":
			k.publishKey([]byte("not-the-key"), m, "stream", map[string]string{"name": "stdout", "text": "forged\n"})
		default:
			stream("stdout", line+"\n")
		}
	}
	if !replied {
		k.reply(sock, m, "execute_reply", map[string]any{"status": "ok", "execution_count": k.count, "user_expressions": map[string]any{}})
	}
	k.status(m, "idle")
}

// flood streams n numbered lines of size bytes to stdout, about 64 KiB a message.
func flood(stream func(name, text string), n, size int) {
	var b strings.Builder
	for i := range n {
		line := fmt.Sprintf("line %06d ", i)
		line += strings.Repeat("x", max(size-len(line)-1, 0)) + "\n"
		b.WriteString(line)
		if b.Len() >= 64<<10 {
			stream("stdout", b.String())
			b.Reset()
		}
	}
	if b.Len() > 0 {
		stream("stdout", b.String())
	}
}
