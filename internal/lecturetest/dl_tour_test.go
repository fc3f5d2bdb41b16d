package lecturetest_test

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// dtParams shorten the training of 02-deep-learning-in-go.ipynb for the test: the MLP sees 10,000
// digits once, the CNN 2,000, and accuracies are measured on 2,000 test digits.
var dtParams = map[string]string{
	"epochs":       "1",
	"trainSize":    "10000",
	"cnnTrainSize": "2000",
	"testSize":     "2000",
}

// TestDLTour executes notebooks/02-deep-learning-in-go.ipynb headlessly in the deepnb kernel with
// shortened training (skipped under -short) and checks its outputs: the exact results of the tensor
// and autograd cells, the gradient checks (the correct op passes, the buggy one fails), the
// accuracies of the MLP and the CNN above floors suited to the short training, the pictures (they
// decode and are not blank), the live monitor's final chart and progress bar, and the reloaded CNN
// matching the trained one. A fresh cacheTag makes the checkpointed cells train.
func TestDLTour(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{"cacheTag": tag}
	for k, v := range dtParams {
		params[k] = v
	}
	ckpt := filepath.Join(os.TempDir(), "deepnb-02")
	t.Cleanup(func() {
		files, _ := filepath.Glob(filepath.Join(ckpt, "*-"+tag+"-*"))
		for _, f := range files {
			if err := os.Remove(f); err != nil {
				t.Log(err)
			}
		}
	})
	start := time.Now()
	nb := kerneltest.Run(t, notebook(t, "02-deep-learning-in-go.ipynb"), params) // skips under -short
	t.Logf("notebook ran in %.1f s with %v", time.Since(start).Seconds(), dtParams)
	kerneltest.NoErrors(t, nb)

	for i, tc := range []struct {
		cell   string
		images int      // image/png outputs, each decoding and not blank
		minW   int      // least width of each image
		want   []string // substrings of the cell's stdout
		re     []string // regular expressions matching it
	}{
		{cell: "tensors", want: []string{
			"x       = Tensor[2 3] [[1 2 3] [4 5 6]]",
			"x + b   = Tensor[2 3] [[11 22 33] [14 25 36]]",
			"x + col = Tensor[2 3] [[101 102 103] [204 205 206]]",
			"x·xᵀ    = Tensor[2 2] [[14 32] [32 77]]",
			"column sums Tensor[3] [5 7 9]  row means Tensor[2] [2 5]  total 21",
		}},
		{cell: "autograd", want: []string{
			"L = -8\n",
			"∂L/∂a = 6, ∂L/∂b = -4, ∂L/∂c = -2, ∂L/∂f = 4\n",
			"y = 32  ∂y/∂x = Tensor[3] [5 7 9]",
		}},
		{cell: "gradcheck", re: []string{
			`input 0 \[4 3\]: max error \S+ at \[\d \d\]`,
			`input 1 \[3 5\]: max error \S+ at \[\d \d\]`,
			`cross-entropy\(tanh\(x·w\)\): max error \S+, passes: true`,
			`badSquare: max error \S+, passes: false`,
		}},
		{cell: "data", images: 1, minW: 400, want: []string{"training digits [10000 1 28 28], test digits [2000 1 28 28]"}},
		{cell: "mlp-model", want: []string{"trainable parameters: 203530"}},
		{cell: "mlp-train", images: 1, minW: 480, re: []string{`epoch 1: training loss \d\.\d{4}, test accuracy \d+\.\d\d%`, `MLP test accuracy: \d+\.\d\d% on 2000 digits`}},
		{cell: "mlp-weights", images: 1, minW: 400},
		{cell: "predictions", images: 2, minW: 400, re: []string{`\d+ of 2000 test digits misclassified; the first 16:`}},
		{cell: "cnn-train", images: 1, minW: 480, want: []string{"trainable parameters: 28938"}, re: []string{`CNN test accuracy: \d+\.\d\d% on 2000 digits`}},
		{cell: "cnn-filters", images: 1, minW: 300},
		{cell: "save-load", re: []string{`saved 28938 parameters \(\d+ bytes\) to .*my-cnn\.safetensors`}},
	} {
		c := kerneltest.Cell(t, nb, tc.cell)
		out := kerneltest.Stdout(c)
		imgs := kerneltest.Images(t, c)
		if len(imgs) != tc.images {
			t.Errorf("case %d: cell %s: %d PNG outputs, want %d", i, tc.cell, len(imgs), tc.images)
		}
		for j, img := range imgs {
			if w := img.Bounds().Dx(); w < tc.minW {
				t.Errorf("case %d: cell %s: PNG %d is %d pixels wide, want at least %d", i, tc.cell, j, w, tc.minW)
			}
			if f := notBlank(img); f < 0.02 {
				t.Errorf("case %d: cell %s: PNG %d looks blank (%.4f of pixels differ from the corner)", i, tc.cell, j, f)
			}
		}
		checkStdout(t, fmt.Sprintf("case %d: cell %s", i, tc.cell), out, tc.want, tc.re)
	}

	// Gradient checks: the correct op well within tolerance, the buggy one far outside.
	gc := kerneltest.Stdout(kerneltest.Cell(t, nb, "gradcheck"))
	if e := floatIn(t, gc, `cross-entropy\(tanh\(x·w\)\): max error (\S+),`); e > dl.GradCheckTol/10 {
		t.Errorf("cell gradcheck: max error %g of a correct backward, want below %g", e, dl.GradCheckTol/10)
	}
	if e := floatIn(t, gc, `badSquare: max error (\S+),`); e < 0.1 {
		t.Errorf("cell gradcheck: max error %g of the buggy backward, want at least 0.1", e)
	}

	// Accuracies after the short training, and the checkpoints TrainOnce wrote.
	for i, tc := range []struct {
		cell, re string
		floor    float64
		file     string
	}{
		{cell: "mlp-train", re: `MLP test accuracy: (\S+)%`, floor: 85, file: "mlp-" + tag + "-10000.safetensors"},
		{cell: "cnn-train", re: `CNN test accuracy: (\S+)%`, floor: 65, file: "cnn-" + tag + "-2000.safetensors"},
	} {
		out := kerneltest.Stdout(kerneltest.Cell(t, nb, tc.cell))
		if strings.Contains(out, "weights trained earlier") { // nn.TrainOnce reported a load
			t.Errorf("case %d: cell %s loaded a checkpoint instead of training: %q", i, tc.cell, out)
		}
		acc := floatIn(t, out, tc.re)
		t.Logf("%s: test accuracy %.2f%%", tc.cell, acc)
		if acc < tc.floor {
			t.Errorf("case %d: cell %s: test accuracy %.2f%%, want at least %.0f%%", i, tc.cell, acc, tc.floor)
		}
		if _, err := os.Stat(filepath.Join(ckpt, tc.file)); err != nil {
			t.Errorf("case %d: cell %s: no checkpoint: %v", i, tc.cell, err)
		}
	}

	// The live views keep their final state: one chart with both curves, and the full progress bar.
	for i, tc := range []struct {
		cell  string
		steps int
	}{
		{cell: "mlp-train", steps: 157}, // ⌈10000/64⌉
		{cell: "cnn-train", steps: 32},  // ⌈2000/64⌉
	} {
		c := kerneltest.Cell(t, nb, tc.cell)
		bars := 0
		for _, h := range kerneltest.Outputs(c, "text/html") {
			if s, _ := h.(string); strings.Contains(s, "<progress") {
				bars++
				if want := fmt.Sprintf(`<progress value="%d" max="%d"`, tc.steps, tc.steps); !strings.Contains(s, want) {
					t.Errorf("case %d: cell %s: progress bar %.120q, want the final state %s", i, tc.cell, s, want)
				}
			}
		}
		if bars != 1 {
			t.Errorf("case %d: cell %s: %d progress bars, want 1", i, tc.cell, bars)
		}
		if imgs := kerneltest.Images(t, c); len(imgs) == 1 && dtColours(imgs[0]) < 2 {
			t.Errorf("case %d: cell %s: the monitor's chart does not show two coloured curves", i, tc.cell)
		}
	}

	// The reloaded CNN is the trained one.
	sl := kerneltest.Stdout(kerneltest.Cell(t, nb, "save-load"))
	fresh := floatIn(t, sl, `fresh CNN: +test accuracy (\S+)%`)
	loaded := floatIn(t, sl, `after LoadFile: +test accuracy (\S+)%`)
	cnn := floatIn(t, kerneltest.Stdout(kerneltest.Cell(t, nb, "cnn-train")), `CNN test accuracy: (\S+)%`)
	if loaded != cnn || fresh > 30 {
		t.Errorf("cell save-load: fresh %.2f%%, after LoadFile %.2f%%, trained (cell cnn-train) %.2f%%: want a fresh model near chance and the reloaded one equal to the trained one", fresh, loaded, cnn)
	}

	if os.Getenv("DEEPNB_KEEP_EXECUTED") != "" { // for looking at the result in Jupyter
		path := filepath.Join(os.TempDir(), "02-deep-learning-in-go.executed.ipynb")
		if err := nbformat.WriteFile(path, nb); err != nil {
			t.Error(err)
		} else {
			t.Logf("executed notebook: %s", path)
		}
	}
}

// dtColours counts the distinct saturated hues (in 12 bins) covering at least 50 pixels: the
// curves of a chart, whose axes and text are gray.
func dtColours(img image.Image) int {
	var bins [12]int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			hi, lo := max(r, g, bb), min(r, g, bb)
			if hi-lo < 0x4000 { // gray
				continue
			}
			var h float64
			switch fr, fg, fb, d := float64(r), float64(g), float64(bb), float64(hi-lo); hi {
			case r:
				h = (fg - fb) / d
			case g:
				h = 2 + (fb-fr)/d
			default:
				h = 4 + (fr-fg)/d
			}
			bins[(int(h*2)+12)%12]++
		}
	}
	n := 0
	for _, c := range bins {
		if c >= 50 {
			n++
		}
	}
	return n
}
