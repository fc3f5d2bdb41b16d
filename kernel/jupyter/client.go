package jupyter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/deepnb/deepnb/kernel/internal/proc"
	"github.com/go-zeromq/zmq4"
)

// Options configures [Start] and [Connect]. The zero value is usable.
type Options struct {
	// Dir is the kernel process's working directory ("" = the current one).
	Dir string
	// Env is the kernel process's base environment (nil = os.Environ()); the
	// kernelspec's env is applied on top.
	Env []string
	// Log receives the kernel process's stdout and stderr as they come (nil =
	// discard). The last lines are kept in any case for [DeadError].
	Log io.Writer
	// StartTimeout bounds how long the kernel has to answer its first
	// kernel_info_request. Default 60s.
	StartTimeout time.Duration
	// HeartbeatInterval is the time between heartbeat pings. Default 1s.
	HeartbeatInterval time.Duration
	// Unrouted, if set, is called with each iopub message whose parent has
	// no Execute in progress, such as output a kernel publishes after its
	// idle status (GoNB can publish displays from a cell's program after
	// the cell's execution is over). It is called from the channel reader
	// goroutine and must not block.
	Unrouted func(*Message)
	// HeartbeatTimeout is how long the kernel may leave a ping unanswered
	// before it is declared dead. Default 30s (a kernel compiling on a busy
	// machine can be slow, and process exit is detected at once anyway).
	HeartbeatTimeout time.Duration
}

func (o *Options) defaults() {
	if o.StartTimeout == 0 {
		o.StartTimeout = 60 * time.Second
	}
	if o.HeartbeatInterval == 0 {
		o.HeartbeatInterval = time.Second
	}
	if o.HeartbeatTimeout == 0 {
		o.HeartbeatTimeout = 30 * time.Second
	}
}

// tempPrefix names the private temporary folders of kernels started by
// [Start] (with the starter's pid, see proc.TempDir).
const tempPrefix = "deepnb-kernel"

// DeadError reports that the kernel died: its process exited or it stopped
// answering heartbeats.
type DeadError struct {
	Reason string // e.g. "kernel process exited: signal: killed"
	Log    string // the last lines the kernel process wrote, if any
}

// Error says why the kernel is considered dead, with its last log lines.
func (e *DeadError) Error() string {
	if e.Log == "" {
		return "jupyter: kernel died: " + e.Reason
	}
	return "jupyter: kernel died: " + e.Reason + "\nlast kernel log lines:\n" + e.Log
}

// ProtocolError reports a message rejected on a channel, for example one
// with a bad signature (errors.Is(err, ErrBadSignature)).
type ProtocolError struct {
	Channel string
	Err     error
}

// Error names the channel and the reason for the rejection.
func (e *ProtocolError) Error() string {
	return fmt.Sprintf("jupyter: message rejected on %s channel: %v", e.Channel, e.Err)
}

// Unwrap returns the reason, e.g. ErrBadSignature.
func (e *ProtocolError) Unwrap() error { return e.Err }

// TimeoutError is returned by [Client.Execute] when code ran past its
// timeout (the kernel was then interrupted).
type TimeoutError struct {
	Timeout time.Duration
	// Interrupted reports whether the kernel acknowledged the interrupt by
	// finishing the execution within the grace period.
	Interrupted bool
}

// Error gives the timeout and whether the interrupt took effect.
func (e *TimeoutError) Error() string {
	s := fmt.Sprintf("jupyter: execution timed out after %v", e.Timeout)
	if e.Interrupted {
		return s + " (kernel interrupted)"
	}
	return s + " (kernel did not stop after the interrupt)"
}

