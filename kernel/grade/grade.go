package grade

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

// Default limits of [Options].
const (
	// MaxReruns is how many times a submission is run again without a cell
	// that timed out or killed the kernel.
	MaxReruns = 2

	DefaultCellTimeout       = 2 * time.Minute
	DefaultSubmissionTimeout = 20 * time.Minute
	// DefaultMaxOutput bounds each stream output of a cell, in bytes.
	DefaultMaxOutput = 1 << 20
)

// Options configures grading. The zero value grades with the "deepnb"
// kernelspec and the default limits.
type Options struct {
	// Kernel is the kernelspec name (default "deepnb"); Spec, if set, is
	// used instead.
	Kernel string
	Spec   *jupyter.KernelSpec
	// CellTimeout bounds each cell, the student's and the hidden tests'
	// (default DefaultCellTimeout).
	CellTimeout time.Duration
	// SubmissionTimeout bounds a whole submission, kernel start included
	// (default DefaultSubmissionTimeout).
	SubmissionTimeout time.Duration
	// MaxOutput bounds the bytes kept of each stream output of a cell (its
	// head and tail are kept; default DefaultMaxOutput): a submission that
	// prints without end costs memory no more than this.
	MaxOutput int
	// Params are injected after the submission's cell tagged "parameters",
	// as `deepnb run -p` does (shorter training while grading, say).
	Params []runner.Param
	// WorkDir is where each submission's own working folder is made
	// (default: the system's temporary directory). The folder is removed
	// afterwards unless KeepWork is set.
	WorkDir  string
	KeepWork bool
	// Log, if set, receives one line per graded submission and the
	// kernels' logs.
	Log io.Writer
	// Docker, if set, is the students' image (docker/Dockerfile) in whose
	// containers the submissions run, one container each, with no network:
	// the image's own `deepnb grade` runs the submission with the key's hidden
	// tests (see [DockerArgs]); Kernel and Spec are then not used.
	Docker string
}

// Report is the grade of one submission.
type Report struct {
	Student   string            `json:"student"`
	File      string            `json:"file"`
	Score     float64           `json:"score"`
	Max       float64           `json:"max"`
	Exercises []*ExerciseResult `json:"exercises"`
	// Problems are what went wrong with the submission as a whole, in words
	// fit for the student: an unreadable file, failing cells of theirs, a
	// timeout, a dead kernel.
	Problems []string `json:"problems,omitempty"`
	Seconds  float64  `json:"seconds"`
	// Executed is the executed notebook, hidden tests included: for the
	// instructor only.
	Executed *nbformat.Notebook `json:"-"`
}

// ExerciseResult is the grade of one exercise.
type ExerciseResult struct {
	ID    string        `json:"id"`
	Name  string        `json:"name"`
	Score float64       `json:"score"`
	Max   float64       `json:"max"`
	Tests []*TestResult `json:"tests"`
}

// TestResult is the outcome of one hidden test.
type TestResult struct {
	Name   string  `json:"name"`
	Passed bool    `json:"passed"`
	Score  float64 `json:"score"`
	Max    float64 `json:"max"`
	// Feedback says why the test failed, without its source: what the test
	// printed, the panic's message, a compiler error's gist, or a timeout.
	Feedback string `json:"feedback,omitempty"`
	Hint     string `json:"hint,omitempty"`
}

