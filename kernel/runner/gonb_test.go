package runner_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/runner"
)

// These tests run the real GoNB kernel (skipped under -short).

func TestGoNBParametersAndCompileError(t *testing.T) {
	spec := kerneltest.Spec(t)
	nb := notebook(
		"var n = 2",
		"import \"fmt\"\n\n%%\nfmt.Println(\"answer:\", n*2)",
		"%%\nx := foo()\nfmt.Println(x)",
		"%%\nfmt.Println(\"never\")",
	)
	nb.Cells[0].Metadata["tags"] = []any{"parameters"}
	if err := runner.InjectParams(nb, []runner.Param{{Name: "n", Value: "21"}}); err != nil {
		t.Fatal(err)
	}
	_, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec, Name: "params.ipynb"})
	var e *runner.Error
	if !errors.As(err, &e) {
		t.Fatalf("Run: got %v, want an *Error", err)
	}
	if got := kerneltest.Stdout(nb.Cells[2]); got != "answer: 42\n" {
		t.Errorf("cell 3 stdout: got %q, want %q (the injected n=21 must replace n=2)", got, "answer: 42\n")
	}
	report := err.Error()
	for _, w := range []string{"params.ipynb: cell 4", "    | x := foo()", "undefined: foo", "Line 2"} {
		if !strings.Contains(report, w) {
			t.Errorf("report lacks %q:\n%s", w, report)
		}
	}
	if strings.Contains(report, "<div") || strings.Contains(report, "flag.Parse") {
		t.Errorf("report has HTML or GoNB's generated code:\n%s", report)
	}
	if strings.Contains(report, "failed to run") || strings.Contains(report, "exit status") {
		t.Errorf("report keeps GoNB's noise lines:\n%s", report)
	}
	// GoNB dates its messages to the second; the runner's clock fills in.
	usec := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
	times, _ := nb.Cells[2].Metadata["execution"].(map[string]any)
	for _, k := range []string{"iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"} {
		if s, _ := times[k].(string); !usec.MatchString(s) {
			t.Errorf("cell 3: metadata.execution[%s] = %v, want a time to the microsecond", k, times[k])
		}
	}
	if e.Kind != "error" || !strings.Contains(e.Summary(), "undefined: foo") {
		t.Errorf("Error: kind %q, summary %q", e.Kind, e.Summary())
	}
	if nb.Cells[4].ExecutionCount != nil {
		t.Error("the cell after the failure was run")
	}
}

func TestGoNBPanic(t *testing.T) {
	spec := kerneltest.Spec(t)
	nb := notebook("import \"fmt\"\n\n%%\nfmt.Println(\"before\")\npanic(\"boom\")")
	_, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec, Name: "panic.ipynb"})
	var e *runner.Error
	if !errors.As(err, &e) {
		t.Fatalf("Run: got %v, want an *Error", err)
	}
	// GoNB's own "Line 5" annotation of the stack trace comes only now and then (it races
	// with the program's exit), so it is not required; the runner's excerpt of the cell is.
	for _, w := range []string{"panic: boom", "    | fmt.Println(\"before\")"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("report lacks %q:\n%v", w, err)
		}
	}
	if got := e.Summary(); got != "cell 1: error: panic: boom" {
		t.Errorf("Summary: got %q", got)
	}
	if strings.Contains(e.Message, "exit status") {
		t.Errorf("report keeps GoNB's noise lines:\n%v", err)
	}
	if got := kerneltest.Stdout(nb.Cells[0]); got != "before\n" {
		t.Errorf("stdout before the panic: got %q", got)
	}
}

func TestGoNBDisplayUpdate(t *testing.T) {
	spec := kerneltest.Spec(t)
	// Without gonbui.Sync, GoNB may drop a display still in its pipe when the
	// cell's program exits (see the gonbui package doc).
	nb := notebook(
		"import \"github.com/janpfeifer/gonb/gonbui\"\n\n%%\ngonbui.UpdateHTML(\"status\", \"<b>started</b>\")\ngonbui.Sync()",
		"%%\ngonbui.UpdateHTML(\"status\", \"<b>done</b>\")\ngonbui.Sync()",
	)
	if _, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	var shown []string
	for _, c := range nb.Cells {
		for _, v := range kerneltest.Outputs(c, "text/html") {
			shown = append(shown, v.(string))
		}
	}
	// The display made in cell 1 now shows cell 2's update; cell 2 adds none.
	if len(shown) != 1 || shown[0] != "<b>done</b>" {
		t.Errorf("text/html outputs: got %q, want one, updated to <b>done</b>", shown)
	}
}

func TestGoNBKernelDies(t *testing.T) {
	spec := kerneltest.Spec(t)
	// The cell's program kills its parent, the GoNB kernel, mid-cell.
	nb := notebook("import (\n\t\"fmt\"\n\t\"os\"\n\t\"syscall\"\n\t\"time\"\n)\n\n%%\nfmt.Println(\"last words\")\ntime.Sleep(time.Second)\nsyscall.Kill(os.Getppid(), syscall.SIGKILL)\ntime.Sleep(time.Minute)",
		"%%\nfmt.Println(\"never\")")
	_, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec, Name: "dies.ipynb"})
	var e *runner.Error
	if !errors.As(err, &e) || e.Kind != "kernel died" || e.Cell != 1 {
		t.Fatalf("Run: got %v, want a kernel death in cell 1", err)
	}
	if !strings.Contains(e.Message, "signal: killed") {
		t.Errorf("message lacks the exit status:\n%s", e.Message)
	}
	if got := kerneltest.Stdout(nb.Cells[0]); got != "last words\n" {
		t.Errorf("outputs before the death: got %q", got)
	}
}