// Client is a connection to a running kernel. Its methods are safe for
// concurrent use, but a kernel runs one execute_request at a time.
type Client struct {
	Spec    *KernelSpec     // nil when made by Connect
	Conn    *ConnectionInfo // the connection file's content
	Session string          // the session id sent in every header

	opts     Options
	key      []byte
	connFile string // written by Start, removed by Close
	tmpDir   string
	cmd      *exec.Cmd
	watchdog *proc.Watchdog
	logTail  *tailBuffer

	ctx    context.Context // life of the sockets
	cancel context.CancelFunc

	shell, control, stdin, iopub, hb zmq4.Socket
	sendMu                           sync.Mutex

	mu      sync.Mutex
	replies map[string]chan *Message // by parent msg_id (shell and control)
	subs    map[string]*subscription // iopub, by parent msg_id

	dead      latch         // the kernel was found dead; its error is a *DeadError
	exited    chan struct{} // closed when the process has been reaped
	proto     latch         // the first rejected message; its error is a *ProtocolError
	iopubSeen latch         // the first iopub message arrived

	closeOnce   sync.Once
	kernelInfo  json.RawMessage
	readersDone sync.WaitGroup
}

// latch is a one-time event: the first set closes its channel and fixes its error, later
// sets do nothing. Its zero value is not ready: make one with newLatch.
type latch struct {
	once sync.Once
	ch   chan struct{}
	err  error
}

func newLatch() latch { return latch{ch: make(chan struct{})} }

// set fires the latch with the error mk returns (mk runs once, on the first set).
func (l *latch) set(mk func() error) {
	l.once.Do(func() {
		if mk != nil {
			l.err = mk()
		}
		close(l.ch)
	})
}

// done is closed once the latch has fired.
func (l *latch) done() <-chan struct{} { return l.ch }

// fired reports whether set has been called.
func (l *latch) fired() bool {
	select {
	case <-l.ch:
		return true
	default:
		return false
	}
}

type subscription struct {
	ch   chan *Message
	done chan struct{}
}