// Grade runs the submission at path with the key's hidden tests appended,
// in a fresh kernel in a working folder of its own, and scores it. Problems
// with the submission (unreadable, failing, hanging) are reported in the
// Report, never as an error; the error is for the grader's own failures
// (no kernel, no working folder).
func Grade(ctx context.Context, k *Key, path, student string, opts Options) (*Report, error) {
	t0 := time.Now()
	rep := newReport(k, path, student)
	defer func() { rep.Seconds = time.Since(t0).Seconds() }()
	sub, err := nbformat.ReadFile(path)
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the notebook could not be read: %v", err))
		rep.failAll(k, "not run: the notebook could not be read")
		return rep, nil
	}
	if _, err := assemble(k, sub, opts.Params, true); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		rep.failAll(k, "not run: "+err.Error())
		return rep, nil
	}
	base := opts.WorkDir
	if base == "" {
		base = os.TempDir()
	}
	work, err := os.MkdirTemp(base, "deepnb-grade-")
	if err != nil {
		return rep, fmt.Errorf("grade %s: working folder: %w", path, err)
	}
	if !opts.KeepWork {
		defer os.RemoveAll(work)
	}
	if opts.Docker != "" {
		if !dockerSafe(work) {
			return rep, fmt.Errorf("grade %s: the working folder %s has a ':' or ',', which docker cannot mount", path, work)
		}
		if err := gradeInDocker(ctx, k, path, work, rep, opts); err != nil {
			return rep, fmt.Errorf("grade %s: %w", path, err)
		}
		return rep, nil
	}
	tmp := filepath.Join(work, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return rep, fmt.Errorf("grade %s: working folder: %w", path, err)
	}
	limit := opts.SubmissionTimeout
	if limit <= 0 {
		limit = DefaultSubmissionTimeout
	}
	cellTimeout := opts.CellTimeout
	if cellTimeout <= 0 {
		cellTimeout = DefaultCellTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// The kernel's temporary files (GoNB's builds, its cache package) stay
	// in the submission's folder.
	env := append(os.Environ(), "TMPDIR="+tmp)
	runOpts := runner.Options{
		Kernel: opts.Kernel, Spec: opts.Spec, Timeout: cellTimeout, Dir: work, Env: env,
		AllowErrors: true, Log: opts.Log, Name: path, MaxOutput: cmp.Or(opts.MaxOutput, DefaultMaxOutput),
	}
	// All hidden tests run in one cell (one compilation instead of one per
	// test); if that cell does not compile or stops before every test has
	// begun, the notebook runs again with a cell per test.
	a, _ := assemble(k, sub, opts.Params, true)
	ex, err := execute(ctx, a.nb, runOpts, a.cells)
	if err != nil {
		return rep, fmt.Errorf("grade %s: %w", path, err)
	}
	if !a.allBegun(ex.nb) && ctx.Err() == nil {
		a, _ = assemble(k, sub, opts.Params, false)
		if ex, err = execute(ctx, a.nb, runOpts, nil); err != nil {
			return rep, fmt.Errorf("grade %s: %w", path, err)
		}
	}
	rep.Executed = ex.nb
	nb := ex.nb
	if ex.problem != "" {
		rep.Problems = append(rep.Problems, ex.problem)
	}
	for _, w := range ex.warnings {
		if strings.Contains(w, "output truncated") {
			rep.Problems = append(rep.Problems, "printed too much: "+w)
		}
	}

	// The student's own failing cells.
	for i, c := range nb.Cells {
		if _, h := a.cells[i]; h || c.CellType != "code" {
			continue
		}
		if stop := ex.stopAt[i]; stop != nil {
			p := fmt.Sprintf("your cell %d %s", i+1, stopWords(stop, cellTimeout, limit))
			if ex.rerun[i] {
				p += "; the notebook was run again without its main part"
			}
			rep.Problems = append(rep.Problems, p)
			continue
		}
		msg := cellFailure(c, true)
		if m := notDoneRE.FindStringSubmatch(msg); m != nil {
			msg = m[1] + " is not done yet, and this cell uses it"
		}
		if msg != "" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("your cell %d failed: %s", i+1, msg))
		}
	}

	// The hidden tests.
	ran := map[*Test]*TestResult{}
	for i, tests := range a.cells {
		c := nb.Cells[i]
		_, executed := c.Metadata["execution"]
		segs := segments(streamText(c, "stdout"), a.nonce)
		stop := ex.stopAt[i]
		for _, t := range tests {
			n := a.number[t]
			tr := &TestResult{Name: t.Name, Max: t.Points, Hint: t.Hint}
			ran[t] = tr
			seg, begun := segs[n]
			out := strings.TrimSpace(strings.ReplaceAll(seg, passLine(a.nonce, n), ""))
			tr.Passed = begun && strings.Contains(seg, passLine(a.nonce, n))
			switch {
			case tr.Passed:
				tr.Score = t.Points
				continue
			case stop != nil && (!begun || n == lastBegun(segs)):
				tr.Feedback = "the test " + stopWords(stop, cellTimeout, limit)
			case !executed:
				tr.Feedback = "not run: the run stopped before this test"
			case !begun:
				tr.Feedback = cellFailure(c, false)
			}
			if o := limitText(out, 20); o != "" {
				tr.Feedback = strings.TrimSpace(o + "\n" + tr.Feedback)
			}
			if tr.Feedback == "" {
				tr.Feedback = "the test stopped before its end"
			}
			if m := notDoneRE.FindStringSubmatch(tr.Feedback); m != nil {
				tr.Feedback = fmt.Sprintf("Not done yet: %s still has its stub (the panic under its TODO). Replace the panic with your code; the check cell under the exercise tells you how it does.", m[1])
			}
		}
	}
	for _, er := range rep.Exercises {
		for _, t := range k.exercise(er.ID).Tests {
			tr := ran[t]
			er.Tests = append(er.Tests, tr)
			er.Score += tr.Score
		}
		rep.Score += er.Score
	}
	return rep, nil
}

