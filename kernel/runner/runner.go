package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// DefaultKernel is the kernelspec used when Options.Kernel is empty.
const DefaultKernel = "deepnb"

// DefaultTimeout is the per-cell timeout when neither Options.Timeout nor
// the notebook's metadata.deepnb.timeout_seconds sets one.
const DefaultTimeout = 5 * time.Minute

// Options configures a run. The zero value runs with the "deepnb" kernel
// and the default timeouts.
type Options struct {
	// Kernel is the kernelspec name (default "deepnb"), looked up with
	// jupyter.FindKernelSpec.
	Kernel string
	// Spec, if set, is the kernelspec to use; Kernel is then ignored.
	Spec *jupyter.KernelSpec
	// Timeout bounds each cell. Zero means the notebook's
	// metadata.deepnb.timeout_seconds, or DefaultTimeout. A cell's own
	// metadata.deepnb.timeout_seconds overrides both. On timeout the kernel
	// is interrupted and the run fails.
	Timeout time.Duration
	// StartTimeout bounds the kernel's start (default 60s).
	StartTimeout time.Duration
	// Params are injected after the cell tagged "parameters" (RunFile only).
	Params []Param
	// Dir is the kernel's working directory (default: the notebook's
	// directory for RunFile, the current directory for Run).
	Dir string
	// Env is the kernel's base environment (nil = os.Environ()).
	Env []string
	// AllowErrors continues after cells that raise errors (the run still
	// reports the first one). Cells tagged "raises-exception" may always
	// raise.
	AllowErrors bool
	// Out is where RunFile writes the executed notebook ("" = nowhere). It
	// must differ from the input unless InPlace is set.
	Out string
	// InPlace lets RunFile overwrite its input notebook.
	InPlace bool
	// Log receives the kernel process's output (nil = discard; the last
	// lines are quoted in kernel-death errors anyway).
	Log io.Writer
	// Progress, if set, receives one line per executed cell.
	Progress io.Writer
	// Warnings, if set, receives RunFile's warnings ("NAME: warning: ..."),
	// one line each, as they arise; they are also in Result.Warnings.
	Warnings io.Writer
	// Name is how errors and Progress name the notebook (default: RunFile's
	// path, or "notebook").
	Name string
	// MaxOutput, if positive, bounds the bytes kept of each stream output
	// of a cell (a runaway print): its head and tail are kept, with a line
	// "… output truncated: N bytes omitted …" between them, and a warning
	// in Result.Warnings (and to Warnings). Zero keeps everything; output is
	// never dropped otherwise.
	MaxOutput int
}

// Result describes one run.
type Result struct {
	Name     string             // the notebook's path or name
	Notebook *nbformat.Notebook // the executed notebook, with outputs
	Cells    int                // code cells executed (including a failing one)
	Total    int                // code cells in the notebook
	Duration time.Duration      // wall time, kernel start included
	// CellTimes is the wall time of each executed cell, from sending the
	// execute_request to the kernel going idle, in execution order.
	CellTimes []time.Duration
	// Warnings are problems that did not stop the run, such as parameters
	// the notebook does not declare (see [RunFile]).
	Warnings []string
	Err      error // nil or the *Error that stopped the run
}

// Error reports a failed run.
type Error struct {
	Notebook string // path or name
	Cell     int    // 1-based position among all cells; 0 if no cell was involved
	CellID   string
	Source   string // the cell's first lines
	// Kind is "error" (the cell raised), "timeout", "kernel died",
	// "protocol" (a rejected message), "kernel start" or "canceled".
	Kind string
	// Message is the real message: compiler errors, panic text, the
	// error's name and value, or the underlying error's text.
	Message string
	Err     error // the underlying error, if any
}

