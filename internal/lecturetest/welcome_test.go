package lecturetest_test

import (
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestWelcomeNotebook executes notebooks/00-welcome.ipynb in the real kernel through the Go
// runner (kernel/runner) and checks what it prints and shows (skipped under -short).
func TestWelcomeNotebook(t *testing.T) {
	nb := kerneltest.Run(t, notebook(t, "00-welcome.ipynb"), nil)
	kerneltest.NoErrors(t, nb)

	for i, tc := range welcomeStdout {
		if got := kerneltest.Stdout(kerneltest.Cell(t, nb, tc.cell)); got != tc.want {
			t.Errorf("case %d: cell %q stdout: got %q, want %q", i, tc.cell, got, tc.want)
		}
	}

	// The plot: a PNG image (or an SVG).
	plot := kerneltest.Cell(t, nb, "plot")
	imgs := kerneltest.Images(t, plot)
	if len(imgs) == 0 && len(kerneltest.Outputs(plot, "image/svg+xml")) == 0 {
		t.Errorf("cell plot: no image/png or image/svg+xml output: %+v", plot.Outputs)
	}
	for _, img := range imgs {
		if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 50 {
			t.Errorf("cell plot: image is %v, too small for a 6in×3.5in plot", b)
		}
	}

	// The Mandelbrot picture: 480×384 pixels, as printed.
	mb := kerneltest.Cell(t, nb, "mandelbrot")
	imgs = kerneltest.Images(t, mb)
	if len(imgs) != 1 || imgs[0].Bounds().Dx() != 480 || imgs[0].Bounds().Dy() != 384 {
		t.Errorf("cell mandelbrot: want one 480×384 image/png, got %d images", len(imgs))
	}
	if m := welcomeMandelbrot.FindStringSubmatch(kerneltest.Stdout(mb)); m == nil {
		t.Errorf("cell mandelbrot stdout: got %q", kerneltest.Stdout(mb))
	} else if m[1] == "0" || len(m[1]) > 2 {
		t.Errorf("cell mandelbrot: %s%% inside the set is implausible", m[1])
	}
	if strings.Contains(kerneltest.Stdout(kerneltest.Cell(t, nb, "cache-again")), "computing") {
		t.Error("cache-again recomputed the primes")
	}
}
