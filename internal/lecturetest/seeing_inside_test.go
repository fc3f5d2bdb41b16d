package lecturetest_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/lessons/digits"
)

// TestSeeingInsideANetwork runs notebooks/03-seeing-inside-a-network.ipynb headlessly through the
// deepnb kernel with fast parameters (three activation-maximization steps on a 64×64 input for
// the units and a 128×128 one for the class score, the grandmother-cell search at 224×224, 8×8
// patches and a dictionary run of few FISTA iterations per step, an MNIST CNN trained on 1000
// digits) and checks its outputs: the filters (with lecture 02's CNN, trained here since the fresh
// cnnTag has no checkpoint) and feature maps, the exercise checks, the activation-maximization
// tables, the simple- and complex-cell fractions, and the sparse-coding table. A fresh cacheTag
// makes the cached cells compute again, and they must say so.
func TestSeeingInsideANetwork(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"amSteps":         "3",
		"unitSize":        "64",
		"ofSize":          "8",
		"ofBases":         "64",
		"ofSteps":         "800",
		"ofIters":         "10",
		"grandmotherSize": "224",
		"cacheTag":        tag,
		"cnnTag":          tag,
		"cnnTrainSize":    "1000",
		"classSize":       "128",
	}
	t.Cleanup(func() {
		removeCache(t, "vis03-"+tag+"-")
		if err := os.Remove(digits.Checkpoint("cnn", tag, 1000)); err != nil {
			t.Log(err)
		}
	})
	nb := kerneltest.Run(t, notebook(t, "03-seeing-inside-a-network.ipynb"), params)
	kerneltest.NoErrors(t, nb)
	num := `-?\d+\.\d+`
	measures := ` \(HF \d\.\d\d, TV \d\.\d{4}\)`
	for i, tc := range []struct {
		cell   string
		images int
		want   []string
		re     []string
	}{
		{cell: "filters", images: 1, want: []string{"Tiny YOLO's first layer: 16 filters of 3×3×3", "MNIST CNN's first layer: 16 filters of 1×5×5",
			"MNIST CNN: lecture 02's checkpoint was missing; trained it once here with digits.TrainCNN on 1000 digits"}},
		{cell: "feature-maps", images: 5, want: []string{"conv_0: 16 channels of 416×416", "conv_4: 64 channels of 104×104", "conv_12: 1024 channels of 13×13"}},
		{cell: "exercise-ascent", want: []string{"✓ ascent step: 100 cases pass"}},
		{cell: "activation-max", images: 3, re: []string{
			`early \(conv_2\) +best photo \S+ +` + num + ` \| no prior +` + num + measures + ` \| with priors +` + num + measures,
			`late \(conv_12\) +best photo`,
		}},
		{cell: "class-max", images: 1, re: []string{
			`"cat" score +best photo \S+ +` + num + ` \| no prior +` + num + measures + ` \| with priors +` + num + measures,
			`the ascent reaches ` + num + `× the best photo's score without a prior, ` + num + `× with; the prior keeps \d+% of the high-frequency energy`,
		}},
		{cell: "hubel-wiesel", images: 1, re: []string{
			`conv_0 +8 of +16 units: F1/F0 > 1 in +\d+% \(median F1/F0 ` + num + `, median OSI ` + num + `\)`,
			`maxpool_1 +8 of +16 units`, `conv_2 +8 of +32 units`, `maxpool_3 +8 of +32 units`,
		}},
		{cell: "grandmother", images: 1, re: []string{`conv_12 unit 100: top 6 of 33 images, best \S+ \(` + num + `\)`}},
		{cell: "exercise-shrinkage", want: []string{"✓ ISTA shrinkage: 208 cases pass"}},
		{cell: "olshausen-field", images: 1, want: []string{"8×8 patches, 64 basis functions, 800 dictionary steps of 10 FISTA iterations", "raw pixels", "sparse coding"},
			re: []string{`Gabor fits with R² ≥ 0\.7: sparse coding \d+% of 64, PCA \d+% of 64`}},
	} {
		c := kerneltest.Cell(t, nb, tc.cell)
		out := kerneltest.Stdout(c)
		if n := len(kerneltest.Images(t, c)); n < tc.images {
			t.Errorf("case %d: cell %q: %d images, want at least %d", i, tc.cell, n, tc.images)
		}
		checkStdout(t, fmt.Sprintf("case %d: cell %s", i, tc.cell), out, tc.want, tc.re)
	}

	// The measured claims, with floors: lecture 02's CNN learned (1000 digits, one epoch), the
	// priors lower the high-frequency energy of the class-score input, the first layer is made
	// of simple cells and its pooling of complex ones.
	out := kerneltest.Stdout(kerneltest.Cell(t, nb, "filters"))
	if acc := floatIn(t, out, `MNIST CNN: test accuracy (\d+\.\d+)% on 2000 digits`); acc < 40 {
		t.Errorf("lecture 02's CNN: test accuracy %.2f%%, want ≥ 40%%", acc)
	}
	out = kerneltest.Stdout(kerneltest.Cell(t, nb, "class-max"))
	t.Logf("class-max:\n%s", out)
	if keep := floatIn(t, out, `the prior keeps (\d+)% of the high-frequency energy`); keep >= 100 {
		t.Errorf("class score: the prior keeps %.0f%% of the high-frequency energy, want < 100%%", keep)
	}
	for _, cell := range []string{"activation-max", "class-max", "olshausen-field"} {
		if out := kerneltest.Stdout(kerneltest.Cell(t, nb, cell)); !strings.Contains(out, "(computed in ") {
			t.Errorf("cell %s does not say that it computed its result (fresh cacheTag):\n%s", cell, out)
		}
	}
	// Activation maximization, even in three steps, beats the best photograph for every unit.
	out = kerneltest.Stdout(kerneltest.Cell(t, nb, "activation-max"))
	t.Logf("activation-max:\n%s", out)
	units := regexp.MustCompile(`(?m)^(.+?) +best photo \S+ +(-?\d+\.\d+) \| no prior +(-?\d+\.\d+)`).FindAllStringSubmatch(out, -1)
	if len(units) != 3 {
		t.Errorf("activation-max: %d unit rows, want 3", len(units))
	}
	for _, m := range units {
		photo, _ := strconv.ParseFloat(m[2], 64)
		plain, _ := strconv.ParseFloat(m[3], 64)
		if plain <= photo {
			t.Errorf("%s: activation maximization reached %.3f, not above the best photo's %.3f", m[1], plain, photo)
		}
	}
	// Sparse coding learns Gabor-like bases, far more of them than PCA's.
	out = kerneltest.Stdout(kerneltest.Cell(t, nb, "olshausen-field"))
	t.Logf("olshausen-field:\n%s", out)
	if sc, pca := floatIn(t, out, `sparse coding (\d+)% of 64`), floatIn(t, out, `PCA (\d+)% of 64`); sc < 70 || sc < pca+30 {
		t.Errorf("Gabor-like bases: sparse coding %.0f%%, PCA %.0f%%; want sparse coding ≥ 70%% and 30 points above PCA", sc, pca)
	}
	out = kerneltest.Stdout(kerneltest.Cell(t, nb, "hubel-wiesel"))
	t.Logf("hubel-wiesel:\n%s", out)
	if f := floatIn(t, out, `simple cells \(F1/F0 > 1\): (\d+)% in conv_0`); f < 90 {
		t.Errorf("conv_0: %.0f%% simple cells, want ≥ 90%%", f)
	}
	if f := floatIn(t, out, `, (\d+)% after its pooling \(maxpool_1\)`); f > 25 {
		t.Errorf("maxpool_1: %.0f%% simple cells, want ≤ 25%%", f)
	}
}