func (k *Key) exercise(id string) *Exercise {
	for _, e := range k.Exercises {
		if e.ID == id {
			return e
		}
	}
	return nil
}

func newReport(k *Key, path, student string) *Report {
	rep := &Report{Student: student, File: path, Max: k.Points()}
	for _, e := range k.Exercises {
		rep.Exercises = append(rep.Exercises, &ExerciseResult{ID: e.ID, Name: e.Name, Max: e.Points()})
	}
	return rep
}

// failAll scores every test of the report 0, with why as its feedback.
func (r *Report) failAll(k *Key, why string) {
	r.Score = 0
	for _, er := range r.Exercises {
		er.Score, er.Tests = 0, nil
		for _, t := range k.exercise(er.ID).Tests {
			er.Tests = append(er.Tests, &TestResult{Name: t.Name, Max: t.Points, Hint: t.Hint, Feedback: why})
		}
	}
}

// assembly is a notebook to run: a submission with the key's hidden tests.
type assembly struct {
	nb     *nbformat.Notebook
	cells  map[int][]*Test // index of each hidden-test cell → its tests
	number map[*Test]int   // each test's number, 1, 2, ...
	nonce  string          // the fresh token of the pass and begin lines
}

// assemble returns the notebook to run: the submission's cells (less any
// tagged hidden-test, with params injected) followed by the key's hidden
// tests, all in one cell (together) or a cell each. Each test's code after
// "%%" runs in a function literal of its own that recovers panics, between
// a line announcing it and a line saying it passed, both printing a fresh
// random token.
func assemble(k *Key, sub *nbformat.Notebook, params []runner.Param, together bool) (*assembly, error) {
	nb, err := clone(sub)
	if err != nil {
		return nil, err
	}
	var cells []*nbformat.Cell
	for _, c := range nb.Cells {
		if !c.HasTag(TagHiddenTest) {
			cells = append(cells, c)
		}
	}
	nb.Cells = cells
	if err := runner.InjectParams(nb, params); err != nil {
		return nil, fmt.Errorf("parameters: %w", err)
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	a := &assembly{nb: nb, cells: map[int][]*Test{}, number: map[*Test]int{}, nonce: "deepnb-grade-" + hex.EncodeToString(b[:])}
	var decls, mains []string
	var group []*Test
	flush := func() {
		if len(group) == 0 {
			return
		}
		c := nbformat.NewCodeCell(strings.Join(decls, "\n") + "\n%%\n" + strings.Join(mains, "\n"))
		c.ID = fmt.Sprintf("deepnb-hidden-tests-%d", len(a.cells)+1)
		c.Metadata = map[string]any{"tags": []any{TagHiddenTest}}
		a.cells[len(nb.Cells)] = group
		nb.Cells = append(nb.Cells, c)
		decls, mains, group = nil, nil, nil
	}
	for _, e := range k.Exercises {
		for _, t := range e.Tests {
			n := len(a.number) + 1
			a.number[t] = n
			loc := mainRE.FindStringIndex(t.Source)
			decl, body := t.Source[:loc[0]], t.Source[loc[1]:]
			if strings.TrimSpace(decl) != "" {
				decls = append(decls, strings.TrimRight(decl, "\n"))
			}
			mains = append(mains, fmt.Sprintf("func() {\n\tdefer func() {\n\t\tif p := recover(); p != nil {\n\t\t\tfmt.Printf(\"panic: %%v\\n\", p)\n\t\t}\n\t}()\n\tfmt.Println(%q)\n%s\n\tfmt.Println(%q)\n}()",
				beginLine(a.nonce, n), strings.Trim(body, "\n"), passLine(a.nonce, n)))
			group = append(group, t)
			if !together {
				flush()
			}
		}
	}
	flush()
	return a, nil
}

func beginLine(nonce string, n int) string { return fmt.Sprintf("%s begin %d", nonce, n) }
func passLine(nonce string, n int) string  { return fmt.Sprintf("%s passed %d", nonce, n) }

// segments splits a hidden-test cell's output into each test's: test
// number → what it printed after its begin line (its pass line included).
func segments(stdout, nonce string) map[int]string {
	segs := map[int]string{}
	cur := -1
	for _, l := range strings.SplitAfter(stdout, "\n") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(l), nonce+" begin %d", &n); err == nil && strings.HasPrefix(l, nonce+" begin ") {
			cur = n
			segs[n] = ""
			continue
		}
		if cur >= 0 {
			segs[cur] += l
		}
	}
	return segs
}

