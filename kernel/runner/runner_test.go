package runner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/jupyter/fakekernel"
	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

func TestMain(m *testing.M) {
	fakekernel.MainIfKernel()
	os.Exit(m.Run())
}

// fakeSpec writes a kernelspec for the fake kernel (this test binary).
func fakeSpec(t testing.TB, env map[string]string) *jupyter.KernelSpec {
	t.Helper()
	spec, err := fakekernel.WriteSpec(t.TempDir(), "fake", "message", env)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// notebook builds a notebook of code cells with the given sources.
func notebook(sources ...string) *nbformat.Notebook {
	nb := nbformat.New()
	for _, s := range sources {
		nb.Cells = append(nb.Cells, nbformat.NewCodeCell(s))
	}
	return nb
}

func TestRunRecordsOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	nb := notebook("print a\nprint b\nstderr e", "display d1 first\nresult r", "", "update d1 second\npng")
	nb.Cells = append([]*nbformat.Cell{{ID: "md", CellType: "markdown", Source: "# T"}}, nb.Cells...)
	nb.Cells[1].Outputs = []*nbformat.Output{{OutputType: "stream", Name: "stdout", Text: "stale\n"}}
	res, err := runner.Run(context.Background(), nb, runner.Options{Spec: fakeSpec(t, nil)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Cells != 3 || res.Total != 4 || len(res.CellTimes) != 3 {
		t.Errorf("Run: got %d cells of %d, %d times; want 3 of 4 (the empty cell is skipped)", res.Cells, res.Total, len(res.CellTimes))
	}
	c1, c2, empty, c4 := nb.Cells[1], nb.Cells[2], nb.Cells[3], nb.Cells[4]
	if len(c1.Outputs) != 2 || c1.Outputs[0].Text != "a\nb\n" || c1.Outputs[1].Name != "stderr" {
		t.Errorf("cell 1 outputs: got %+v", c1.Outputs)
	}
	// The display made in cell 2 is updated from cell 4.
	if got := c2.Outputs[0].Data["text/plain"]; got != "second" {
		t.Errorf("cell 2 display after update_display_data: got %v, want second", got)
	}
	if c2.Outputs[1].OutputType != "execute_result" || *c2.Outputs[1].ExecutionCount != 2 {
		t.Errorf("cell 2 execute_result: got %+v", c2.Outputs[1])
	}
	if len(c4.Outputs) != 1 || c4.Outputs[0].Data["image/png"] == nil {
		t.Errorf("cell 4 outputs: got %+v", c4.Outputs)
	}
	for i, c := range []*nbformat.Cell{c1, c2, c4} {
		if c.ExecutionCount == nil || *c.ExecutionCount != i+1 {
			t.Errorf("cell %d: execution_count %v, want %d", i, c.ExecutionCount, i+1)
		}
		times, _ := c.Metadata["execution"].(map[string]any)
		for _, k := range []string{"iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"} {
			if s, _ := times[k].(string); s == "" {
				t.Errorf("cell %d: metadata.execution lacks %s: %v", i, k, c.Metadata)
			}
		}
	}
	if empty.ExecutionCount != nil || empty.Metadata["execution"] != nil {
		t.Errorf("empty cell was executed: %+v", empty)
	}
}

func TestRunLateOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	// Output published after cell 1's idle status reaches cell 1.
	nb := notebook("display d1 v1\nprint a\nlate update d1 v2\nlate print tail", "sleep 500\nprint b")
	if _, err := runner.Run(context.Background(), nb, runner.Options{Spec: fakeSpec(t, nil)}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	c1, c2 := nb.Cells[0], nb.Cells[1]
	if len(c1.Outputs) != 2 || c1.Outputs[0].Data["text/plain"] != "v2" || c1.Outputs[1].Text != "a\ntail\n" {
		t.Errorf("cell 1 outputs: got %d: %+v %+v", len(c1.Outputs), c1.Outputs[0], c1.Outputs[len(c1.Outputs)-1])
	}
	if len(c2.Outputs) != 1 || c2.Outputs[0].Text != "b\n" {
		t.Errorf("cell 2 outputs: got %+v", c2.Outputs)
	}
}

func TestRunFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	for i, tc := range []struct {
		cells    []string
		timeout  time.Duration
		env      map[string]string
		kind     string
		cell     int
		message  []string // in the Error's message
		outputs  string   // stream text the failing cell keeps
		errorsIs error
	}{
		{[]string{"print ok", "print before\nhang"}, time.Second, nil, "timeout", 2,
			[]string{"timed out after 1s (kernel interrupted)", "interrupted", "KeyboardInterrupt"}, "before\ninterrupted\n", nil},
		{[]string{"print ok", "print last words\ndie", "print never"}, time.Minute, nil, "kernel died", 2,
			[]string{"kernel process exited: exit status 3"}, "last words\n", nil},
		{[]string{"badsig"}, time.Minute, nil, "protocol", 1,
			[]string{"message rejected on iopub channel", "invalid message signature"}, "", jupyter.ErrBadSignature},
		{[]string{"print x", "stderr bad thing\nerror NameError name 'foo' is not defined", "print never"}, time.Minute, nil, "error", 2,
			[]string{"bad thing", "NameError: name 'foo' is not defined"}, "bad thing\n", nil},
	} {
		nb := notebook(tc.cells...)
		res, err := runner.Run(context.Background(), nb, runner.Options{Spec: fakeSpec(t, tc.env), Timeout: tc.timeout, Name: "nb.ipynb"})
		var e *runner.Error
		if !errors.As(err, &e) || res.Err != err {
			t.Fatalf("case %d: Run: got %v, want an *Error in the result", i, err)
		}
		if e.Kind != tc.kind || e.Cell != tc.cell || e.Notebook != "nb.ipynb" || e.Source != tc.cells[tc.cell-1] {
			t.Errorf("case %d: Error: got kind %q cell %d notebook %q source %q", i, e.Kind, e.Cell, e.Notebook, e.Source)
		}
		for _, w := range tc.message {
			if !strings.Contains(e.Message, w) {
				t.Errorf("case %d: Error message lacks %q:\n%s", i, w, e.Message)
			}
		}
		if tc.errorsIs != nil && !errors.Is(err, tc.errorsIs) {
			t.Errorf("case %d: errors.Is(%v, %v) is false", i, err, tc.errorsIs)
		}
		var text string
		for _, o := range nb.Cells[tc.cell-1].Outputs {
			text += o.Text
		}
		if text != tc.outputs {
			t.Errorf("case %d: failing cell's stream outputs: got %q, want %q", i, text, tc.outputs)
		}
		// A cell before the failing one ran to completion, so it has its execution count. (A
		// failing first cell may not: a rejected message can overtake execute_input.)
		if res.Cells != tc.cell || tc.cell > 1 && nb.Cells[0].ExecutionCount == nil || len(nb.Cells[len(nb.Cells)-1].Outputs) != 0 && len(tc.cells) > tc.cell {
			t.Errorf("case %d: run did not stop at the failing cell (%d cells run)", i, res.Cells)
		}
		if !strings.Contains(err.Error(), "    | "+strings.Split(tc.cells[tc.cell-1], "\n")[0]) {
			t.Errorf("case %d: report does not quote the source:\n%v", i, err)
		}
	}
}

func TestRunAllowErrorsAndRaisesException(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	spec := fakeSpec(t, nil)
	nb := notebook("error E1 expected", "print after")
	nb.Cells[0].Metadata["tags"] = []any{"raises-exception"}
	if _, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec}); err != nil {
		t.Errorf("Run with a raises-exception cell: %v", err)
	}
	nb = notebook("error E1 first", "print after", "error E2 second")
	res, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec, AllowErrors: true})
	var e *runner.Error
	if !errors.As(err, &e) || e.Cell != 1 || res.Cells != 3 || nb.Cells[1].Outputs[0].Text != "after\n" {
		t.Errorf("Run(AllowErrors): got %v, %d cells; want the first error after running all 3", err, res.Cells)
	}
}

func TestRunFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	spec := fakeSpec(t, nil)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	nb := notebook("var n = 1", "hang")
	nb.Cells[0].Metadata["tags"] = []any{"parameters"}
	nb.Metadata["deepnb"] = map[string]any{"timeout_seconds": 1.5}
	nb.Metadata["x_keep"] = "me"
	if err := nbformat.WriteFile(in, nb); err != nil {
		t.Fatal(err)
	}
	original, _ := os.ReadFile(in)

	// The notebook's own timeout applies; the failed run is still written.
	out := filepath.Join(dir, "out.ipynb")
	res, err := runner.RunFile(context.Background(), in, runner.Options{Spec: spec, Out: out, Params: []runner.Param{{Name: "n", Value: "3"}}})
	var e *runner.Error
	if !errors.As(err, &e) || e.Kind != "timeout" || e.Cell != 3 || !strings.Contains(e.Message, "1.5s") || e.Notebook != in {
		t.Fatalf("RunFile: got %v, want a 1.5s timeout in cell 3 (after the injected cell)", err)
	}
	got, err := nbformat.ReadFile(out)
	if err != nil {
		t.Fatalf("RunFile output: %v", err)
	}
	if len(got.Cells) != 3 || !got.Cells[1].HasTag("injected-parameters") || got.Cells[1].Outputs[0].Text != "// Parameters injected by deepnb run.\nvar n int = 3\n" ||
		got.Cells[0].Outputs[0].Text != "var n = 1\n" || got.Metadata["x_keep"] != "me" {
		t.Errorf("RunFile output: unexpected cells or metadata: %+v", got.Cells)
	}
	if res.Notebook == nil || res.Duration <= 0 {
		t.Errorf("RunFile result: %+v", res)
	}
	if b, _ := os.ReadFile(in); string(b) != string(original) {
		t.Error("RunFile changed its input")
	}
	if _, err := runner.RunFile(context.Background(), in, runner.Options{Spec: spec, Out: filepath.Join(dir, ".", "in.ipynb")}); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("RunFile(out == in): got %v", err)
	}
	// In place, with a longer timeout so that it succeeds.
	nb.Cells[1].Source = "print fine"
	nbformat.WriteFile(in, nb)
	if _, err := runner.RunFile(context.Background(), in, runner.Options{Spec: spec, InPlace: true}); err != nil {
		t.Fatalf("RunFile(InPlace): %v", err)
	}
	got, _ = nbformat.ReadFile(in)
	if got.Cells[1].Outputs[0].Text != "fine\n" {
		t.Errorf("RunFile(InPlace): input not updated: %+v", got.Cells[1])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("RunFile left files behind: %v", entries)
	}
}

