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
	// A program that fails without a word: GoNB's exit status is all there is.
	silent := nbformat.NewCodeCell("%%\nos.Exit(3)")
	silent.Outputs = []*nbformat.Output{
		{OutputType: "stream", Name: "stderr", Text: "exit status 3\n"},
		{OutputType: "error", EName: "ERROR", EValue: "exit status 3", Traceback: []string{"exit status 3"}},
	}
	for i, tc := range []struct {
		cell        *nbformat.Cell
		want        []string
		notWant     []string
		wantSummary string
	}{
		{compile,
			[]string{"Cell[3]: Line 2 ./main.go:11:6: undefined: foo", `cannot use "s" (untyped string constant) as int value`},
			[]string{"<div", "gonb-err", "flag.Parse()", "# gonb_", "failed to run", "go build", "exit status"},
			"cell 3: error: Cell[3]: Line 2 ./main.go:11:6: undefined: foo"},
		{panicked,
			[]string{"panic: runtime error: index out of range [3] with length 0", "[[ Cell [5] Line 4 ]] /tmp/gonb_7b8c72ed/main.go:14"},
			[]string{"\x1b[", "<span", "exit status 2"},
			"cell 3: error: panic: runtime error: index out of range [3] with length 0"},
		{silent,
			[]string{"exit status 3\nERROR: exit status 3"},
			nil,
			"cell 3: error: exit status 3"},
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

func TestDropNoise(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct{ in, want string }{
		{"undefined: foo\nERROR: failed to run \"/usr/local/go/bin/go build -o /tmp/gonb_1/gonb_1\": exit status 1", "undefined: foo"},
		{"panic: boom\n\ngoroutine 1 [running]:\nexit status 2\nERROR: exit status 2", "panic: boom\n\ngoroutine 1 [running]:"},
		{"exit status 2\nERROR: exit status 2", "exit status 2\nERROR: exit status 2"},
		{"ERROR: failed to run \"go build\": exit status 1", "ERROR: failed to run \"go build\": exit status 1"},
		// Only whole lines of noise go.
		{"log: exit status 2 of child\nexit status 1", "log: exit status 2 of child"},
		{"", ""},
	} {
		if got := dropNoise(tc.in); got != tc.want {
			t.Errorf("case %d: dropNoise(%q): got %q, want %q", i, tc.in, got, tc.want)
		}
	}
}

func TestErrorMessageTraceback(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		ename, evalue string
		tb            []string
		want          string
	}{
		{"Boom", "it failed", []string{"Boom: it failed"}, "Boom: it failed"},
		{"Boom", "it failed", []string{"it failed"}, "Boom: it failed"},
		{"Boom", "it failed", nil, "Boom: it failed"},
		{"NameError", "x", []string{"\x1b[31mTraceback\x1b[0m", "  line 1", "NameError: x"}, "NameError: x\nTraceback\n  line 1\nNameError: x"},
	} {
		c := nbformat.NewCodeCell("x")
		c.Outputs = []*nbformat.Output{{OutputType: "error", EName: tc.ename, EValue: tc.evalue, Traceback: tc.tb}}
		if got := errorMessage(c); got != tc.want {
			t.Errorf("case %d: errorMessage: got %q, want %q", i, got, tc.want)
		}
	}
}