// Error formats the report:
//
//	notebooks/x.ipynb: cell 5 (id "train"): error:
//	    | %%
//	    | x := foo()
//	  Cell[3]: Line 2 ./main.go:11:6: undefined: foo
func (e *Error) Error() string {
	var sb strings.Builder
	sb.WriteString(e.Notebook)
	if e.Cell > 0 {
		fmt.Fprintf(&sb, ": cell %d", e.Cell)
		if e.CellID != "" {
			fmt.Fprintf(&sb, " (id %q)", e.CellID)
		}
	}
	sb.WriteString(": " + e.Kind + ":\n")
	for _, l := range strings.Split(e.Source, "\n") {
		if e.Source != "" {
			sb.WriteString("    | " + l + "\n")
		}
	}
	for _, l := range strings.Split(strings.TrimRight(e.Message, "\n"), "\n") {
		sb.WriteString("  " + l + "\n")
	}
	return strings.TrimRight(sb.String(), "\n")
}

// Unwrap returns the underlying error (a *jupyter.TimeoutError,
// *jupyter.DeadError, *jupyter.ProtocolError, ...), if any.
func (e *Error) Unwrap() error { return e.Err }

// Summary is a one-line form of the error for tables: the kind and the
// first line of the message that says most.
func (e *Error) Summary() string {
	s := e.Kind
	if e.Cell > 0 {
		s = fmt.Sprintf("cell %d: %s", e.Cell, e.Kind)
	}
	if l := keyLine(e.Message); l != "" {
		s += ": " + l
	}
	return s
}

// keyLine picks the most telling line of a message: a compiler error or a
// panic line if there is one, else the first non-empty line.
func keyLine(msg string) string {
	first := ""
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		if first == "" {
			first = l
		}
		if strings.HasPrefix(l, "panic:") || goErrLine.MatchString(l) {
			return l
		}
	}
	return first
}

var goErrLine = regexp.MustCompile(`\.go:\d+(:\d+)?: `)