func lastBegun(segs map[int]string) int {
	last := 0
	for n := range segs {
		last = max(last, n)
	}
	return last
}

// allBegun reports whether every hidden test of the executed notebook
// began, or its cells were not run at all (nothing a second run could fix).
func (a *assembly) allBegun(nb *nbformat.Notebook) bool {
	for i, tests := range a.cells {
		c := nb.Cells[i]
		if _, executed := c.Metadata["execution"]; !executed {
			continue
		}
		segs := segments(streamText(c, "stdout"), a.nonce)
		for _, t := range tests {
			if _, ok := segs[a.number[t]]; !ok {
				return false
			}
		}
	}
	return true
}

// execution is a notebook's run, with the reruns that skipped cells that
// stopped it.
type execution struct {
	nb      *nbformat.Notebook
	stopAt  map[int]*runner.Error // cell index → why a run stopped there (the first time)
	rerun   map[int]bool          // cell index → the notebook ran again without its main part
	problem string                // a stop not at a cell, in words
	// warnings are the runs' warnings (outputs truncated, say), each once.
	warnings []string
}

// execute runs nb. A cell that hangs or kills the kernel ends a run: it
// runs again with only that cell's declarations, or without it (at most
// MaxReruns times), so that one endless loop costs only the tests that need
// the cell; a stop at a cell in noRerun ends the runs. A kernel that fails
// to start is tried again twice.
func execute(ctx context.Context, nb *nbformat.Notebook, opts runner.Options, noRerun map[int][]*Test) (*execution, error) {
	ex := &execution{stopAt: map[int]*runner.Error{}, rerun: map[int]bool{}}
	stopped := map[int]*nbformat.Cell{} // cell index → the cell as it stopped
	stops := map[int]int{}              // cell index → how many runs stopped there
	startTries := 0
	for attempt := 0; ; attempt++ {
		run, err := clone(nb)
		if err != nil {
			return nil, err
		}
		for i := range ex.stopAt {
			c := run.Cells[i]
			if loc := mainRE.FindStringIndex(c.Source); loc != nil && stops[i] == 1 {
				c.Source = c.Source[:loc[0]]
				continue
			}
			if c.Metadata == nil {
				c.Metadata = map[string]any{}
			}
			tags, _ := c.Metadata["tags"].([]any)
			c.Metadata["tags"] = append(tags, "skip-execution")
		}
		res, runErr := runner.Run(ctx, run, opts)
		ex.nb = run
		if res != nil {
			for _, w := range res.Warnings {
				if !slices.Contains(ex.warnings, w) {
					ex.warnings = append(ex.warnings, w)
				}
			}
		}
		re, ok := runErr.(*runner.Error)
		if runErr != nil && !ok {
			return nil, runErr
		}
		if ok && re.Kind == "kernel start" {
			if startTries < 2 && ctx.Err() == nil {
				// A loaded machine sometimes fails a kernel's start.
				startTries++
				attempt--
				time.Sleep(time.Second)
				continue
			}
			return nil, runErr
		}
		if !ok || re.Kind == "error" || re.Cell == 0 {
			if ok && re.Kind != "error" {
				ex.problem = "the run stopped: " + re.Summary()
			}
			break
		}
		if ex.stopAt[re.Cell-1] == nil { // the first stop says most
			ex.stopAt[re.Cell-1], stopped[re.Cell-1] = re, run.Cells[re.Cell-1]
		}
		stops[re.Cell-1]++
		if _, final := noRerun[re.Cell-1]; final || attempt == MaxReruns || re.Kind == "canceled" || ctx.Err() != nil {
			break
		}
		ex.rerun[re.Cell-1] = true
	}
	for i, c := range stopped {
		ex.nb.Cells[i] = c
	}
	return ex, nil
}

