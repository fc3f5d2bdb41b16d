package grade_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/grade"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// cell returns a cell of the given type and source with the given tags and metadata.deepnb.
func cell(typ, src string, tags []string, meta map[string]any) *nbformat.Cell {
	c := &nbformat.Cell{ID: nbformat.NewID(), CellType: typ, Source: src, Metadata: map[string]any{}}
	if len(tags) > 0 {
		var t []any
		for _, s := range tags {
			t = append(t, s)
		}
		c.Metadata["tags"] = t
	}
	if meta != nil {
		c.Metadata["deepnb"] = meta
	}
	return c
}

const addSolution = `// add returns a + b.
func add(a, b int) int {
	// BEGIN SOLUTION add the two numbers
	sum := a + b
	return sum
	// END SOLUTION
}

%%
fmt.Println("add(2, 3) =", add(2, 3))`

// addKey is a small instructor notebook: one exercise, "add", with two hidden tests.
func addKey() *nbformat.Notebook {
	nb := nbformat.New()
	nb.Cells = []*nbformat.Cell{
		cell("markdown", "# Adding\nWrite `add`.", nil, nil),
		cell("code", addSolution, []string{"exercise", "check"}, map[string]any{"exercise": "add", "name": "Addition"}),
		cell("code", "%%\nif got := add(20, 22); got != 42 {\n\tfmt.Printf(\"add(20, 22) = %d, want 42\\n\", got)\n\treturn\n}",
			[]string{"hidden-test"}, map[string]any{"exercise": "add", "name": "small numbers", "points": json.Number("2"), "hint": "use +"}),
		cell("code", "%%\nif got := add(-7, -8); got != -15 {\n\tfmt.Printf(\"add(-7, -8) = %d, want -15\\n\", got)\n\treturn\n}",
			[]string{"hidden-test"}, map[string]any{"exercise": "add", "name": "negative numbers", "points": 1.5}),
	}
	nb.Cells[1].Outputs = []*nbformat.Output{{OutputType: "stream", Name: "stdout", Text: "add(2, 3) = 5\n"}}
	one := 1
	nb.Cells[1].ExecutionCount = &one
	return nb
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	k, err := grade.ParseKey("add.ipynb", addKey())
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Exercises) != 1 || k.Exercises[0].ID != "add" || k.Exercises[0].Name != "Addition" || len(k.Exercises[0].Tests) != 2 {
		t.Fatalf("exercises = %+v", k.Exercises)
	}
	if p := k.Points(); p != 3.5 {
		t.Errorf("Points() = %v, want 3.5", p)
	}
	if tst := k.Exercises[0].Tests[0]; tst.Name != "small numbers" || tst.Points != 2 || tst.Hint != "use +" || tst.Cell != 3 {
		t.Errorf("first test = %+v", tst)
	}
}

func TestParseKeyErrors(t *testing.T) {
	t.Parallel()
	ex := map[string]any{"exercise": "add"}
	for i, tc := range []struct {
		edit func(nb *nbformat.Notebook)
		want string
	}{
		{func(nb *nbformat.Notebook) { delete(nb.Cells[1].Metadata, "deepnb") }, "metadata deepnb.exercise is missing"},
		{func(nb *nbformat.Notebook) { nb.Cells[1].Source = "func add(a, b int) int { return a + b }" }, `exercise "add" has no // BEGIN SOLUTION`},
		{func(nb *nbformat.Notebook) {
			nb.Cells[1].Source = strings.Replace(addSolution, "\t// END SOLUTION\n", "", 1)
		}, "line 3: // BEGIN SOLUTION without a // END SOLUTION"},
		{func(nb *nbformat.Notebook) {
			nb.Cells[1].Source = strings.Replace(addSolution, "\treturn sum\n", "\treturn sum\n\t// BEGIN SOLUTION\n", 1)
		}, "line 6: // BEGIN SOLUTION inside the region begun on line 3"},
		{func(nb *nbformat.Notebook) {
			nb.Cells[1].Source = strings.Replace(addSolution, "\t// BEGIN SOLUTION add the two numbers\n", "", 1)
		}, "// END SOLUTION without a // BEGIN SOLUTION"},
		{func(nb *nbformat.Notebook) { nb.Cells[0].Source = "// BEGIN SOLUTION\n// END SOLUTION" }, `has a // BEGIN SOLUTION marker but no "exercise" tag`},
		{func(nb *nbformat.Notebook) { nb.Cells[2].Metadata["deepnb"].(map[string]any)["exercise"] = "sub" }, `hidden test "small numbers" grades exercise "sub", which no cell tagged "exercise" names`},
		{func(nb *nbformat.Notebook) {
			nb.Cells[2].Metadata["deepnb"].(map[string]any)["points"] = json.Number("0")
		}, "metadata deepnb.points is 0, want > 0"},
		{func(nb *nbformat.Notebook) { nb.Cells[2].Metadata["deepnb"].(map[string]any)["points"] = "two" }, "metadata deepnb.points is string, want a number"},
		{func(nb *nbformat.Notebook) { delete(nb.Cells[3].Metadata["deepnb"].(map[string]any), "name") }, "metadata deepnb.name is missing"},
		{func(nb *nbformat.Notebook) { nb.Cells[3].Source = `fmt.Println("no main part")` }, `hidden test "negative numbers" has no %% line`},
		{func(nb *nbformat.Notebook) { nb.Cells = nb.Cells[:2] }, `exercise "add" has no hidden test`},
		{func(nb *nbformat.Notebook) { nb.Cells = nb.Cells[:1] }, `no cell tagged "exercise": nothing to grade`},
		{func(nb *nbformat.Notebook) {
			nb.Cells = append(nb.Cells, cell("code", "%%\n", []string{"exercise", "hidden-test"}, ex))
		}, `tagged both "exercise" and "hidden-test"`},
	} {
		nb := addKey()
		tc.edit(nb)
		_, err := grade.ParseKey("add.ipynb", nb)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "add.ipynb") {
			t.Errorf("case %d: ParseKey: %v, want an error naming add.ipynb and containing %q", i, err, tc.want)
		}
	}
}