func TestRunAllSummaryAndJUnit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	spec := fakeSpec(t, nil)
	dir := t.TempDir()
	var jobs []runner.Job
	for i, src := range []string{"print one", "error Boom it failed", "print three"} {
		p := filepath.Join(dir, "nb"+string(rune('a'+i))+".ipynb")
		if err := nbformat.WriteFile(p, notebook(src)); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, runner.Job{Path: p, Opts: runner.Options{Spec: spec}})
	}
	results := runner.RunAll(context.Background(), jobs, 2)
	for i, r := range results {
		if (r.Err != nil) != (i == 1) || r.Name != jobs[i].Path {
			t.Errorf("RunAll: result %d: %s: %v", i, r.Name, r.Err)
		}
	}
	var sb strings.Builder
	runner.WriteSummary(&sb, results)
	sum := sb.String()
	for _, w := range []string{"NOTEBOOK", "CELLS", "SECONDS", "STATUS", "nba.ipynb", "1/1", "ok", "FAILED: cell 1: error: Boom: it failed", "3 notebooks, 1 failed"} {
		if !strings.Contains(sum, w) {
			t.Errorf("WriteSummary lacks %q:\n%s", w, sum)
		}
	}
	x, err := runner.JUnit(results, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<testsuites name="deepnb run" tests="3" failures="1"`, `name="nbb.ipynb"`, `<failure message="cell 1: error: Boom: it failed" type="error">`} {
		if !strings.Contains(string(x), w) {
			t.Errorf("JUnit lacks %q:\n%s", w, x)
		}
	}
}

func TestRunTimestamps(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	usec := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
	keys := []string{"iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"}
	for _, coarse := range []bool{true, false} {
		// Coarse: the kernel dates its messages to the second, as GoNB does; the
		// runner's own clock must stand in for them.
		env := map[string]string{}
		if coarse {
			env["DEEPNB_FAKE_KERNEL_COARSE_DATES"] = "1"
		}
		nb := notebook("sleep 50\nprint done")
		if _, err := runner.Run(context.Background(), nb, runner.Options{Spec: fakeSpec(t, env)}); err != nil {
			t.Fatalf("coarse=%v: Run: %v", coarse, err)
		}
		times, _ := nb.Cells[0].Metadata["execution"].(map[string]any)
		for _, k := range keys {
			if s, _ := times[k].(string); !usec.MatchString(s) {
				t.Errorf("coarse=%v: metadata.execution[%s] = %q, want an ISO 8601 UTC time with microseconds", coarse, k, times[k])
			}
		}
		// The cell sleeps 50ms between its execute_input and its reply.
		if times["iopub.execute_input"] == times["shell.execute_reply"] {
			t.Errorf("coarse=%v: iopub.execute_input and shell.execute_reply are both %v for a 50ms cell", coarse, times["shell.execute_reply"])
		}
	}
}

func TestRunFileWarnsOfParameters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	spec := fakeSpec(t, nil)
	dir := t.TempDir()
	withCell := filepath.Join(dir, "with.ipynb")
	nb := notebook("var n = 1", "print body")
	nb.Cells[0].Metadata["tags"] = []any{"parameters"}
	if err := nbformat.WriteFile(withCell, nb); err != nil {
		t.Fatal(err)
	}
	withoutCell := filepath.Join(dir, "without.ipynb")
	if err := nbformat.WriteFile(withoutCell, notebook("print body")); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		path   string
		params []runner.Param
		want   string // "" = no warning
	}{
		{withCell, []runner.Param{{Name: "n", Value: "2"}}, ""},
		{withCell, []runner.Param{{Name: "n", Value: "2"}, {Name: "nosuch", Value: "1"}},
			withCell + `: warning: parameter nosuch is not declared in the cell tagged "parameters"`},
		{withoutCell, []runner.Param{{Name: "n", Value: "2"}},
			withoutCell + `: warning: no code cell tagged "parameters": parameter n injected in a new cell at the top of the notebook`},
	} {
		var warn strings.Builder
		res, err := runner.RunFile(context.Background(), tc.path, runner.Options{Spec: spec, Params: tc.params, Warnings: &warn})
		if err != nil {
			t.Fatalf("case %d: RunFile: %v", i, err)
		}
		if tc.want == "" {
			if warn.Len() != 0 || len(res.Warnings) != 0 {
				t.Errorf("case %d: unexpected warnings %q, %q", i, warn.String(), res.Warnings)
			}
			continue
		}
		if !strings.HasPrefix(warn.String(), tc.want) || strings.Count(warn.String(), "\n") != 1 {
			t.Errorf("case %d: Warnings got %q, want one line starting %q", i, warn.String(), tc.want)
		}
		if len(res.Warnings) != 1 || !strings.HasPrefix(tc.path+": warning: "+res.Warnings[0], tc.want) {
			t.Errorf("case %d: Result.Warnings %q", i, res.Warnings)
		}
		// The parameter is injected all the same.
		if got := res.Notebook.Cells; !slices.ContainsFunc(got, func(c *nbformat.Cell) bool { return c.HasTag("injected-parameters") && c.ExecutionCount != nil }) {
			t.Errorf("case %d: no executed injected-parameters cell", i)
		}
	}
}