// Run executes the code cells of nb in order in a fresh kernel, recording
// outputs, execution counts and metadata.execution timestamps (as nbclient
// does: iopub.status.busy, iopub.execute_input, shell.execute_reply,
// iopub.status.idle) into nb. The timestamps are the kernel's message dates
// where those have sub-second digits, else the times the runner received
// the messages, to the microsecond. All code cells' outputs are cleared
// first, except those of cells tagged "skip-execution", which are not run;
// nor are empty cells. It stops at the first failure and returns the result
// with Err set to an [*Error] (the same error is returned); nb keeps the
// outputs so far.
func Run(ctx context.Context, nb *nbformat.Notebook, opts Options) (*Result, error) {
	name := opts.Name
	if name == "" {
		name = "notebook"
	}
	res := &Result{Name: name, Notebook: nb}
	t0 := time.Now()
	defer func() { res.Duration = time.Since(t0) }()
	fail := func(e *Error) (*Result, error) {
		e.Notebook = name
		res.Err = e
		return res, e
	}
	for _, c := range nb.Cells {
		if c.CellType == "code" && !c.HasTag("skip-execution") {
			c.Outputs, c.ExecutionCount = nil, nil
			delete(c.Metadata, "execution")
			res.Total++
		}
	}
	timeout, err := notebookTimeout(nb.Metadata, opts.Timeout)
	if err != nil {
		return fail(&Error{Kind: "bad metadata", Message: err.Error(), Err: err})
	}
	spec := opts.Spec
	if spec == nil {
		kname := opts.Kernel
		if kname == "" {
			kname = DefaultKernel
		}
		if spec, err = jupyter.FindKernelSpec(kname); err != nil {
			return fail(&Error{Kind: "kernel start", Message: err.Error(), Err: err})
		}
	}
	// mu guards rec, cellOf and the cells' outputs, which the late-output
	// goroutine below writes too.
	var (
		mu     sync.Mutex
		rec    = nbformat.Recorder{MaxOutput: opts.MaxOutput}
		cellOf = map[string]*nbformat.Cell{} // execute_request msg_id → cell
	)
	// Output a kernel publishes after a cell's idle status (GoNB may, for
	// displays sent by the cell's program) is handed over by the client's
	// reader and applied to its cell, in order, by this goroutine. Nothing is
	// dropped: a full queue holds the reader back (and so the kernel).
	late := make(chan *jupyter.Message, 256)
	var lastLate atomic.Int64 // when late output last arrived, in Unix nanoseconds
	lateDone := make(chan struct{})
	go func() {
		defer close(lateDone)
		for m := range late {
			mu.Lock()
			if c := cellOf[m.ParentHeader.MsgID]; c != nil {
				rec.Apply(c, m.Header.MsgType, m.Content)
			}
			mu.Unlock()
		}
	}()
	client, err := jupyter.Start(ctx, spec, jupyter.Options{
		Dir: opts.Dir, Env: opts.Env, Log: opts.Log, StartTimeout: opts.StartTimeout,
		Unrouted: func(m *jupyter.Message) {
			lastLate.Store(time.Now().UnixNano())
			late <- m
		},
	})
	if err != nil {
		close(late)
		<-lateDone
		return fail(&Error{Kind: "kernel start", Message: err.Error(), Err: err})
	}
	defer func() {
		// Late output still flowing is let in before the kernel is shut down,
		// until it pauses for LateQuiet (at most LateWait).
		for deadline := time.Now().Add(LateWait); time.Now().Before(deadline); {
			wait := time.Until(time.Unix(0, lastLate.Load()).Add(LateQuiet))
			if wait <= 0 {
				break
			}
			time.Sleep(wait)
		}
		client.Close() // waits for the channel readers to stop: no more late output
		close(late)
		<-lateDone
		rec.Flush()
	}()
	// truncated reports a cell whose output MaxOutput cut.
	truncated := func(i int, c *nbformat.Cell) {
		n := rec.Omitted(c)
		if n == 0 {
			return
		}
		w := fmt.Sprintf("cell %d: output truncated: %d bytes omitted (the limit is %d bytes per output)", i+1, n, opts.MaxOutput)
		res.Warnings = append(res.Warnings, w)
		if opts.Warnings != nil {
			fmt.Fprintf(opts.Warnings, "%s: warning: %s\n", name, w)
		}
	}

	var firstErr *Error
	for i, c := range nb.Cells {
		if c.CellType != "code" || strings.TrimSpace(c.Source) == "" || c.HasTag("skip-execution") {
			continue
		}
		cellTimeout := timeout
		if t, err := timeoutSeconds(c.Metadata); err != nil {
			return fail(cellError(i, c, "bad metadata", err.Error(), err))
		} else if t > 0 && opts.Timeout == 0 {
			cellTimeout = t
		}
		res.Cells++
		times := map[string]any{}
		var applyErr error
		var busyAt time.Time // when the kernel's busy status arrived
		start := time.Now()
		reply, err := client.Execute(ctx, c.Source, jupyter.ExecuteOptions{
			Timeout: cellTimeout,
			OnIOPub: func(m *jupyter.Message) {
				mu.Lock()
				defer mu.Unlock()
				cellOf[m.ParentHeader.MsgID] = c
				switch m.Header.MsgType {
				case "status":
					var st struct {
						ExecutionState string `json:"execution_state"`
					}
					json.Unmarshal(m.Content, &st)
					if st.ExecutionState == "busy" || st.ExecutionState == "idle" {
						times["iopub.status."+st.ExecutionState] = stamp(m.Header.Date, m.Received)
						if st.ExecutionState == "busy" {
							busyAt = m.Received
						}
					}
				case "execute_input":
					times["iopub.execute_input"] = stamp(m.Header.Date, m.Received)
					var in struct {
						ExecutionCount *int `json:"execution_count"`
					}
					if json.Unmarshal(m.Content, &in) == nil && in.ExecutionCount != nil {
						c.ExecutionCount = in.ExecutionCount
					}
				default:
					if err := rec.Apply(c, m.Header.MsgType, m.Content); err != nil && applyErr == nil {
						applyErr = err
					}
				}
			},
		})
		elapsed := time.Since(start)
		res.CellTimes = append(res.CellTimes, elapsed)
		// The outputs are read under mu: late output may still reach this cell.
		stop, cellErr := func() (stop, cellErr *Error) {
			mu.Lock()
			defer mu.Unlock()
			rec.Flush()
			truncated(i, c)
			var status string
			if reply != nil {
				times["shell.execute_reply"] = stamp(reply.Header.Date, reply.Received)
				var r struct {
					Status         string `json:"status"`
					ExecutionCount *int   `json:"execution_count"`
					EName          string `json:"ename"`
					EValue         string `json:"evalue"`
				}
				json.Unmarshal(reply.Content, &r)
				status = r.Status
				if r.ExecutionCount != nil {
					c.ExecutionCount = r.ExecutionCount
				}
				var meta struct {
					Started string `json:"started"`
				}
				if json.Unmarshal(reply.Metadata, &meta) == nil && meta.Started != "" {
					times["shell.execute_reply.started"] = stamp(meta.Started, busyAt)
				}
			}
			if c.Metadata == nil {
				c.Metadata = map[string]any{}
			}
			c.Metadata["execution"] = times
			if opts.Progress != nil {
				st := status
				if err != nil {
					st = "failed"
				}
				fmt.Fprintf(opts.Progress, "%s: cell %d/%d done in %.2fs: %s\n", name, i+1, len(nb.Cells), elapsed.Seconds(), st)
			}
			if err != nil {
				return executeError(i, c, err), nil
			}
			if applyErr != nil {
				return cellError(i, c, "protocol", applyErr.Error(), applyErr), nil
			}
			if status == "error" || status == "aborted" {
				e := cellError(i, c, "error", errorMessage(c), nil)
				if status == "aborted" {
					e.Kind = "aborted"
				}
				if c.HasTag("raises-exception") {
					return nil, nil
				}
				if !opts.AllowErrors {
					return e, nil
				}
				return nil, e
			}
			return nil, nil
		}()
		if stop != nil {
			return fail(stop)
		}
		if cellErr != nil && firstErr == nil {
			firstErr = cellErr
		}
	}
	if firstErr != nil {
		return fail(firstErr)
	}
	return res, nil
}

