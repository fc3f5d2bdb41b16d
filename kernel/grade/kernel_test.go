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

// onlyCells returns a copy of nb with only the cells with the given ids, in nb's order: a
// known-wrong submission needs only the cells its exercises use, which keeps a grading test
// fast (a student may delete cells too).
func onlyCells(t *testing.T, nb *nbformat.Notebook, ids ...string) *nbformat.Notebook {
	t.Helper()
	b, _ := nb.Marshal()
	c, err := nbformat.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	var cells []*nbformat.Cell
	for _, cell := range c.Cells {
		for _, id := range ids {
			if cell.ID == id {
				cells = append(cells, cell)
			}
		}
	}
	if len(cells) != len(ids) {
		t.Fatalf("%d of the cells %q found", len(cells), ids)
	}
	c.Cells = cells
	return c
}

// wrongSubmission is a known-wrong submission of a lecture: the key with solution lines
// replaced (edits: old → new) and only the cells it needs, its scores and its feedback.
type wrongSubmission struct {
	name     string
	edits    [][2]string
	score    float64
	per      []float64 // per exercise, in the key's order
	feedback []string  // in grade.Feedback's text
}

// gradeLecture grades, in one batch, the instructor's version of a lecture (full marks), its
// student version (0, each test saying "not done yet") and known-wrong submissions (partial
// credit, each failing test with what failed and its targeted hint), and checks that no
// feedback quotes the key. Only the instructor's version runs in full (with params); the
// others keep only the cells their exercises need (cells), which halves the test's time.
func gradeLecture(t *testing.T, path string, params []runner.Param, max float64, cells []string, wrong []wrongSubmission) {
	spec := kerneltest.Spec(t)
	k, err := grade.ReadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	student, err := grade.Student(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	subs := []grade.Submission{
		{Student: "instructor", Path: path},
		{Student: "student", Path: writeNB(t, dir, "student", onlyCells(t, student, cells...))},
	}
	for _, w := range wrong {
		nb := onlyCells(t, k.Notebook, cells...)
		for _, e := range w.edits {
			nb = withSource(t, nb, e[0], e[1])
		}
		subs = append(subs, grade.Submission{Student: w.name, Path: writeNB(t, dir, w.name, nb)})
	}
	start := time.Now()
	reports, err := grade.GradeAll(context.Background(), k, subs, 2, grade.Options{Spec: spec, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d submissions in %.1fs", len(subs), time.Since(start).Seconds())
	for i, r := range reports {
		fb := grade.Feedback(r)
		t.Logf("%s: %g/%g in %.1fs, problems %q", r.Student, r.Score, r.Max, r.Seconds, r.Problems)
		if r.Max != max {
			t.Errorf("%s: max %g, want %g", r.Student, r.Max, max)
		}
		want := wrongSubmission{score: max, feedback: []string{"Everything passes. Well done!"}}
		switch {
		case i == 1:
			want = wrongSubmission{score: 0}
			for _, e := range k.Exercises {
				want.feedback = append(want.feedback, "Not done yet: exercise "+e.ID+" still has its stub")
				for _, tst := range e.Tests {
					if tst.Hint != "" {
						want.feedback = append(want.feedback, "Hint: "+tst.Hint)
					}
				}
			}
		case i >= 2:
			want = wrong[i-2]
		}
		if r.Score != want.score {
			t.Errorf("%s: score %g/%g, want %g:\n%s", r.Student, r.Score, r.Max, want.score, fb)
		}
		for j, e := range r.Exercises {
			if want.per != nil && e.Score != want.per[j] {
				t.Errorf("%s: exercise %s: %g, want %g", r.Student, e.ID, e.Score, want.per[j])
			}
			for _, tr := range e.Tests {
				if i == 1 && (tr.Passed || !strings.Contains(tr.Feedback, "Not done yet")) {
					t.Errorf("%s: test %q: passed %v, feedback %q, want a polite \"not done yet\"", r.Student, tr.Name, tr.Passed, tr.Feedback)
				}
			}
		}
		for _, w := range want.feedback {
			if !strings.Contains(fb, w) {
				t.Errorf("%s: feedback lacks %q:\n%s", r.Student, w, fb)
			}
		}
		if i != 1 && len(r.Problems) > 0 {
			t.Errorf("%s: problems %q", r.Student, r.Problems)
		}
	}
	checkFeedback(t, k, reports)
}

// TestGradeLecture03 grades lecture 03's ascent and shrinkage exercises: a descent step with a
// hard threshold, and an unclipped step with a shrinkage that moves negative values away from
// zero, each get the points of the tests their mistake does not touch.
func TestGradeLecture03(t *testing.T) {
	const step = "float32(min(1, max(0, float64(x[i])+rate*float64(g[i])/m)))"
	gradeLecture(t, "../../notebooks/03-seeing-inside-a-network.ipynb",
		[]runner.Param{{Name: "amSteps", Value: "1"}, {Name: "ofSize", Value: "8"}, {Name: "ofBases", Value: "64"}, {Name: "ofSteps", Value: "50"},
			{Name: "cnnTrainSize", Value: "300"}, {Name: "classSize", Value: "96"}},
		7, []string{"parameters", "helpers", "exercise-ascent", "exercise-shrinkage"},
		[]wrongSubmission{
			{name: "descent-hard", edits: [][2]string{
				{step, "float32(min(1, max(0, float64(x[i])-rate*float64(g[i])/m)))"},
				{"\t\treturn a - t\n", "\t\treturn a\n"}, {"\t\treturn a + t\n", "\t\treturn a\n"},
			}, score: 2, per: []float64{1, 1}, feedback: []string{
				"✓ a zero gradient changes nothing (1/1)", "✗ the step goes up the gradient, normalised by mean|g| (0/2)",
				"hint: that is a descent step: ascent goes up the gradient, x + rate·g/mean|g| (plus, not minus)",
				"✓ the dead zone: |a| ≤ t gives exactly 0 (1/1)", "✗ above t, a shrinks to a − t (0/1)",
				"hint: that is a hard threshold (keep a, or zero it)",
				"Hint: soft, not hard, thresholding",
			}},
			{name: "unclipped-oneside", edits: [][2]string{
				{step, "float32(float64(x[i]) + rate*float64(g[i])/m)"},
				{"\t\treturn a + t\n", "\t\treturn a - t\n"},
			}, score: 5, per: []float64{3, 2}, feedback: []string{
				"✓ the step goes up the gradient, normalised by mean|g| (2/2)", "✗ pixels stay in [0, 1] (0/1)",
				"hint: clip every pixel to [0, 1] after the step",
				"✓ above t, a shrinks to a − t (1/1)", "✗ below −t, a shrinks to a + t (0/1)",
				"hint: shrink toward zero, not away from it",
			}},
		})
}

// TestGradeLecture06 grades lecture 06's RNN and LSTM steps: W_hh and W_xh swapped with
// PyTorch's gate order (i f g o), and W_hh not transposed with no tanh on c′ in h′, each get
// the points of the tests their mistake does not touch.
func TestGradeLecture06(t *testing.T) {
	const rnn = "return h.MatMul(Whh.Transpose(0, 1)).Add(x.MatMul(Wxh.Transpose(0, 1))).Add(b).Tanh()"
	gradeLecture(t, "../../notebooks/06-rnn-lstm-captioning.ipynb",
		[]runner.Param{{Name: "lmSteps", Value: "20"}, {Name: "recallSteps", Value: "20"}, {Name: "capTrain", Value: "60"}, {Name: "capEpochs", Value: "1"}},
		10, []string{"parameters", "setup", "exercise-rnn", "exercise-lstm"},
		[]wrongSubmission{
			{name: "swapped-ifgo", edits: [][2]string{
				{rnn, "return h.MatMul(Wxh.Transpose(0, 1)).Add(x.MatMul(Whh.Transpose(0, 1))).Add(b).Tanh()"},
				{"i, f, o, g := gates[0].Sigmoid(), gates[1].Sigmoid(), gates[2].Sigmoid(), gates[3].Tanh()", "i, f, g, o := gates[0].Sigmoid(), gates[1].Sigmoid(), gates[2].Tanh(), gates[3].Sigmoid()"},
			}, score: 2, per: []float64{1, 1}, feedback: []string{
				"✓ with x = 0 and h = 0 the step is tanh(b) (1/1)", "✗ the input term x·W_xhᵀ (h = 0) (0/1)",
				"hint: W_hh and W_xh are swapped: W_hh multiplies the state h, W_xh the input x",
				"✓ at rest (all weights 0): c′ = c/2 and h′ = tanh(c/2)/2 (1/1)",
				"✗ the cell state c′ = f⊙c + i⊙g, gates in the deck's order i f o g (0/2)",
				"hint: the gate order: the deck's W has its blocks in the order i f o g",
			}},
			{name: "untransposed-notanh", edits: [][2]string{
				{rnn, "return h.MatMul(Whh).Add(x.MatMul(Wxh.Transpose(0, 1))).Add(b).Tanh()"},
				{"return o.Mul(cNext.Tanh()), cNext", "return o.Mul(cNext), cNext"},
			}, score: 4, per: []float64{2, 2}, feedback: []string{
				"✓ the input term x·W_xhᵀ (h = 0) (1/1)", "✗ the recurrent term h·W_hhᵀ (x = 0) (0/1)",
				"hint: transpose W_hh: for a batch of rows, W_hh·h is h·W_hhᵀ",
				"✓ the cell state c′ = f⊙c + i⊙g, gates in the deck's order i f o g (2/2)", "✗ the output h′ = o⊙tanh(c′) (0/1)",
				"hint: h′ = o ⊙ tanh(c′): squash the new cell state with tanh before the output gate",
			}},
		})
}

// TestGradeLecture04 grades lecture 04's strategy, content-loss, Gram matrix and style-loss
// exercises: FᵀF for F Fᵀ with the top layer for little, very different data; a style loss
// without its 1/(4N²M²) with fine-tuning on little, very different data; and N for N² in the
// factor, a content loss that is a mean, with many layers fine-tuned on similar data: each gets
// the points of the tests its mistakes do not touch. A Gram matrix that fails fails the style
// loss (which uses it) too, and says so.
func TestGradeLecture04(t *testing.T) {
	const (
		little = "case little:\n\t\treturn transfer.LinearStages"
		loss   = "\tn, m := float64(len(f)), float64(len(f[0]))\n\treturn s / (4 * n * n * m * m)"
	)
	gradeLecture(t, "../../notebooks/04-transfer-learning-and-style.ipynb",
		[]runner.Param{{Name: "photoSize", Value: "32"}, {Name: "nDigits", Value: "300"}, {Name: "seeds", Value: "1"}, {Name: "epochs", Value: "1"},
			{Name: "tuneSteps", Value: "2"}, {Name: "linearSteps", Value: "30"}, {Name: "styleSize", Value: "64"}, {Name: "styleIters", Value: "5"},
			{Name: "benchSize", Value: "64"}, {Name: "benchIters", Value: "5"}},
		14, []string{"parameters", "helpers", "exercise-strategy", "exercise-content-loss", "exercise-gram", "exercise-style-loss"},
		[]wrongSubmission{
			{name: "transposed-top", edits: [][2]string{
				{little, "case little:\n\t\treturn transfer.LinearTop"},
				{"\tg := make([][]float64, len(f))\n\tfor i := range f {\n\t\tg[i] = make([]float64, len(f))\n\t\tfor j := range f {\n\t\t\tfor k := range f[i] {\n\t\t\t\tg[i][j] += f[i][k] * f[j][k]",
					"\tg := make([][]float64, len(f[0]))\n\tfor i := range f[0] {\n\t\tg[i] = make([]float64, len(f[0]))\n\t\tfor j := range f[0] {\n\t\t\tfor k := range f {\n\t\t\t\tg[i][j] += f[k][i] * f[k][j]"},
			}, score: 7, per: []float64{3, 3, 1, 0}, feedback: []string{
				"✓ similar data, very little of it (1/1)", "✗ very different data, very little of it (0/1)",
				"hint: a very different data set: the top layer's features are specific to COCO's photographs, so try linear classifiers on the features of earlier stages",
				"✓ the diagonal sums the squares over the positions: trace G = Σ F² (1/1)", "✗ G is N×N: a row and a column per channel (N ≠ M) (0/1)",
				"hint: that is FᵀF, M×M (one row per position)",
				"myStyleLoss uses myGram, which fails its own test: fix myGram first",
			}},
			{name: "nofactor-finetune", edits: [][2]string{
				{little, "case little:\n\t\treturn transfer.FineTuneMany"},
				{loss, "\treturn s"},
			}, score: 10, per: []float64{3, 3, 3, 1}, feedback: []string{
				"✗ very different data, very little of it (0/1)", "fine-tuning overfits: do not fine-tune, fit a linear classifier",
				"✓ E = 0 when the Gram matrices match (A = F Fᵀ) (1/1)", "✗ one channel (N = 1): E = (G − A)² / (4M²) (0/1)",
				"hint: divide Σ(G − A)² by 4 N² M²",
			}},
			{name: "n-not-n2-many", edits: [][2]string{
				{"case d.Similar:\n\t\treturn transfer.FineTuneFew", "case d.Similar:\n\t\treturn transfer.FineTuneMany"},
				{loss, "\tn, m := float64(len(f)), float64(len(f[0]))\n\treturn s / (4 * n * m * m)"},
				{"\treturn s / 2\n", "\treturn s / 2 / float64(len(f)*len(f[0]))\n"},
			}, score: 10, per: []float64{3, 2, 3, 2}, feedback: []string{
				"✗ similar data, quite a lot of it (0/1)", "fine-tune only a few top layers",
				"✓ one channel (N = 1): E = (G − A)² / (4M²) (1/1)", "✗ several channels: Σ over all N² entries times 1/(4N²M²) (40 random cases) (0/2)",
				"N², not N: the factor is 1/(4 N² M²)",
				"✓ one entry (N = M = 1): L = ½ (F − P)² (1/1)", "✗ N×M entries: ½ times the sum, not the mean (39 random cases) (0/1)",
				"not a mean (the mean is nn.ContentLoss's form, N·M times smaller)",
			}},
		})
}