// stopWords describes why a run stopped at a cell.
func stopWords(e *runner.Error, cellTimeout, limit time.Duration) string {
	switch e.Kind {
	case "timeout":
		return fmt.Sprintf("did not finish within %s (an endless loop, or far too much work?)", cellTimeout)
	case "kernel died":
		return "stopped the kernel (out of memory, or the program exited in a way the kernel could not survive)"
	case "canceled":
		return fmt.Sprintf("was still running when the submission's time (%s) ran out", limit)
	}
	return e.Kind + ": " + keyLine(e.Message)
}

var (
	notDoneRE   = regexp.MustCompile(`(exercise \S+) is not done yet`)
	undefinedRE = regexp.MustCompile(`undefined: ([\pL_][\pL\pN_.]*)`)
	cannotUseRE = regexp.MustCompile(`cannot use ([\pL_][\pL\pN_]*) \((?:variable|value) of type ([^)]*(?:\)[^)]*)*?)\) as`)
	goErrRE     = regexp.MustCompile(`\.go:\d+(:\d+)?: `)
	gonbPathRE  = regexp.MustCompile(` \S*/gonb_[0-9a-f]+/\S+\.go:\d+(:\d+)?: `)
)

// cellFailure says, in a line or a few, why an executed cell failed, or ""
// if it did not: the panic's message (without the stack), a compiler error
// (for the student's own cells, own, its text; for hidden tests only its
// gist, the names it is about, never the code), or the error's name and
// value.
func cellFailure(c *nbformat.Cell, own bool) string {
	stderr := runner.StripANSI(streamText(c, "stderr"))
	if i := strings.Index(stderr, "panic: "); i >= 0 {
		msg := stderr[i:]
		if j := strings.Index(msg, "\ngoroutine "); j >= 0 {
			msg = msg[:j]
		}
		msg = strings.TrimSpace(strings.ReplaceAll(msg, " [recovered]", ""))
		return limitText(msg, 8)
	}
	var htmlErr []string
	var errs []string
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "display_data", "execute_result":
			if h, ok := o.Data["text/html"].(string); ok && (strings.Contains(h, "gonb-err") || strings.Contains(h, "application/vnd.jupyter.stderr")) {
				htmlErr = append(htmlErr, runner.HTMLText(h))
			}
		case "error":
			errs = append(errs, runner.StripANSI(o.EName+": "+o.EValue))
		}
	}
	compile := strings.Join(htmlErr, "\n")
	if goErrRE.MatchString(compile) || undefinedRE.MatchString(compile) {
		if own {
			return limitText(gonbPathRE.ReplaceAllString(compile, ": "), 8)
		}
		return compileGist(compile)
	}
	if s := strings.TrimSpace(stderr); s != "" && len(errs) > 0 {
		return limitText(s, 8)
	}
	if len(errs) > 0 {
		return limitText(strings.Join(errs, "\n"), 8)
	}
	return ""
}

