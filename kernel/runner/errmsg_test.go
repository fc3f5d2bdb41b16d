package runner

import (
	"os"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

func TestHTMLText(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct{ in, want string }{
		{"<b>a</b> &amp; <i>b</i>", "a & b"},
		{"<div>one</div><div>two<br>three</div>", "one\ntwo\nthree"},
		{"<style>.x{}</style><p>shown</p><script>alert(1)</script>", "shown"},
		{`<div>keep<div class="gonb-err-context">drop<div>nested</div>drop</div></div>after`, "keep\nafter"},
	} {
		if got := HTMLText(tc.in); got != tc.want {
			t.Errorf("case %d: HTMLText: got %q, want %q", i, got, tc.want)
		}
	}
}

func TestErrorMessageFromGoNB(t *testing.T) {
	t.Parallel()
	compileHTML, err := os.ReadFile("testdata/gonb-compile-error.html")
	if err != nil {
		t.Fatal(err)
	}
	panicHTML, err := os.ReadFile("testdata/gonb-panic.html")
	if err != nil {
		t.Fatal(err)
	}
	// Outputs as GoNB v0.11.5 sends them (recorded from a real kernel).
	compile := nbformat.NewCodeCell("%%\nx := foo()\nvar y int = \"s\"\nfmt.Println(x, y)")
	compile.Outputs = []*nbformat.Output{
		{OutputType: "display_data", Data: map[string]any{"text/html": string(compileHTML)}},
		{OutputType: "error", EName: "ERROR", EValue: `failed to run "/usr/local/go/bin/go build -o /tmp/gonb_7b8c72ed/gonb_7b8c72ed": exit status 1`,
			Traceback: []string{`failed to run "/usr/local/go/bin/go build -o /tmp/gonb_7b8c72ed/gonb_7b8c72ed": exit status 1`}},
	}
	panicked := nbformat.NewCodeCell("func f() { var a []int; _ = a[3] }\n%%\nfmt.Println(\"before\")\nf()")
	panicked.Outputs = []*nbformat.Output{
		{OutputType: "stream", Name: "stdout", Text: "before\n"},
		{OutputType: "stream", Name: "stderr", Text: "panic: runtime error: index out of range [3] with length 0\n\ngoroutine 1 [running]:\nmain.f(...)\n\t \x1b[7m[[ Cell [5] Line 1 ]]\x1b[0m /tmp/gonb_7b8c72ed/main.go:8\nmain.main()\n\t \x1b[7m[[ Cell [5] Line 4 ]]\x1b[0m /tmp/gonb_7b8c72ed/main.go:14 +0x95\nexit status 2\n"},
		{OutputType: "display_data", Data: map[string]any{"text/html": string(panicHTML)}},
		{OutputType: "error", EName: "ERROR", EValue: "exit status 2", Traceback: []string{"exit status 2"}},
	}
	for i, tc := range []struct {
		cell        *nbformat.Cell
		want        []string
		notWant     []string
		wantSummary string
	}{
		{compile,
			[]string{"Cell[3]: Line 2 ./main.go:11:6: undefined: foo", `cannot use "s" (untyped string constant) as int value`, "exit status 1"},
			[]string{"<div", "gonb-err", "flag.Parse()", "# gonb_"},
			"cell 3: error: Cell[3]: Line 2 ./main.go:11:6: undefined: foo"},
		{panicked,
			[]string{"panic: runtime error: index out of range [3] with length 0", "[[ Cell [5] Line 4 ]] /tmp/gonb_7b8c72ed/main.go:14", "ERROR: exit status 2"},
			[]string{"\x1b[", "<span"},
			"cell 3: error: panic: runtime error: index out of range [3] with length 0"},
	} {
		msg := errorMessage(tc.cell)
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("case %d: errorMessage lacks %q:\n%s", i, w, msg)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(msg, w) {
				t.Errorf("case %d: errorMessage has %q:\n%s", i, w, msg)
			}
		}
		e := cellError(2, tc.cell, "error", msg, nil)
		e.Notebook = "nb.ipynb"
		if got := e.Summary(); !strings.HasPrefix(got, tc.wantSummary) {
			t.Errorf("case %d: Summary: got %q, want %q", i, got, tc.wantSummary)
		}
		report := e.Error()
		if !strings.HasPrefix(report, "nb.ipynb: cell 3 (id \""+tc.cell.ID+"\"): error:\n    | ") {
			t.Errorf("case %d: Error: bad header:\n%s", i, report)
		}
	}
}
