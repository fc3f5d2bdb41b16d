package runner

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

// FuzzRenderParams: whatever the parameters cell and the -p argument, ParseParam and
// RenderParams either fail or give declarations that parse as Go and declare only the
// parameter itself (a value can never inject code).
func FuzzRenderParams(f *testing.F) {
	const cell = "import \"time\"\nvar epochs = 3\nvar lr float64 = 0.1\nvar d = 2 * time.Second\nconst tag = \"x\"\n%%\nsteps := 100\n"
	for _, a := range []string{"epochs=10", "lr=NaN", "lr=-Inf", "d=1m30s", "tag=a\"b", "steps=0x10", "name=\"}; os.Exit(1); var x = {\"", "lr=1e400", "x=\\u0000"} {
		f.Add(cell, a)
	}
	f.Add("var (\n\ta, b = 1, 2\n)\n", "a=3")
	f.Fuzz(func(t *testing.T, src, arg string) {
		p, err := ParseParam(arg)
		if err != nil {
			return
		}
		if !token.IsIdentifier(p.Name) {
			t.Fatalf("ParseParam(%q) accepted name %q", arg, p.Name)
		}
		out, err := RenderParams(src, []Param{p})
		if err != nil {
			return
		}
		file, err := parser.ParseFile(token.NewFileSet(), "p.go", "package main\n"+out, 0)
		if err != nil {
			t.Fatalf("RenderParams(%q) gives source that does not parse: %v\n%s", arg, err, out)
		}
		if len(file.Decls) != 1 {
			t.Fatalf("RenderParams(%q) gives %d declarations, want 1:\n%s", arg, len(file.Decls), out)
		}
		spec := file.Decls[0].(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
		if len(spec.Names) != 1 || spec.Names[0].Name != p.Name || len(spec.Values) != 1 {
			t.Fatalf("RenderParams(%q) does not declare just %s:\n%s", arg, p.Name, out)
		}
		ast.Inspect(spec.Values[0], func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if fn, ok := call.Fun.(*ast.SelectorExpr); !ok || fn.Sel.Name != "NaN" && fn.Sel.Name != "Inf" && fn.Sel.Name != "Duration" {
					if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "float32" {
						t.Fatalf("RenderParams(%q) calls a function in the value:\n%s", arg, out)
					}
				}
			}
			return true
		})
	})
}

// FuzzErrorMessage: GoNB's error HTML (and anything else in a failing cell's outputs) is
// reduced to text without panicking: no line of HTMLText is blank, and the error
// message stays within MessageLines (plus the "more lines" note).
func FuzzErrorMessage(f *testing.F) {
	for _, name := range []string{"testdata/gonb-compile-error.html", "testdata/gonb-panic.html"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b), "panic: x\n\ngoroutine 1 [running]:\n")
		}
	}
	f.Add(`<div class="gonb-err-context"><div><b>a</b></div></div><pre>x &lt; y</pre><script>alert(1)</script>`, "\x1b[31mred\x1b[0m")
	f.Add(`<style>`, "")
	f.Fuzz(func(t *testing.T, h, stderr string) {
		text := HTMLText(h)
		for _, l := range strings.Split(text, "\n") {
			if text != "" && strings.TrimSpace(l) == "" {
				t.Fatalf("HTMLText gives a blank line: %q", text)
			}
		}
		c := nbformat.NewCodeCell("x")
		c.Outputs = []*nbformat.Output{
			{OutputType: "display_data", Data: map[string]any{"text/html": "<div class=\"gonb-err\">" + h + "</div>"}},
			{OutputType: "stream", Name: "stderr", Text: stderr},
			{OutputType: "error", EName: "ERROR", EValue: stderr, Traceback: []string{h}},
		}
		msg := errorMessage(c)
		if n := strings.Count(msg, "\n") + 1; n > MessageLines+1 {
			t.Fatalf("errorMessage gives %d lines, more than %d", n, MessageLines+1)
		}
		_ = keyLine(msg)
	})
}