// compileGist turns a compiler error into words that name the student's
// identifiers but quote no code.
func compileGist(msg string) string {
	seen := map[string]bool{}
	var parts []string
	for _, m := range undefinedRE.FindAllStringSubmatch(msg, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			parts = append(parts, fmt.Sprintf("%s is not defined: did the cell that declares it compile, and does it keep the name the exercise gives it?", m[1]))
		}
	}
	for _, m := range cannotUseRE.FindAllStringSubmatch(msg, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			parts = append(parts, fmt.Sprintf("%s has type %s, which is not what the exercise asks for: keep the signature it gives", m[1], m[2]))
		}
	}
	if len(parts) == 0 {
		return "the test did not compile together with your code: check that your functions keep the names and signatures the exercise gives them"
	}
	return "the test did not compile together with your code: " + strings.Join(parts, "; ")
}

func keyLine(msg string) string {
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func streamText(c *nbformat.Cell, name string) string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		if o.OutputType == "stream" && o.Name == name {
			sb.WriteString(o.Text)
		}
	}
	return sb.String()
}

// limitText trims s and keeps at most n lines of at most 300 characters.
func limitText(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more lines)", len(lines)-n))
	}
	for i, l := range lines {
		if r := []rune(l); len(r) > 300 {
			lines[i] = string(r[:300]) + "…"
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Submission is one notebook to grade with [GradeAll].
type Submission struct {
	Student string // the name in the gradebook
	Path    string
}

// GradeAll grades the submissions, up to jobs at a time (jobs < 1 means 1),
// each in its own kernel and working folder, and returns their reports in
// the order given. A submission the grader itself could not run (no
// kernel, say) gets a report with the reason in Problems and a score of 0;
// err joins those failures, so the caller can tell the teacher.
func GradeAll(ctx context.Context, k *Key, subs []Submission, jobs int, opts Options) ([]*Report, error) {
	if jobs < 1 {
		jobs = 1
	}
	reports := make([]*Report, len(subs))
	errs := make([]error, len(subs))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, s := range subs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			rep, err := Grade(ctx, k, s.Path, s.Student, opts)
			if err != nil {
				errs[i] = err
				rep = newReport(k, s.Path, s.Student)
				rep.Problems = append(rep.Problems, "not graded: "+err.Error())
				rep.failAll(k, "not graded: the grader could not run the notebook")
			}
			reports[i] = rep
			if opts.Log != nil {
				fmt.Fprintf(opts.Log, "graded %s (%s): %g/%g in %.1fs\n", s.Student, s.Path, rep.Score, rep.Max, rep.Seconds)
			}
		}()
	}
	wg.Wait()
	var all []string
	for _, e := range errs {
		if e != nil {
			all = append(all, e.Error())
		}
	}
	if len(all) > 0 {
		return reports, fmt.Errorf("%d of %d submissions not graded:\n%s", len(all), len(subs), strings.Join(all, "\n"))
	}
	return reports, nil
}
