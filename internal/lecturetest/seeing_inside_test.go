package lecturetest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestSeeingInsideANetwork runs notebooks/03-seeing-inside-a-network.ipynb headlessly through the
// deepnb kernel with fast parameters (few activation-maximization steps, 8×8 patches and a short
// dictionary run) and checks its outputs: the filters and feature maps, the exercise checks, the
// activation-maximization table, the tuning measures and the sparse-coding table. A fresh
// cacheTag makes the cached cells compute again.
func TestSeeingInsideANetwork(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"amSteps":  "3",
		"ofSize":   "8",
		"ofBases":  "64",
		"ofSteps":  "300",
		"cacheTag": tag,
	}
	t.Cleanup(func() { removeCache(t, "vis03-"+tag+"-") })
	nb := kerneltest.Run(t, notebook(t, "03-seeing-inside-a-network.ipynb"), params)
	kerneltest.NoErrors(t, nb)
	num := `-?\d+\.\d+`
	for i, tc := range []struct {
		cell   string
		images int
		want   []string
		re     []string
	}{
		{cell: "filters", images: 1, want: []string{"Tiny YOLO's first layer: 16 filters of 3×3×3"}},
		{cell: "feature-maps", images: 5, want: []string{"conv_0: 16 channels of 416×416", "conv_4: 64 channels of 104×104", "conv_12: 1024 channels of 13×13"}},
		{cell: "exercise-ascent", want: []string{"✓ ascent step: 100 cases pass"}},
		{cell: "activation-max", images: 3, re: []string{
			`early \(conv_2\) +best photo \S+ +` + num + ` \| no prior +` + num + ` \(TV \d\.\d{4}\) \| with priors +` + num + ` \(TV \d\.\d{4}\)`,
			`late \(conv_12\) +best photo`,
		}},
		{cell: "hubel-wiesel", images: 1, re: []string{
			`conv_0 +unit +4: orientation selectivity 1\.00, position modulation 1\.00`,        // a simple cell
			`maxpool_5 unit +1: orientation selectivity 1\.00, position modulation 0\.[0-4]\d`, // a complex cell
		}},
		{cell: "grandmother", images: 1, re: []string{`conv_12 unit 100: top 6 of 33 images, best \S+ \(` + num + `\)`}},
		{cell: "exercise-shrinkage", want: []string{"✓ ISTA shrinkage: 208 cases pass"}},
		{cell: "olshausen-field", images: 1, want: []string{"8×8 patches, 64 basis functions, 300 dictionary steps", "raw pixels", "sparse coding"},
			re: []string{`Gabor fits with R² ≥ 0\.7: sparse coding \d+% of 64, PCA \d+% of 64`}},
	} {
		c := kerneltest.Cell(t, nb, tc.cell)
		out := kerneltest.Stdout(c)
		if n := len(kerneltest.Images(t, c)); n < tc.images {
			t.Errorf("case %d: cell %q: %d images, want at least %d", i, tc.cell, n, tc.images)
		}
		checkStdout(t, fmt.Sprintf("case %d: cell %s", i, tc.cell), out, tc.want, tc.re)
	}
}
