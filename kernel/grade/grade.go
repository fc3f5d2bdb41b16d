package grade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
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
	nb, hidden, nonce, err := assemble(k, sub, opts.Params)
	if err != nil {
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
		AllowErrors: true, Log: opts.Log, Name: path,
	}
	// A cell that hangs or kills the kernel ends a run: run again with only
	// its declarations, or without it (at most MaxReruns times), so that one
	// endless loop costs only the tests that need the cell.
	stopAt := map[int]*runner.Error{}   // cell index → why the run stopped there
	stopped := map[int]*nbformat.Cell{} // cell index → the cell as it stopped
	rerun := map[int]bool{}             // cell index → the notebook ran again without it
	stops := map[int]int{}              // cell index → how many runs stopped there
	var final *nbformat.Notebook
	startTries := 0
	for attempt := 0; ; attempt++ {
		run, err := clone(nb)
		if err != nil {
			return rep, err
		}
		for i := range stopAt {
			// Keep the declarations of a cell that stopped the run (the
			// functions of an exercise whose check hangs, say); skip a
			// cell that stopped it again.
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
		_, runErr := runner.Run(ctx, run, runOpts)
		final = run
		re, ok := runErr.(*runner.Error)
		if runErr != nil && !ok {
			return rep, fmt.Errorf("grade %s: %w", path, runErr)
		}
		if ok && re.Kind == "kernel start" && startTries < 3 && ctx.Err() == nil {
			// A loaded machine sometimes fails a kernel's start: try again.
			startTries++
			attempt--
			time.Sleep(time.Second)
			continue
		}
		if !ok || re.Kind == "error" || re.Cell == 0 {
			if ok && re.Kind == "kernel start" {
				return rep, fmt.Errorf("grade %s: %w", path, runErr)
			}
			if ok && re.Kind != "error" {
				rep.Problems = append(rep.Problems, "the run stopped: "+re.Summary())
			}
			break
		}
		if stopAt[re.Cell-1] == nil { // the first stop says most
			stopAt[re.Cell-1], stopped[re.Cell-1] = re, run.Cells[re.Cell-1]
		}
		stops[re.Cell-1]++
		if attempt == MaxReruns || re.Kind == "canceled" || ctx.Err() != nil {
			break
		}
		rerun[re.Cell-1] = true
	}
	for i, c := range stopped {
		final.Cells[i] = c
	}
	rep.Executed = final
	nb = final

	// The student's own failing cells.
	isHidden := map[int]*Test{}
	for i, t := range hidden {
		isHidden[i] = t
	}
	for i, c := range nb.Cells {
		if _, h := isHidden[i]; h || c.CellType != "code" {
			continue
		}
		if stop := stopAt[i]; stop != nil {
			p := fmt.Sprintf("your cell %d %s", i+1, stopWords(stop, cellTimeout, limit))
			if rerun[i] {
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
	for i, t := range hidden {
		c := nb.Cells[i]
		tr := &TestResult{Name: t.Name, Max: t.Points, Hint: t.Hint}
		ran[t] = tr
		_, executed := c.Metadata["execution"]
		out := strings.ReplaceAll(streamText(c, "stdout"), nonce+"\n", "")
		stop := stopAt[i]
		tr.Passed = executed && strings.Contains(streamText(c, "stdout"), nonce) && stop == nil
		switch {
		case tr.Passed:
			tr.Score = t.Points
			continue
		case stop != nil:
			tr.Feedback = "the test " + stopWords(stop, cellTimeout, limit)
		case !executed:
			tr.Feedback = "not run: the run stopped before this test"
		default:
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

// assemble returns the notebook to run: the submission's cells (less any
// tagged hidden-test, with params injected) followed by the key's hidden
// tests, each ending with a line printing a fresh token; hidden maps the
// position of each hidden test in the result to its Test.
func assemble(k *Key, sub *nbformat.Notebook, params []runner.Param) (*nbformat.Notebook, map[int]*Test, string, error) {
	nb, err := clone(sub)
	if err != nil {
		return nil, nil, "", err
	}
	var cells []*nbformat.Cell
	for _, c := range nb.Cells {
		if !c.HasTag(TagHiddenTest) {
			cells = append(cells, c)
		}
	}
	nb.Cells = cells
	if err := runner.InjectParams(nb, params); err != nil {
		return nil, nil, "", fmt.Errorf("parameters: %w", err)
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, nil, "", err
	}
	nonce := "deepnb-grade-passed-" + hex.EncodeToString(b[:])
	hidden := map[int]*Test{}
	n := 0
	for _, e := range k.Exercises {
		for _, t := range e.Tests {
			n++
			c := nbformat.NewCodeCell(strings.TrimRight(t.Source, "\n") + "\n" + fmt.Sprintf("fmt.Println(%q)", nonce))
			c.ID = fmt.Sprintf("deepnb-hidden-test-%d", n)
			c.Metadata = map[string]any{"tags": []any{TagHiddenTest}, "deepnb": map[string]any{"exercise": t.Exercise, "name": t.Name}}
			hidden[len(nb.Cells)] = t
			nb.Cells = append(nb.Cells, c)
		}
	}
	return nb, hidden, nonce, nil
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