func TestStudent(t *testing.T) {
	t.Parallel()
	key := addKey()
	before, _ := key.Marshal()
	k, err := grade.ParseKey("add.ipynb", key)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := grade.Student(k)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := key.Marshal(); !bytes.Equal(before, after) {
		t.Errorf("Student modified the key")
	}
	if len(nb.Cells) != 2 {
		t.Fatalf("student version has %d cells, want 2 (hidden tests removed)", len(nb.Cells))
	}
	want := `// add returns a + b.
func add(a, b int) int {
	// TODO(exercise add): add the two numbers
	panic("exercise add is not done yet: replace this panic with your code")
}

%%
fmt.Println("add(2, 3) =", add(2, 3))`
	if got := nb.Cells[1].Source; got != want {
		t.Errorf("stubbed cell:\n%s\nwant:\n%s", got, want)
	}
	if c := nb.Cells[1]; c.Outputs != nil || c.ExecutionCount != nil {
		t.Errorf("outputs not cleared: %+v %v", c.Outputs, c.ExecutionCount)
	}
	if !nb.Cells[1].HasTag("check") || nb.Cells[0].Source != key.Cells[0].Source {
		t.Errorf("the other cells and tags must stay as they are")
	}
	secrets := grade.Secrets(k)
	for _, s := range []string{"sum := a + b", "return sum", `fmt.Printf("add(20, 22) = %d, want 42\n", got)`, "if got := add(-7, -8); got != -15 {"} {
		if !contains(secrets, s) {
			t.Errorf("Secrets lacks %q: %q", s, secrets)
		}
	}
	if leaks := grade.Leaks(k, nb); len(leaks) > 0 {
		t.Errorf("Leaks(student) = %q, want none", leaks)
	}
	// The check can fail: the key itself leaks everything.
	if leaks := grade.Leaks(k, key); len(leaks) == 0 {
		t.Errorf("Leaks(key) found nothing")
	}
	// A solution line left in a markdown cell (or anywhere) is a leak.
	nb.Cells[0].Source += "\nHint: `sum := a + b`"
	if leaks := grade.Leaks(k, nb); !contains(leaks, "sum := a + b") {
		t.Errorf("Leaks = %q, want the solution line found in the markdown", leaks)
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestStudentLectures makes the student version of every lecture with exercises and searches it
// for every line of a solution and of a hidden test.
func TestStudentLectures(t *testing.T) {
	t.Parallel()
	type lecture struct {
		path      string
		exercises int
		points    float64
	}
	lectures := []lecture{
		{"../../notebooks/05-reinforcement-learning.ipynb", 3, 10},
		{"../../notebooks/03-seeing-inside-a-network.ipynb", 2, 7},
		{"../../notebooks/04-transfer-learning-and-style.ipynb", 4, 14},
		{"../../notebooks/06-rnn-lstm-captioning.ipynb", 2, 10},
	}
	// Every lecture with hidden tests is here: docker/Dockerfile ships the student version of
	// each notebook that has a cell tagged "hidden-test".
	all, _ := filepath.Glob("../../notebooks/*.ipynb")
	for _, p := range all {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`"hidden-test"`)) && !slices.ContainsFunc(lectures, func(l lecture) bool { return filepath.Clean(l.path) == filepath.Clean(p) }) {
			t.Errorf("%s has hidden tests but is not checked here", p)
		}
	}
	for _, tc := range lectures {
		k, err := grade.ReadKey(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if len(k.Exercises) != tc.exercises || k.Points() != tc.points {
			t.Errorf("%s: %d exercises worth %v, want %d worth %v", tc.path, len(k.Exercises), k.Points(), tc.exercises, tc.points)
		}
		nb, err := grade.Student(k)
		if err != nil {
			t.Fatal(err)
		}
		secrets := grade.Secrets(k)
		if len(secrets) < 20 {
			t.Errorf("%s: only %d secret lines: %q", tc.path, len(secrets), secrets)
		}
		text, _ := nb.Marshal()
		for _, c := range nb.Cells {
			text = append(text, c.Source...)
			if c.HasTag("hidden-test") || len(c.Outputs) > 0 || c.ExecutionCount != nil {
				t.Errorf("%s: cell %q: hidden test or outputs left in the student version", tc.path, c.ID)
			}
		}
		for _, s := range secrets {
			if bytes.Contains(text, []byte(s)) {
				t.Errorf("%s: student version contains %q", tc.path, s)
			}
		}
		for _, e := range k.Exercises {
			if !bytes.Contains(text, []byte(`panic("exercise `+e.ID+` is not done yet`)) {
				t.Errorf("%s: no stub for exercise %q", tc.path, e.ID)
			}
		}
	}
}
