package darknet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/gemm"
)

// randConvLayer returns a convolutional layer of the given shape with random weights.
func randConvLayer(rng *rand.Rand, c, h, w, f, k, st, pad int, act string) *Layer {
	l := &Layer{Kind: Conv, Filters: f, Size: k, Stride: st, Padding: pad, Activation: act,
		In: [3]int{c, h, w}}
	l.Out = [3]int{f, (h+2*pad-k)/st + 1, (w+2*pad-k)/st + 1}
	l.Weight = dl.RandN(rng, f, c, k, k).MulScalar(float32(1 / float64(c*k*k)))
	l.Bias = dl.RandN(rng, f)
	return l
}

// refConv is the layer through dl's operations: Conv2D, then the activation.
func refConv(l *Layer, x *dl.Tensor) *dl.Tensor {
	return convForward(l, x.NoGrad())
}

func closeTo(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*max(1, math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: value %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestWinograd checks convWinograd against Conv2D on shapes with odd and even sizes (partial
// tiles at the bottom and right), filter counts that are not multiples of the panel width, each
// activation, with every GEMM kernel this CPU can run (the AVX2 and portable ones too on an
// AVX-512 machine) and the panel widths of each (AVX-512 32, AVX2 24, portable 4).
func TestWinograd(t *testing.T) {
	cases := []struct {
		c, h, w, f int
		act        string
	}{
		{1, 1, 1, 1, "linear"},
		{3, 5, 7, 5, "leaky"},
		{8, 13, 13, 40, "leaky"},
		{17, 6, 4, 33, "relu"},
		{64, 13, 13, 64, "leaky"},
		{5, 9, 2, 7, "logistic"},
		{70, 26, 26, 24, "linear"},
	}
	defer func(p func() int) { winoPanel = p }(winoPanel)
	for _, kernel := range gemm.Kernels() {
		restore, err := gemm.SetKernel(kernel)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
		for _, nr := range []int{gemm.PanelWidth(), 32, 24, 4} {
			winoPanel = func() int { return nr }
			for _, c := range cases {
				t.Run(fmt.Sprintf("%s/nr%d/%dx%dx%d_f%d_%s", kernel, nr, c.c, c.h, c.w, c.f, c.act), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(c.c), uint64(c.f)))
					l := randConvLayer(rng, c.c, c.h, c.w, c.f, 3, 1, 1, c.act)
					x := dl.RandN(rng, 2, c.c, c.h, c.w)
					out := make([]float32, 2*c.f*c.h*c.w)
					P := c.f * c.h * c.w
					for n := range 2 {
						convWinograd(l, x.Data()[n*c.c*c.h*c.w:], out[n*P:(n+1)*P], c.c, c.h, c.w)
					}
					closeTo(t, "Winograd", out, refConv(l, x).Data(), 1e-4)
					// A changed weight is seen: the transformed filters are rebuilt.
					l.Weight.Data()[len(l.Weight.Data())/2] += 3
					for n := range 2 {
						convWinograd(l, x.Data()[n*c.c*c.h*c.w:], out[n*P:(n+1)*P], c.c, c.h, c.w)
					}
					closeTo(t, "Winograd after a weight changed", out, refConv(l, x).Data(), 1e-4)
				})
			}
		}
		restore()
	}
}

// TestConvInferPaths checks convInfer (whichever of its paths a shape takes: bands, one GEMM,
// Winograd) against Conv2D on Tiny YOLO's layer shapes scaled down and on strided ones, with
// every GEMM kernel this CPU can run.
func TestConvInferPaths(t *testing.T) {
	defer func(m int) { winoMinC = m }(winoMinC)
	for _, kernel := range gemm.Kernels() {
		restore, err := gemm.SetKernel(kernel)
		if err != nil {
			t.Fatal(err)
		}
		testConvInferPaths(t, kernel)
		restore()
	}
}

func testConvInferPaths(t *testing.T, kernel string) {
	for _, minC := range []int{128, 1 << 30} {
		winoMinC = minC
		for _, c := range []struct{ c, hw, f, k, s, p int }{
			{3, 64, 16, 3, 1, 1}, {16, 40, 32, 3, 1, 1}, {128, 13, 256, 3, 1, 1}, {512, 7, 64, 3, 1, 1},
			{64, 13, 33, 1, 1, 0}, {8, 21, 12, 3, 2, 1}, {4, 30, 8, 5, 1, 2},
		} {
			rng := rand.New(rand.NewPCG(3, uint64(c.c)))
			l := randConvLayer(rng, c.c, c.hw, c.hw, c.f, c.k, c.s, c.p, "leaky")
			x := dl.RandN(rng, 1, c.c, c.hw, c.hw)
			out := make([]float32, l.Out[0]*l.Out[1]*l.Out[2])
			closeTo(t, fmt.Sprintf("%s: minC %d %+v", kernel, minC, c), convInfer(l, x, out).Data(), refConv(l, x).Data(), 1e-4)
		}
	}
}
