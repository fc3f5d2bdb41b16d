package grade_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/grade"
	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

// writeNB writes nb to dir/name.ipynb and returns the path.
func writeNB(t *testing.T, dir, name string, nb *nbformat.Notebook) string {
	t.Helper()
	p := filepath.Join(dir, name+".ipynb")
	if err := nbformat.WriteFile(p, nb); err != nil {
		t.Fatal(err)
	}
	return p
}

// withSource returns a copy of nb with old replaced by new in every cell, failing the test if
// old occurs nowhere.
func withSource(t *testing.T, nb *nbformat.Notebook, old, new string) *nbformat.Notebook {
	t.Helper()
	b, _ := nb.Marshal()
	c, err := nbformat.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, cell := range c.Cells {
		if strings.Contains(cell.Source, old) {
			found = true
			cell.Source = strings.ReplaceAll(cell.Source, old, new)
		}
	}
	if !found {
		t.Fatalf("no cell contains %q", old)
	}
	return c
}

// checkFeedback checks that no solution or hidden-test line of the key shows in any feedback.
func checkFeedback(t *testing.T, k *grade.Key, reports []*grade.Report) {
	t.Helper()
	for _, r := range reports {
		fb := grade.Feedback(r)
		for _, s := range grade.Secrets(k) {
			if strings.Contains(fb, s) {
				t.Errorf("%s: feedback quotes the key's %q:\n%s", r.Student, s, fb)
			}
		}
	}
}

