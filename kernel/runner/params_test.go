package runner

import (
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

func TestRenderParams(t *testing.T) {
	t.Parallel()
	const cell = `import "time"

// Defaults.
var epochs = 3
var lr float64 = 0.1
var (
	name    = "run"
	verbose = false
	batch   int64 = 32
	warmup  = 2 * time.Second
	scale   = float32(0.5)
	decay   = -1e-3
)
const tag = "x"
var any = someFunc()
%%
steps := 100
var frac = 0.25
fmt.Println(epochs)
`
	for i, tc := range []struct {
		params  []Param
		want    string // the injected declarations (after the comment line)
		wantErr string
	}{
		{[]Param{{"epochs", "10"}}, "var epochs int = 10", ""},
		{[]Param{{"epochs", "1_000"}}, "var epochs int = 1000", ""},
		{[]Param{{"lr", "1"}}, "var lr float64 = 1", ""},
		{[]Param{{"lr", "3e-4"}}, "var lr float64 = 0.0003", ""},
		{[]Param{{"decay", "0"}}, "var decay float64 = 0", ""},
		{[]Param{{"name", `say "hi"`}}, `var name string = "say \"hi\""`, ""},
		{[]Param{{"verbose", "true"}}, "var verbose bool = true", ""},
		{[]Param{{"batch", "64"}}, "var batch int64 = 64", ""},
		{[]Param{{"warmup", "1m30s"}}, "var warmup time.Duration = time.Duration(90000000000) /* 1m30s */", ""},
		{[]Param{{"scale", "0.25"}}, "var scale float32 = 0.25", ""},
		{[]Param{{"tag", "y"}}, `const tag string = "y"`, ""},
		{[]Param{{"steps", "7"}}, "var steps int = 7", ""},
		{[]Param{{"frac", "0.5"}}, "var frac float64 = 0.5", ""},
		{[]Param{{"epochs", "2"}, {"lr", "0.5"}}, "var epochs int = 2\nvar lr float64 = 0.5", ""},
		// Not declared: the type is guessed from the value.
		{[]Param{{"seed", "42"}, {"ratio", "0.5"}, {"on", "false"}, {"label", "abc"}}, "var seed int = 42\nvar ratio float64 = 0.5\nvar on bool = false\nvar label string = \"abc\"", ""},
		{[]Param{{"epochs", "ten"}}, "", `parameter epochs: "ten" is not an int`},
		{[]Param{{"verbose", "yes"}}, "", `parameter verbose: "yes" is not a bool`},
		{[]Param{{"warmup", "5"}}, "", `is not a time.Duration`},
		{[]Param{{"any", "5"}}, "", "cannot tell its type"},
	} {
		got, err := RenderParams(cell, tc.params)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("case %d: RenderParams: got error %v, want %q", i, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("case %d: RenderParams: %v", i, err)
			continue
		}
		if want := "// Parameters injected by deepnb run.\n" + tc.want; got != want {
			t.Errorf("case %d: RenderParams: got\n%s\nwant\n%s", i, got, want)
		}
	}
	if _, err := RenderParams("var x = (", []Param{{"x", "1"}}); err == nil || !strings.Contains(err.Error(), "parse the parameters cell") {
		t.Errorf("RenderParams(bad Go): got %v", err)
	}
}

func TestParseParam(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		in   string
		want Param
		ok   bool
	}{
		{"epochs=3", Param{"epochs", "3"}, true},
		{"msg=a=b", Param{"msg", "a=b"}, true},
		{"empty=", Param{"empty", ""}, true},
		{"noequals", Param{}, false},
		{"2x=1", Param{}, false},
	} {
		got, err := ParseParam(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("case %d: ParseParam(%q): got %v, %v", i, tc.in, got, err)
		}
	}
}