// Start launches the kernel described by spec and connects to it: it writes
// a connection file (free 127.0.0.1 ports, a fresh key) to a private
// temporary directory, runs spec's argv with {connection_file} substituted
// and spec's env applied, connects the five channels and waits (up to
// opts.StartTimeout) for the kernel to answer a kernel_info_request. The
// kernel runs in its own process group; [Client.Close] kills it.
func Start(ctx context.Context, spec *KernelSpec, opts Options) (*Client, error) {
	opts.defaults()
	ci, err := NewConnectionInfo()
	if err != nil {
		return nil, err
	}
	ci.KernelName = spec.Name
	// Folders left by runners killed before they could clean up go first.
	proc.CleanStale(tempPrefix)
	tmp, err := proc.TempDir(tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("jupyter: %w", err)
	}
	connFile := filepath.Join(tmp, "kernel-"+NewID()[:8]+".json")
	if err := ci.WriteFile(connFile); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	argv := spec.command(connFile)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = opts.Dir
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = spec.environ(env)
	tail := newTailBuffer(64 << 10)
	var w io.Writer = tail
	if opts.Log != nil {
		w = io.MultiWriter(tail, opts.Log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("jupyter: start kernel %q: %w", spec.Name, err)
	}
	c := newClient(ci, opts)
	c.Spec, c.cmd, c.connFile, c.tmpDir, c.logTail = spec, cmd, connFile, tmp, tail
	// Should this process die without closing the client (SIGKILL), the
	// watchdog stops the kernel and everything it started, and removes tmp.
	// Without one (no /bin/sh), the kernel still gets SIGTERM when this
	// process dies (Linux), and the next Start removes tmp.
	c.watchdog, _ = proc.Watch(cmd.Process.Pid, tmp, 3*time.Second)
	go func() {
		err := cmd.Wait()
		reason := "kernel process exited"
		if err != nil {
			reason += ": " + err.Error()
		} else {
			reason += " (status 0)"
		}
		close(c.exited)
		c.markDead(reason)
	}()
	if err := c.connect(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("jupyter: start kernel %q (%s): %w", spec.Name, strings.Join(argv, " "), err)
	}
	return c, nil
}

// Connect connects to an already running kernel described by ci and waits
// for it to answer a kernel_info_request. Close does not kill anything.
func Connect(ctx context.Context, ci *ConnectionInfo, opts Options) (*Client, error) {
	opts.defaults()
	c := newClient(ci, opts)
	if err := c.connect(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func newClient(ci *ConnectionInfo, opts Options) *Client {
	ctx, cancel := context.WithCancel(context.Background())
	return &Client{
		Conn:      ci,
		Session:   NewID(),
		opts:      opts,
		key:       []byte(ci.Key),
		ctx:       ctx,
		cancel:    cancel,
		replies:   map[string]chan *Message{},
		subs:      map[string]*subscription{},
		dead:      newLatch(),
		exited:    make(chan struct{}),
		proto:     newLatch(),
		iopubSeen: newLatch(),
	}
}

var discardLogger = log.New(io.Discard, "", 0)

func (c *Client) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.StartTimeout)
	defer cancel()
	// Abort dialing when the kernel dies or the start times out.
	stop := context.AfterFunc(ctx, c.cancel)
	defer stop()
	go func() {
		select {
		case <-c.dead.done():
			cancel()
		case <-ctx.Done():
		}
	}()
	retry := 50 * time.Millisecond
	sopts := []zmq4.Option{
		zmq4.WithLogger(discardLogger),
		zmq4.WithDialerRetry(retry),
		zmq4.WithDialerMaxRetries(int(c.opts.StartTimeout/retry) + 1),
		zmq4.WithTimeout(30 * time.Second),
	}
	c.shell = zmq4.NewDealer(c.ctx, sopts...)
	c.control = zmq4.NewDealer(c.ctx, sopts...)
	c.stdin = zmq4.NewDealer(c.ctx, sopts...)
	c.iopub = zmq4.NewSub(c.ctx, sopts...)
	c.hb = zmq4.NewReq(c.ctx, sopts...)
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		sock zmq4.Socket
		port int
	}{
		{"shell", c.shell, c.Conn.ShellPort},
		{"iopub", c.iopub, c.Conn.IOPubPort},
		{"control", c.control, c.Conn.ControlPort},
		{"stdin", c.stdin, c.Conn.StdinPort},
		{"heartbeat", c.hb, c.Conn.HBPort},
	} {
		if err := s.sock.Dial(c.Conn.Addr(s.port)); err != nil {
			return c.startErr(ctx, fmt.Errorf("connect %s channel: %w", s.name, err))
		}
	}
	c.readersDone.Add(4)
	go c.readLoop("shell", c.shell, c.routeReply)
	go c.readLoop("control", c.control, c.routeReply)
	go c.readLoop("iopub", c.iopub, c.routeIOPub)
	go c.readLoop("stdin", c.stdin, func(*Message) {}) // allow_stdin is false: nothing to answer

	// Ask kernel_info until it is answered and its status messages arrive
	// on iopub (so the subscription is live before any code runs).
	for {
		req := NewMessage(c.Session, "kernel_info_request", struct{}{})
		tctx, tcancel := context.WithTimeout(ctx, 2*time.Second)
		reply, err := c.request(tctx, c.shell, req)
		tcancel()
		if err == nil {
			c.kernelInfo = reply.Content
			select {
			case <-c.iopubSeen.done():
				go c.heartbeatLoop()
				return nil
			case <-time.After(500 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil || c.isDead() || c.protoFailed() {
			var e error = ctx.Err()
			if c.kernelInfo != nil {
				e = errors.New("kernel answered kernel_info_request but nothing arrived on the iopub channel")
			} else if err != nil {
				e = fmt.Errorf("no kernel_info_reply: %w", err)
			}
			return c.startErr(ctx, e)
		}
	}
}

// startErr prefers the kernel's death or a protocol error over a timeout.
func (c *Client) startErr(ctx context.Context, err error) error {
	if c.cmd != nil && !c.isDead() {
		// Give a dying process a moment to be reaped, for a better message.
		select {
		case <-c.dead.done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if c.isDead() {
		return c.dead.err
	}
	if c.protoFailed() {
		return c.proto.err
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		return fmt.Errorf("kernel did not answer within %v: %w", c.opts.StartTimeout, err)
	}
	return err
}

// KernelInfo returns the content of the kernel_info_reply received at start.
func (c *Client) KernelInfo() json.RawMessage { return c.kernelInfo }

// Dead is closed when the kernel is found dead; [Client.Err] then says why.
func (c *Client) Dead() <-chan struct{} { return c.dead.done() }

// Err returns the *DeadError once the kernel is dead, or the *ProtocolError
// of the first rejected message, or nil.
func (c *Client) Err() error {
	if c.isDead() {
		return c.dead.err
	}
	if c.protoFailed() {
		return c.proto.err
	}
	return nil
}

// Log returns the last lines the kernel process wrote to stdout and stderr.
func (c *Client) Log() string {
	if c.logTail == nil {
		return ""
	}
	return c.logTail.String()
}

func (c *Client) isDead() bool { return c.dead.fired() }

func (c *Client) protoFailed() bool { return c.proto.fired() }

func (c *Client) markDead(reason string) {
	c.dead.set(func() error {
		e := &DeadError{Reason: reason}
		if c.logTail != nil {
			e.Log = lastLines(c.logTail.String(), 20)
		}
		return e
	})
}

func (c *Client) reject(channel string, err error) {
	c.proto.set(func() error { return &ProtocolError{Channel: channel, Err: err} })
}

func (c *Client) readLoop(name string, sock zmq4.Socket, route func(*Message)) {
	defer c.readersDone.Done()
	for {
		zm, err := sock.Recv()
		if c.ctx.Err() != nil {
			return
		}
		if err != nil {
			// The connection dropped (the kernel is probably dying; process
			// exit or the heartbeat will tell). Avoid spinning.
			select {
			case <-c.ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		if name == "iopub" && len(zm.Frames) == 1 && len(zm.Frames[0]) > 0 && (zm.Frames[0][0] == 0 || zm.Frames[0][0] == 1) {
			continue // a subscription frame echoed by some PUB implementations
		}
		received := time.Now()
		m, err := ParseFrames(zm.Frames, c.key)
		if err != nil {
			c.reject(name, err)
			continue
		}
		m.Received = received
		route(m)
	}
}

func (c *Client) routeReply(m *Message) {
	c.mu.Lock()
	ch := c.replies[m.ParentHeader.MsgID]
	delete(c.replies, m.ParentHeader.MsgID)
	c.mu.Unlock()
	if ch != nil {
		ch <- m // buffered, one reply per request
	}
}

func (c *Client) routeIOPub(m *Message) {
	c.iopubSeen.set(nil)
	c.mu.Lock()
	s := c.subs[m.ParentHeader.MsgID]
	c.mu.Unlock()
	if s == nil {
		if c.opts.Unrouted != nil {
			c.opts.Unrouted(m)
		}
		return
	}
	select {
	case s.ch <- m:
	case <-s.done:
	case <-c.ctx.Done():
	}
}

func (c *Client) send(sock zmq4.Socket, m *Message) error {
	frames, err := m.Frames(c.key)
	if err != nil {
		return err
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return sock.SendMulti(zmq4.NewMsgFrom(frames...))
}

// request sends m on sock (shell or control) and waits for its reply.
func (c *Client) request(ctx context.Context, sock zmq4.Socket, m *Message) (*Message, error) {
	ch := make(chan *Message, 1)
	c.mu.Lock()
	c.replies[m.Header.MsgID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.replies, m.Header.MsgID)
		c.mu.Unlock()
	}()
	if err := c.send(sock, m); err != nil {
		return nil, fmt.Errorf("send %s: %w", m.Header.MsgType, err)
	}
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the reply to %s: %w", m.Header.MsgType, ctx.Err())
	case <-c.dead.done():
		return nil, c.dead.err
	case <-c.proto.done():
		return nil, c.proto.err
	}
}

// Request sends a request of type msgType with content on the shell channel
// (or the control channel if control is true) and returns the reply.
func (c *Client) Request(ctx context.Context, control bool, msgType string, content any) (*Message, error) {
	sock := c.shell
	if control {
		sock = c.control
	}
	return c.request(ctx, sock, NewMessage(c.Session, msgType, content))
}

// ExecuteOptions configures [Client.Execute].
type ExecuteOptions struct {
	// Timeout bounds the execution (0 = none). On timeout the kernel is
	// interrupted and Execute returns a *TimeoutError.
	Timeout time.Duration
	// InterruptGrace is how long to keep collecting output after the
	// interrupt. Default 10s.
	InterruptGrace time.Duration
	// IOPubTimeout, if positive, bounds the wait for the idle status after
	// the execute_reply; output arriving later is then not the execution's.
	// The default, 0, waits for the idle status as nbclient does, however
	// long the output lags behind the reply, within Timeout: a kernel
	// streaming a large output is never cut short.
	IOPubTimeout time.Duration
	// OnIOPub is called, in order, for each iopub message the execution
	// causes (status, execute_input, stream, display_data, ...).
	OnIOPub func(*Message)
}

// Execute runs code in the kernel (silent=false, store_history=true,
// allow_stdin=false) and returns the execute_reply once the kernel is idle
// again. Errors: a *TimeoutError (after interrupting the kernel), a
// *DeadError if the kernel died (the iopub messages that arrived before its
// death have been handed to OnIOPub), a *ProtocolError, or ctx's error. An
// execute_reply with status "error" is not an error of Execute.
func (c *Client) Execute(ctx context.Context, code string, opts ExecuteOptions) (*Message, error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	if opts.InterruptGrace == 0 {
		opts.InterruptGrace = 10 * time.Second
	}
	onIOPub := opts.OnIOPub
	if onIOPub == nil {
		onIOPub = func(*Message) {}
	}
	req := NewMessage(c.Session, "execute_request", map[string]any{
		"code":             code,
		"silent":           false,
		"store_history":    true,
		"user_expressions": map[string]any{},
		"allow_stdin":      false,
		"stop_on_error":    true,
	})
	id := req.Header.MsgID
	sub := &subscription{ch: make(chan *Message, 256), done: make(chan struct{})}
	replyCh := make(chan *Message, 1)
	c.mu.Lock()
	c.subs[id] = sub
	c.replies[id] = replyCh
	c.mu.Unlock()
	defer func() {
		close(sub.done)
		c.mu.Lock()
		delete(c.subs, id)
		delete(c.replies, id)
		c.mu.Unlock()
	}()
	if err := c.send(c.shell, req); err != nil {
		return nil, fmt.Errorf("jupyter: send execute_request: %w", err)
	}

	var (
		reply      *Message
		idle       bool
		timeout    <-chan time.Time // the execution timeout, then the grace period
		iopubWait  <-chan time.Time // after the reply, wait this long for idle
		timedOut   bool
		interrupts = make(chan error, 1)
	)
	if opts.Timeout > 0 {
		t := time.NewTimer(opts.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	for reply == nil || !idle {
		select {
		case m := <-sub.ch:
			onIOPub(m)
			if m.Header.MsgType == "status" {
				var st struct {
					ExecutionState string `json:"execution_state"`
				}
				if json.Unmarshal(m.Content, &st) == nil && st.ExecutionState == "idle" {
					idle = true
				}
			}
		case r := <-replyCh:
			reply = r
			if !idle && opts.IOPubTimeout > 0 {
				iopubWait = time.After(opts.IOPubTimeout)
			}
		case <-iopubWait:
			idle = true // some messages may be lost; the reply is what counts
		case <-timeout:
			if timedOut {
				// Grace period over: the kernel did not stop.
				return reply, &TimeoutError{Timeout: opts.Timeout}
			}
			timedOut = true
			timeout = time.After(opts.InterruptGrace)
			go func() {
				ictx, cancel := context.WithTimeout(context.Background(), opts.InterruptGrace)
				defer cancel()
				interrupts <- c.Interrupt(ictx)
			}()
		case <-interrupts:
			// Errors are reflected by the grace period running out.
		case <-ctx.Done():
			return reply, ctx.Err()
		case <-c.dead.done():
			c.drain(sub, onIOPub)
			return reply, c.dead.err
		case <-c.proto.done():
			return reply, c.proto.err
		}
	}
	if c.protoFailed() {
		// A rejected message came before the idle status.
		return reply, c.proto.err
	}
	if timedOut {
		return reply, &TimeoutError{Timeout: opts.Timeout, Interrupted: true}
	}
	return reply, nil
}

// drain hands on the iopub messages still in flight when the kernel died.
func (c *Client) drain(sub *subscription, onIOPub func(*Message)) {
	quiet := time.NewTimer(200 * time.Millisecond)
	defer quiet.Stop()
	limit := time.After(2 * time.Second)
	for {
		select {
		case m := <-sub.ch:
			onIOPub(m)
			quiet.Reset(200 * time.Millisecond)
		case <-quiet.C:
			return
		case <-limit:
			return
		}
	}
}

// Interrupt interrupts the running execution: with an interrupt_request on
// the control channel when the kernelspec's interrupt_mode is "message" (or
// the kernel was not started by this client), otherwise, and as a fallback
// when the request fails, with SIGINT to the kernel's process group.
func (c *Client) Interrupt(ctx context.Context) error {
	if c.cmd != nil && (c.Spec == nil || c.Spec.InterruptMode != "message") {
		return interruptProcess(c.cmd)
	}
	_, err := c.Request(ctx, true, "interrupt_request", struct{}{})
	if err != nil && c.cmd != nil && !c.isDead() {
		if serr := interruptProcess(c.cmd); serr == nil {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("jupyter: interrupt: %w", err)
	}
	return nil
}

// Shutdown asks the kernel to shut down (shutdown_request on the control
// channel) and waits for the reply.
func (c *Client) Shutdown(ctx context.Context) error {
	_, err := c.Request(ctx, true, "shutdown_request", map[string]any{"restart": false})
	if err != nil {
		return fmt.Errorf("jupyter: shutdown: %w", err)
	}
	return nil
}

// Close shuts the kernel down: a shutdown_request (if it is alive) and,
// for a kernel started by [Start], a wait of up to 3s for its process to
// exit after a successful shutdown; then it kills the kernel's process
// group. Close closes the sockets
// and removes the connection file. It is safe to call more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		shutdown := false
		if c.shell != nil && !c.isDead() && !c.protoFailed() && c.kernelInfo != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			shutdown = c.Shutdown(ctx) == nil
			cancel()
		}
		if c.cmd != nil {
			if shutdown {
				select {
				case <-c.exited:
				case <-time.After(3 * time.Second):
				}
			}
			killProcess(c.cmd)
			<-c.exited
		}
		c.markDead("client closed")
		c.cancel()
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
			if s != nil {
				s.Close()
			}
		}
		// No handler runs after Close returns.
		done := make(chan struct{})
		go func() { c.readersDone.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		if c.tmpDir != "" {
			os.RemoveAll(c.tmpDir)
		}
		if c.watchdog != nil {
			c.watchdog.Stop()
		}
	})
	return nil
}

func (c *Client) heartbeatLoop() {
	replies := make(chan error, 1)
	lastOK := time.Now()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.dead.done():
			return
		case <-time.After(c.opts.HeartbeatInterval):
		}
		go func() {
			if err := c.hb.Send(zmq4.NewMsgString("ping")); err != nil {
				replies <- err
				return
			}
			_, err := c.hb.Recv()
			replies <- err
		}()
		wait := c.opts.HeartbeatTimeout - time.Since(lastOK)
		select {
		case <-c.ctx.Done():
			return
		case <-c.dead.done():
			return
		case err := <-replies:
			if err == nil {
				lastOK = time.Now()
				continue
			}
			// The connection dropped: keep pinging until the timeout decides
			// (process exit is detected separately).
			if time.Since(lastOK) < c.opts.HeartbeatTimeout {
				continue
			}
		case <-time.After(wait):
		}
		c.markDead(fmt.Sprintf("heartbeat lost: no reply in %v", c.opts.HeartbeatTimeout))
		return
	}
}

// tailBuffer keeps the last n bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	n   int
	buf []byte
}

func newTailBuffer(n int) *tailBuffer { return &tailBuffer{n: n} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.n {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.n:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

func lastLines(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
