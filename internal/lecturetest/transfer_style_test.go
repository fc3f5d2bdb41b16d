package lecturetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestTransferLearningAndStyle runs notebooks/04-transfer-learning-and-style.ipynb headlessly
// with fast parameters (32-px photos, 300 digits, two splits, one epoch; 64-px style images,
// 15 L-BFGS iterations) and checks its outputs: the data and feature counts, the measured 2×2
// table with its verdicts and DeCAF's comparison, the stage curves, the exercise checks, the
// reconstructions, the stylized photos, the slider's static picture, the live, timed
// stylization and L-BFGS against Adam. Floors are well under what the fast run reaches; a
// fresh cacheTag makes the cached cells compute again.
func TestTransferLearningAndStyle(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"photoSize":   "32",
		"nDigits":     "300",
		"seeds":       "2",
		"epochs":      "1",
		"tuneSteps":   "3",
		"linearSteps": "60",
		"styleSize":   "64",
		"styleIters":  "15",
		"benchSize":   "64",
		"benchIters":  "15",
		"cacheTag":    tag,
	}
	t.Cleanup(func() { removeCache(t, "tl04-"+tag+"-") })
	nb := kerneltest.Run(t, notebook(t, "04-transfer-learning-and-style.ipynb"), params)
	kerneltest.NoErrors(t, nb)
	pct := `(\d+\.\d)%`
	for i, tc := range []struct {
		cell   string
		images int
		want   []string
		re     []string
	}{
		{cell: "transfer-data", images: 1, want: []string{"photos: 139 distinct images of 32×32 in 5 classes", "digits: 300 distinct images of 32×32 in 10 classes", "augmented photos: 10 views of each of 139 distinct images"}},
		{cell: "transfer-experiment", want: []string{"features computed once: photos: 139 images, 1390 rows (views), 8 stages", "features computed once: digits: 300 images, 300 rows"},
			re: []string{`photos little +linear conv_13 +\d+\.\d% ± +\d+\.\d over 2 splits`, `digits a lot  from scratch +\d+\.\d% ± +\d+\.\d over 2 splits`, `photos a lot  fine-tune k=2 `,
				`experiment computed in this run in \d+ s, and kept in GoNB's cache`}},
		{cell: "transfer-table", want: []string{"very similar (photos)", "very different (digits)", "linear classifier on the top layer", "fine-tune a larger number of layers"},
			re: []string{`photos, little data: (agrees with|DISAGREES with) the deck`, `digits, a lot data: (agrees with|DISAGREES with) the deck`,
				`DeCAF / Razavian et al\., photos with 5 per class: top-layer features \+ a linear classifier ` + pct + ` ± \d+\.\d vs the same network trained from scratch ` + pct + ` ± \d+\.\d: (confirmed|NOT confirmed in this run)\n`,
				`DeCAF / Razavian et al\., digits with 5 per class: `}},
		{cell: "stage-curves", images: 1, re: []string{`photos little: best stage linear conv_\d+ +` + pct, `digits a lot : best stage`}},
		{cell: "exercise-strategy", want: []string{"✓ choosing the strategy: 8 cases pass"}},
		{cell: "exercise-content-loss", want: []string{"✓ content loss: 60 cases pass"}},
		{cell: "exercise-gram", want: []string{"✓ Gram matrix: 60 cases pass"}},
		{cell: "exercise-style-loss", want: []string{"✓ style loss: 60 cases pass"}},
		{cell: "reconstructions", images: 2, want: []string{"content conv_2", "content conv_10", "style conv_0…conv_0", "style conv_0…conv_8"}},
		{cell: "stylize", images: 1, want: []string{"starry-night", "great-wave-off-kanagawa", "composition-viii"}},
		{cell: "tradeoff", images: 1, want: []string{"β/α = 1e+03", "β/α = 1e+06"}},
		{cell: "live", images: 1, re: []string{`64-px stylization, 15 L-BFGS iterations: \d+\.\d s on \d+ cores`}},
		{cell: "lbfgs-adam", images: 1, re: []string{`L-BFGS 15 iterations in \d+\.\d s`, `Adam +15 iterations in \d+\.\d s`}},
		{cell: "summary", want: []string{"little data", "what did not reproduce:", "style starry-night"}},
	} {
		c := kerneltest.Cell(t, nb, tc.cell)
		out := kerneltest.Stdout(c)
		if n := len(kerneltest.Images(t, c)); n < tc.images {
			t.Errorf("case %d: cell %q: %d images, want at least %d", i, tc.cell, n, tc.images)
		}
		checkStdout(t, fmt.Sprintf("case %d: cell %s", i, tc.cell), out, tc.want, tc.re)
	}
	// Floors on the measurements.
	table := kerneltest.Stdout(kerneltest.Cell(t, nb, "transfer-table"))
	if top := floatIn(t, table, `photos with 5 per class: top-layer features \+ a linear classifier (\d+\.\d)%`); top < 30 {
		t.Errorf("photos, 5 per class: top-layer linear classifier %.1f%%, want ≥ 30%% (chance 20%%)", top)
	}
	rec := kerneltest.Stdout(kerneltest.Cell(t, nb, "reconstructions"))
	if f := floatIn(t, rec, `content conv_2 +loss \S+ → \S+ \((\d+)× lower\)`); f < 5 {
		t.Errorf("content reconstruction from conv_2: loss %.0f× lower, want ≥ 5×", f)
	}
	st := kerneltest.Stdout(kerneltest.Cell(t, nb, "stylize"))
	if f := floatIn(t, st, `starry-night +total \S+ → \S+ \((\d+)×\)`); f < 3 {
		t.Errorf("stylization with The Starry Night: total loss %.0f× lower, want ≥ 3×", f)
	}
	live := kerneltest.Stdout(kerneltest.Cell(t, nb, "live"))
	if f := floatIn(t, live, `: (\d+\.\d)× lower`); f < 3 {
		t.Errorf("timed stylization: total loss %.1f× lower, want ≥ 3×", f)
	}
	s0 := floatIn(t, live, `style distance (\S+) →`)
	s1 := floatIn(t, live, `style distance \S+ → (\S+),`)
	if s1 >= s0 {
		t.Errorf("timed stylization: style distance %g → %g, want it to fall", s0, s1)
	}
}