func TestInjectParams(t *testing.T) {
	t.Parallel()
	md := &nbformat.Cell{ID: "md", CellType: "markdown", Source: "# T"}
	params := nbformat.NewCodeCell("var epochs = 3")
	params.Metadata["tags"] = []any{"parameters"}
	old := nbformat.NewCodeCell("var epochs int = 1")
	old.Metadata["tags"] = []any{"injected-parameters"}
	body := nbformat.NewCodeCell("%%\nfmt.Println(epochs)")
	nb := nbformat.New()
	nb.Cells = []*nbformat.Cell{md, params, old, body}
	if err := InjectParams(nb, []Param{{"epochs", "5"}}); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 4 || nb.Cells[1] != params || nb.Cells[3] != body {
		t.Fatalf("InjectParams: cells not [md params injected body]: %d cells", len(nb.Cells))
	}
	inj := nb.Cells[2]
	if !inj.HasTag("injected-parameters") || !strings.HasSuffix(inj.Source, "var epochs int = 5") || inj == old {
		t.Errorf("InjectParams: injected cell: %+v", inj)
	}
	if nb.Metadata["deepnb"].(map[string]any)["parameters"].(map[string]any)["epochs"] != "5" {
		t.Errorf("InjectParams: metadata: %v", nb.Metadata)
	}

	// No parameters cell: injected first.
	nb2 := nbformat.New()
	nb2.Cells = []*nbformat.Cell{nbformat.NewCodeCell("x")}
	if err := InjectParams(nb2, []Param{{"n", "1"}}); err != nil || !nb2.Cells[0].HasTag("injected-parameters") {
		t.Errorf("InjectParams without parameters cell: %v, %+v", err, nb2.Cells[0])
	}
}

func TestInjectParamsWarnings(t *testing.T) {
	t.Parallel()
	withParams := func() *nbformat.Notebook {
		params := nbformat.NewCodeCell("var epochs = 3\nvar lr = 0.1")
		params.Metadata["tags"] = []any{"parameters"}
		nb := nbformat.New()
		nb.Cells = []*nbformat.Cell{params, nbformat.NewCodeCell("%%\nfmt.Println(epochs)")}
		return nb
	}
	without := func() *nbformat.Notebook {
		nb := nbformat.New()
		nb.Cells = []*nbformat.Cell{nbformat.NewCodeCell("x")}
		return nb
	}
	for i, tc := range []struct {
		nb     *nbformat.Notebook
		params []Param
		want   string // "" = no warning
	}{
		{withParams(), []Param{{"epochs", "5"}, {"lr", "0.5"}}, ""},
		{withParams(), nil, ""},
		{without(), nil, ""},
		{withParams(), []Param{{"epochs", "5"}, {"nosuch", "1"}},
			`parameter nosuch is not declared in the cell tagged "parameters" (injected anyway, as new variable typed by its value)`},
		{withParams(), []Param{{"a", "1"}, {"epochs", "5"}, {"b", "x"}, {"a", "2"}},
			`parameters a, b are not declared in the cell tagged "parameters" (injected anyway, as new variables typed by their values)`},
		{without(), []Param{{"n", "1"}},
			`no code cell tagged "parameters": parameter n injected in a new cell at the top of the notebook, typed by its value`},
		{without(), []Param{{"n", "1"}, {"m", "x"}},
			`no code cell tagged "parameters": parameters n, m injected in a new cell at the top of the notebook, typed by their values`},
	} {
		warnings, err := injectParams(tc.nb, tc.params)
		if err != nil {
			t.Errorf("case %d: injectParams: %v", i, err)
			continue
		}
		if got := strings.Join(warnings, "\n"); got != tc.want {
			t.Errorf("case %d: injectParams(%v) warnings:\ngot  %q\nwant %q", i, tc.params, got, tc.want)
		}
		if len(tc.params) > 0 && !slices.ContainsFunc(tc.nb.Cells, func(c *nbformat.Cell) bool { return c.HasTag(InjectedParametersTag) }) {
			t.Errorf("case %d: no injected-parameters cell", i)
		}
	}
}