// stamp returns the metadata.execution timestamp of a message the kernel
// dated kernelDate and the client received at received: the kernel's date
// if it has sub-second digits, else (GoNB dates its messages to the second)
// the local clock's reading, in UTC with microseconds as nbclient writes
// them.
func stamp(kernelDate string, received time.Time) string {
	if received.IsZero() || fineDate(kernelDate) {
		return kernelDate
	}
	return received.UTC().Format(jupyter.TimeFormat)
}

// fineDate reports whether an ISO 8601 date has a non-zero fraction of a
// second.
func fineDate(date string) bool {
	t := jupyter.Header{Date: date}.Time()
	return !t.IsZero() && t.Nanosecond() != 0
}

func executeError(i int, c *nbformat.Cell, err error) *Error {
	var (
		te *jupyter.TimeoutError
		de *jupyter.DeadError
		pe *jupyter.ProtocolError
	)
	out := errorMessage(c)
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + "\n" + b
	}
	switch {
	case errors.As(err, &te):
		return cellError(i, c, "timeout", join(err.Error(), out), err)
	case errors.As(err, &de):
		return cellError(i, c, "kernel died", join(out, err.Error()), err)
	case errors.As(err, &pe):
		return cellError(i, c, "protocol", err.Error(), err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return cellError(i, c, "canceled", err.Error(), err)
	}
	return cellError(i, c, "error", join(out, err.Error()), err)
}

// LateQuiet and LateWait bound how long [Run] waits, after the last cell,
// for output that a kernel publishes after a cell's idle status: until none
// has come for LateQuiet, at most LateWait.
const (
	LateQuiet = 250 * time.Millisecond
	LateWait  = 10 * time.Second
)

// SourceLines is how many lines of a failing cell's source errors quote.
const SourceLines = 6

func cellError(i int, c *nbformat.Cell, kind, msg string, err error) *Error {
	lines := strings.Split(strings.TrimRight(c.Source, "\n"), "\n")
	if len(lines) > SourceLines {
		lines = append(lines[:SourceLines], fmt.Sprintf("… (%d more lines)", len(lines)-SourceLines))
	}
	return &Error{Cell: i + 1, CellID: c.ID, Source: strings.Join(lines, "\n"), Kind: kind, Message: msg, Err: err}
}

// MessageLines bounds how many lines of stderr and error reports an Error
// message quotes.
const MessageLines = 40