// TestGradeBatch grades a batch of small submissions of the "add" exercise, some of them
// broken in every way a batch must survive, through the real kernel.
func TestGradeBatch(t *testing.T) {
	spec := kerneltest.Spec(t)
	k, err := grade.ParseKey("add.ipynb", addKey())
	if err != nil {
		t.Fatal(err)
	}
	student, err := grade.Student(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	right := addKey()
	subs := []grade.Submission{
		{Student: "right", Path: writeNB(t, dir, "right", right)},
		{Student: "stub", Path: writeNB(t, dir, "stub", student)},
		{Student: "broken", Path: writeNB(t, dir, "broken", withSource(t, right, "sum := a + b", "sum := a +"))},
		{Student: "hang", Path: writeNB(t, dir, "hang", withSource(t, right, "sum := a + b", "for a > 0 {\n\t}\n\tsum := a + b"))},
		{Student: "exit", Path: writeNB(t, dir, "exit", withSource(t, right, "// add returns", "func init() { os.Exit(0) }\n\n// add returns"))},
		{Student: "partial", Path: writeNB(t, dir, "partial", withSource(t, right, "sum := a + b", "sum := a + b\n\tif a < 0 {\n\t\tsum = a - b\n\t}"))},
		{Student: "flood", Path: writeNB(t, dir, "flood", withSource(t, right, `fmt.Println("add(2, 3) =", add(2, 3))`, `for {
	fmt.Println(strings.Repeat("flood ", 20))
}`))},
		{Student: "garbage", Path: filepath.Join(dir, "garbage.ipynb")},
	}
	if err := os.WriteFile(subs[len(subs)-1].Path, []byte("{not a notebook"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	start := time.Now()
	// "hang" runs into the cell timeout twice: in its own cell, then, run again without that
	// cell, in the first hidden test; run a third time, it passes the second.
	reports, err := grade.GradeAll(context.Background(), k, subs, 3, grade.Options{Spec: spec, CellTimeout: 20 * time.Second, MaxOutput: 64 << 10, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d submissions in %.1fs", len(subs), time.Since(start).Seconds())
	byName := map[string]*grade.Report{}
	for _, r := range reports {
		byName[r.Student] = r
		t.Logf("%s: %g/%g, problems %q", r.Student, r.Score, r.Max, r.Problems)
	}
	for _, tc := range []struct {
		student  string
		score    float64
		feedback []string // in grade.Feedback's text
	}{
		{"right", 3.5, []string{"Score: **3.5 / 3.5**", "✓ small numbers (2/2)", "Well done"}},
		{"stub", 0, []string{"Not done yet: exercise add still has its stub", "Hint: use +", "your cell 2 failed: exercise add is not done yet, and this cell uses it"}},
		{"broken", 0, []string{"add is not defined", "your cell 2 failed: Cell[1]: Line 5: expected operand, found 'return'"}},
		{"hang", 1.5, []string{"your cell 2 did not finish within 20s", "the notebook was run again without its main part", "✗ small numbers (0/2)", "the test did not finish within 20s", "✓ negative numbers (1.5/1.5)"}},
		{"exit", 0, []string{"the test stopped before its end"}},
		{"partial", 2, []string{"✓ small numbers (2/2)", "✗ negative numbers (0/1.5)", "add(-7, -8) = 1, want -15"}},
		{"flood", 3.5, []string{"your cell 2 did not finish within 20s", "printed too much: cell 2: output truncated"}},
		{"garbage", 0, []string{"the notebook could not be read", "not run"}},
	} {
		r := byName[tc.student]
		if r == nil {
			t.Errorf("no report for %s", tc.student)
			continue
		}
		if r.Score != tc.score || r.Max != 3.5 {
			t.Errorf("%s: score %g/%g, want %g/3.5", tc.student, r.Score, r.Max, tc.score)
		}
		fb := grade.Feedback(r)
		for _, w := range tc.feedback {
			if !strings.Contains(fb, w) {
				t.Errorf("%s: feedback lacks %q:\n%s", tc.student, w, fb)
			}
		}
	}
	checkFeedback(t, k, reports)
	if r := byName["right"]; r.Executed == nil || len(r.Problems) > 0 {
		t.Errorf("right: executed notebook %v, problems %q", r.Executed != nil, r.Problems)
	}
	if r := byName["flood"]; r.Executed != nil {
		b, _ := r.Executed.Marshal()
		if len(b) > 300<<10 {
			t.Errorf("flood: the executed notebook has %d bytes: output not bounded", len(b))
		}
	}

	var csvText, jsonText bytes.Buffer
	if err := grade.WriteCSV(&csvText, k, reports); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&csvText).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"student", "file", "add (3.5)", "total", "max", "problems"}; strings.Join(rows[0], "|") != strings.Join(want, "|") {
		t.Errorf("CSV header %q, want %q", rows[0], want)
	}
	if len(rows) != len(subs)+1 || rows[1][0] != "right" || rows[1][2] != "3.5" || rows[6][0] != "partial" || rows[6][3] != "2" {
		t.Errorf("CSV rows %q", rows)
	}
	if err := grade.WriteJSON(&jsonText, k, reports); err != nil {
		t.Fatal(err)
	}
	var g grade.Gradebook
	if err := json.Unmarshal(jsonText.Bytes(), &g); err != nil {
		t.Fatal(err)
	}
	if g.Max != 3.5 || len(g.Reports) != len(subs) || g.Reports[5].Exercises[0].Tests[1].Passed || !g.Reports[5].Exercises[0].Tests[0].Passed {
		t.Errorf("JSON gradebook: %s", jsonText.String())
	}
}

// TestGradeLecture05 grades the instructor version of lecture 05, its student version and a
// submission with three known mistakes (no terminal case in the Bellman backup, argmin for
// argmax in ε-greedy, bootstrapping from a terminal state in the Q-learning update).
func TestGradeLecture05(t *testing.T) {
	spec := kerneltest.Spec(t)
	const path = "../../notebooks/05-reinforcement-learning.ipynb"
	k, err := grade.ReadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	student, err := grade.Student(k)
	if err != nil {
		t.Fatal(err)
	}
	wrong := withSource(t, k.Notebook, "\t\t\tif t.Terminal {\n\t\t\t\tnext = 0\n\t\t\t}\n", "")
	wrong = withSource(t, wrong, "if q[a] > q[best] {", "if q[a] < q[best] {")
	wrong = withSource(t, wrong, "\ttarget := r\n\tif !terminal {\n\t\ttarget += gamma * slices.Max(qNext)\n\t}\n", "\ttarget := r + gamma*slices.Max(qNext)\n")
	dir := t.TempDir()
	subs := []grade.Submission{
		{Student: "instructor", Path: path},
		{Student: "student", Path: writeNB(t, dir, "student", student)},
		{Student: "wrong", Path: writeNB(t, dir, "wrong", wrong)},
	}
	params := []runner.Param{{Name: "episodes", Value: "300"}, {Name: "dqnSteps", Value: "500"},
		{Name: "slipperySteps", Value: "500"}, {Name: "selfPlayGames", Value: "2000"}}
	start := time.Now()
	reports, err := grade.GradeAll(context.Background(), k, subs, 3, grade.Options{Spec: spec, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d submissions in %.1fs", len(subs), time.Since(start).Seconds())
	for i, tc := range []struct {
		score    float64
		per      []float64 // bellman, epsilon, q-update
		feedback []string
	}{
		{10, []float64{4, 3, 3}, []string{"Well done"}},
		{0, []float64{0, 0, 0}, []string{"Not done yet: exercise bellman still has its stub", "Not done yet: exercise epsilon", "Not done yet: exercise q-update"}},
		{6, []float64{3, 1, 2}, []string{
			"✗ terminal states are worth 0 (0/1)", "do not bootstrap from a terminal next state",
			"✗ ε = 0 always takes the greedy action (0/1)", "the greedy action is argmax q, the largest value (not the smallest)",
			"✗ a terminal step’s target is just r (0/1)", "when the next state is terminal there is nothing to bootstrap from",
		}},
	} {
		r := reports[i]
		fb := grade.Feedback(r)
		t.Logf("%s: %g/%g, problems %q", r.Student, r.Score, r.Max, r.Problems)
		if r.Score != tc.score || r.Max != 10 {
			t.Errorf("%s: score %g/%g, want %g/10:\n%s", r.Student, r.Score, r.Max, tc.score, fb)
		}
		for j, e := range r.Exercises {
			if e.Score != tc.per[j] {
				t.Errorf("%s: exercise %s: %g, want %g", r.Student, e.ID, e.Score, tc.per[j])
			}
		}
		for _, w := range tc.feedback {
			if !strings.Contains(fb, w) {
				t.Errorf("%s: feedback lacks %q:\n%s", r.Student, w, fb)
			}
		}
	}
	if len(reports[0].Problems) > 0 || len(reports[2].Problems) > 0 {
		t.Errorf("problems in complete submissions: %q, %q", reports[0].Problems, reports[2].Problems)
	}
	checkFeedback(t, k, reports)
}