// errorMessage extracts the real message of a failed cell from its outputs:
// GoNB's HTML error report (compiler errors; tags stripped, the hover-only
// code context dropped), the stderr text (panics, with GoNB's cell line
// markers), and the error output's name and value.
func errorMessage(c *nbformat.Cell) string {
	var htmlText, stderr, errs []string
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "stream":
			if o.Name == "stderr" {
				stderr = append(stderr, StripANSI(o.Text))
			}
		case "display_data", "execute_result":
			if h, ok := o.Data["text/html"].(string); ok && isErrorHTML(h) {
				htmlText = append(htmlText, HTMLText(h))
			}
		case "error":
			e := StripANSI(o.EName + ": " + o.EValue)
			if len(o.Traceback) > 0 {
				// The traceback may be no more than the value, or the name and value.
				tb := StripANSI(strings.Join(o.Traceback, "\n"))
				if tb != StripANSI(o.EValue) && tb != e {
					e += "\n" + tb
				}
			}
			errs = append(errs, e)
		}
	}
	sErr := strings.Join(stderr, "")
	for i, h := range htmlText {
		htmlText[i] = gonbBuildDir.ReplaceAllString(h, "")
	}
	var parts []string
	// A panic's stderr already says where; the HTML report repeats it.
	if !strings.Contains(sErr, "panic:") {
		parts = append(parts, htmlText...)
	}
	if s := strings.TrimSpace(sErr); s != "" {
		parts = append(parts, s)
	}
	parts = append(parts, errs...)
	return limitLines(dropNoise(strings.Join(parts, "\n")), MessageLines)
}

// gonbNoise matches the lines GoNB adds to a failing cell's report that say
// only that a program failed: `failed to run "…/go build …": exit status 1`,
// `exit status 2` (go run's, after a panic), each maybe after "ERROR: ".
var gonbNoise = regexp.MustCompile(`^(ERROR: )?(failed to run ".*": )?exit status \d+$`)

// dropNoise removes GoNB's noise lines ([gonbNoise]) from msg if anything
// else is left; a message of noise only is kept as it is.
func dropNoise(msg string) string {
	var kept []string
	real := false
	for _, l := range strings.Split(msg, "\n") {
		if gonbNoise.MatchString(strings.TrimSpace(l)) {
			continue
		}
		kept = append(kept, l)
		real = real || strings.TrimSpace(l) != ""
	}
	if !real {
		return msg
	}
	return strings.Join(kept, "\n")
}

func isErrorHTML(h string) bool {
	return strings.Contains(h, "application/vnd.jupyter.stderr") || strings.Contains(h, "gonb-err")
}

func limitLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}

// gonbBuildDir matches the "# gonb_1234abcd" line go build prints first.
var gonbBuildDir = regexp.MustCompile(`(?m)^# gonb_[0-9a-f]+\n?`)

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// StripANSI removes ANSI terminal escape sequences (colours, reverse video).
func StripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

var (
	tagRE       = regexp.MustCompile(`(?s)<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	blockTags   = map[string]bool{"div": true, "p": true, "br": true, "pre": true, "li": true, "tr": true, "h1": true, "h2": true, "h3": true, "h4": true}
	skipClasses = regexp.MustCompile(`class="[^"]*\bgonb-err-context\b`)
)

// HTMLText returns the text of an HTML fragment: tags stripped, entities
// decoded, block elements on their own lines, <style>, <script> and GoNB's
// hover-only error context (class gonb-err-context) left out, blank lines
// dropped.
func HTMLText(h string) string {
	var sb strings.Builder
	skipDepth := 0 // >0 inside a skipped element
	skipTag := ""
	pos := 0
	for _, m := range tagRE.FindAllStringSubmatchIndex(h, -1) {
		if skipDepth == 0 {
			sb.WriteString(h[pos:m[0]])
		}
		pos = m[1]
		closing := h[m[2]:m[3]] == "/"
		tag := strings.ToLower(h[m[4]:m[5]])
		attrs := h[m[6]:m[7]]
		selfClosing := strings.HasSuffix(attrs, "/") || tag == "br"
		if skipDepth > 0 {
			if tag == skipTag && !selfClosing {
				if closing {
					skipDepth--
				} else {
					skipDepth++
				}
			}
			continue
		}
		if !closing && (tag == "style" || tag == "script" || skipClasses.MatchString(attrs)) && !selfClosing {
			skipDepth, skipTag = 1, tag
			continue
		}
		if blockTags[tag] {
			sb.WriteByte('\n')
		}
	}
	if skipDepth == 0 {
		sb.WriteString(h[pos:])
	}
	var out []string
	for _, l := range strings.Split(html.UnescapeString(sb.String()), "\n") {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}

// notebookTimeout resolves the per-cell timeout of a notebook.
func notebookTimeout(meta map[string]any, opt time.Duration) (time.Duration, error) {
	if opt > 0 {
		return opt, nil
	}
	t, err := timeoutSeconds(meta)
	if err != nil || t > 0 {
		return t, err
	}
	return DefaultTimeout, nil
}

// timeoutSeconds reads metadata.deepnb.timeout_seconds (0 if absent).
func timeoutSeconds(meta map[string]any) (time.Duration, error) {
	dm, _ := meta["deepnb"].(map[string]any)
	v, ok := dm["timeout_seconds"]
	if !ok {
		return 0, nil
	}
	var f float64
	switch v := v.(type) {
	case json.Number:
		var err error
		if f, err = v.Float64(); err != nil {
			return 0, fmt.Errorf("metadata deepnb.timeout_seconds: %w", err)
		}
	case float64:
		f = v
	case int:
		f = float64(v)
	default:
		return 0, fmt.Errorf("metadata deepnb.timeout_seconds is %T, want a number", v)
	}
	if f <= 0 {
		return 0, fmt.Errorf("metadata deepnb.timeout_seconds is %v, want > 0", f)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// RunFile reads the notebook at path, injects opts.Params, runs it (see
// [Run]) in a kernel started in the notebook's directory, and writes the
// executed notebook, failed or not, atomically to opts.Out (or over path if
// opts.InPlace; through a symbolic link to its target). The input is never
// overwritten otherwise. The output path is checked for writability (see
// [nbformat.CheckWritable]) before the kernel starts. It returns the run's
// result and error; a write error is returned too, joined to the run's error
// if the run failed.
//
// As papermill does, it warns (in Result.Warnings and to opts.Warnings) of
// parameters that the cell tagged "parameters" does not declare, and of
// parameters given to a notebook without such a cell (they are then
// injected at the top of the notebook).
func RunFile(ctx context.Context, path string, opts Options) (*Result, error) {
	if opts.Name == "" {
		opts.Name = path
	}
	out := opts.Out
	if opts.InPlace {
		out = path
	} else if out != "" && SamePath(out, path) {
		err := fmt.Errorf("%s: refusing to overwrite the input notebook (use --inplace)", path)
		return &Result{Name: opts.Name, Err: err}, err
	}
	nb, err := nbformat.ReadFile(path)
	if err != nil {
		return &Result{Name: opts.Name, Err: err}, err
	}
	if out != "" {
		// A bad --out fails now, not after the whole run.
		if err := nbformat.CheckWritable(out); err != nil {
			return &Result{Name: opts.Name, Err: err}, err
		}
	}
	warnings, err := injectParams(nb, opts.Params)
	if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
		return &Result{Name: opts.Name, Notebook: nb, Err: err}, err
	}
	if opts.Warnings != nil {
		for _, w := range warnings {
			fmt.Fprintf(opts.Warnings, "%s: warning: %s\n", opts.Name, w)
		}
	}
	if opts.Dir == "" {
		if opts.Dir, err = filepath.Abs(filepath.Dir(path)); err != nil {
			return &Result{Name: opts.Name, Err: err}, err
		}
	}
	res, runErr := Run(ctx, nb, opts)
	res.Warnings = append(warnings, res.Warnings...)
	if out != "" {
		if werr := nbformat.WriteFile(out, nb); werr != nil {
			// Never lost: with a failed run, both are reported.
			res.Err = errors.Join(runErr, werr)
			return res, res.Err
		}
	}
	return res, runErr
}

// SamePath reports whether paths a and b name the same file, after making them absolute and
// following symbolic links (a path that cannot be resolved is compared as written).
func SamePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	if ra, err := filepath.EvalSymlinks(aa); err == nil {
		aa = ra
	}
	if rb, err := filepath.EvalSymlinks(bb); err == nil {
		bb = rb
	}
	return aa == bb
}
