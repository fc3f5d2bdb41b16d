package dl_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// distinct returns a tensor of the given shape holding a random permutation of 0.1·(0, 1, …):
// no ties, and neighbours differ by far more than the gradient check's step.
func distinct(rng *rand.Rand, shape ...int) *dl.Tensor {
	t := dl.Zeros(shape...)
	for i, p := range rng.Perm(t.Len()) {
		t.Data()[i] = 0.1*float32(p) - 0.05*float32(t.Len())
	}
	return t
}

// naivePool is the slow oracle for MaxPool2D (avg false) and AvgPool2D (avg true).
func naivePool(x *dl.Tensor, k, s, p int, avg bool) []float32 {
	N, C, H, W := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	OH, OW := (H+2*p-k)/s+1, (W+2*p-k)/s+1
	var out []float32
	for n := range N {
		for c := range C {
			for i := range OH {
				for j := range OW {
					best, sum := math.Inf(-1), 0.0
					for u := range k {
						for v := range k {
							y, xx := i*s-p+u, j*s-p+v
							if y < 0 || y >= H || xx < 0 || xx >= W {
								continue
							}
							val := float64(x.At(n, c, y, xx))
							best, sum = math.Max(best, val), sum+val
						}
					}
					if avg {
						out = append(out, float32(sum/float64(k*k)))
					} else {
						out = append(out, float32(best))
					}
				}
			}
		}
	}
	return out
}

func TestMaxPool2DGolden(t *testing.T) {
	x := dl.New([]float32{
		1, 5, 2, 0,
		3, 4, 8, 7,
		9, 0, 1, 1,
		2, 6, 3, 4}, 1, 1, 4, 4).SetRequiresGrad(true)
	y := dl.MaxPool2D(x, 2, 2, 0)
	numtest.Close(t, "MaxPool2D", y.Data(), []float32{5, 8, 9, 4}, numtest.Exact, 0)
	y.BackwardWith(dl.New([]float32{1, 2, 3, 4}, 1, 1, 2, 2))
	numtest.Close(t, "MaxPool2D grad", x.Grad().Data(), []float32{
		0, 1, 0, 0,
		0, 0, 2, 0,
		3, 0, 0, 0,
		0, 0, 0, 4}, numtest.Exact, 0)

	// Overlapping windows (k 3, stride 1, pad 1): the centre 9 is the maximum of all nine windows.
	x = dl.New([]float32{1, 2, 3, 4, 9, 5, 6, 7, 8}, 1, 1, 3, 3).SetRequiresGrad(true)
	y = dl.MaxPool2D(x, 3, 1, 1)
	numtest.Close(t, "MaxPool2D overlap", y.Data(), []float32{9, 9, 9, 9, 9, 9, 9, 9, 9}, numtest.Exact, 0)
	y.BackwardWith(dl.Ones(1, 1, 3, 3))
	numtest.Close(t, "MaxPool2D overlap grad", x.Grad().Data(), []float32{0, 0, 0, 0, 9, 0, 0, 0, 0}, numtest.Exact, 0)
}

func TestPoolMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	for i, tc := range []struct {
		shape     []int
		k, s, pad int
	}{
		{[]int{2, 3, 6, 6}, 2, 2, 0},
		{[]int{2, 3, 7, 5}, 2, 2, 0}, // odd sizes drop the last row/column
		{[]int{1, 2, 7, 8}, 3, 2, 1},
		{[]int{2, 2, 5, 5}, 3, 1, 1},
		{[]int{1, 1, 9, 6}, 4, 3, 2},
		{[]int{1, 2, 6, 6}, 3, 0, 0}, // stride 0 means k
	} {
		x := dl.RandN(rng, tc.shape...)
		s := tc.s
		if s == 0 {
			s = tc.k
		}
		numtest.Close(t, fmt.Sprintf("case %d: MaxPool2D", i), dl.MaxPool2D(x, tc.k, tc.s, tc.pad).Data(), naivePool(x, tc.k, s, tc.pad, false), numtest.Exact, 0)
		numtest.Close(t, fmt.Sprintf("case %d: AvgPool2D", i), dl.AvgPool2D(x, tc.k, tc.s, tc.pad).Data(), naivePool(x, tc.k, s, tc.pad, true), 1e-6, 1e-5)
	}
}

func TestPoolGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, tc := range []struct {
		shape     []int
		k, s, pad int
	}{
		{[]int{2, 2, 4, 4}, 2, 2, 0},
		{[]int{1, 2, 5, 4}, 3, 2, 1},
		{[]int{1, 1, 4, 5}, 3, 1, 1},
	} {
		k, s, p := tc.k, tc.s, tc.pad
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.MaxPool2D(xs[0], k, s, p) }, distinct(rng, tc.shape...))
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.AvgPool2D(xs[0], k, s, p) }, dl.RandN(rng, tc.shape...))
	}
}

func TestUpsample2D(t *testing.T) {
	x := dl.New([]float32{1, 2, 3, 4}, 1, 1, 2, 2)
	numtest.Close(t, "Upsample2D", dl.Upsample2D(x, 2).Data(), []float32{
		1, 1, 2, 2,
		1, 1, 2, 2,
		3, 3, 4, 4,
		3, 3, 4, 4}, numtest.Exact, 0)
	// PyTorch: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False).
	numtest.Close(t, "UpsampleBilinear2D", dl.UpsampleBilinear2D(x, 2).Data(), []float32{
		1, 1.25, 1.75, 2,
		1.5, 1.75, 2.25, 2.5,
		2.5, 2.75, 3.25, 3.5,
		3, 3.25, 3.75, 4}, 1e-6, 0)
	if got := dl.Upsample2D(dl.Zeros(2, 3, 4, 5), 3).Shape(); fmt.Sprint(got) != "[2 3 12 15]" {
		t.Errorf("Upsample2D shape: got %v, want [2 3 12 15]", got)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.Upsample2D(xs[0], 2) }, dl.RandN(rng, 2, 2, 3, 2))
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.UpsampleBilinear2D(xs[0], 3) }, dl.RandN(rng, 1, 2, 3, 4))
}

func TestPoolShapeErrors(t *testing.T) {
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { dl.MaxPool2D(dl.Zeros(3, 4, 4), 2, 2, 0) }, "MaxPool2D: want x [N C H W] [3 4 4]"},
		{func() { dl.MaxPool2D(dl.Zeros(1, 1, 4, 4), 2, 2, 2) }, "MaxPool2D: window (kernel 2, stride 2, padding 2) is bad"},
		{func() { dl.AvgPool2D(dl.Zeros(1, 1, 2, 2), 3, 1, 0) }, "AvgPool2D: window larger than padded input (padding 0) [1 1 2 2] × [3 3]"},
		{func() { dl.Upsample2D(dl.Zeros(1, 1, 2, 2), 0) }, "Upsample2D: want x [N C H W] and scale ≥ 1, got scale 0 [1 1 2 2]"},
	} {
		err := numtest.PanicsWith(tc.f)
		kind := dl.ErrShape
		if i == 1 {
			kind = dl.ErrArg // the window, not a shape, is wrong
		}
		if !errors.Is(err, kind) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got panic %v, want %v containing %q", i, err, kind, tc.want)
		}
	}
}

// TestMaxPool2DNoGrad checks that MaxPool2D without a graph to record (which computes no
// argmax) gives the values it gives with one, for 2×2 windows with rows of 8 and more (the
// vector path) and fewer, and for other windows.
func TestMaxPool2DNoGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range []struct{ h, w, k, s, p int }{
		{4, 4, 2, 2, 0}, {9, 13, 2, 2, 0}, {10, 34, 2, 2, 0}, {7, 7, 3, 2, 1}, {6, 5, 2, 1, 1},
	} {
		x := dl.RandN(rng, 2, 3, c.h, c.w).SetRequiresGrad(true)
		want := dl.MaxPool2D(x, c.k, c.s, c.p)
		got := dl.MaxPool2D(x.NoGrad(), c.k, c.s, c.p)
		if !slices.Equal(got.Shape(), want.Shape()) || !slices.Equal(got.Data(), want.Data()) {
			t.Errorf("%+v: without a graph %v, with one %v", c, got.Data(), want.Data())
		}
	}
}

// TestMaxPool2x2Ragged checks the 2×2, stride-2 path (whole planes at a time, with AVX2 rows
// narrower than eight running past their end) against the naive oracle on ragged shapes, with
// ties (small integers: the gradient goes to the first maximum in row-major order) and with a
// gradient that accumulates over two backward passes.
func TestMaxPool2x2Ragged(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, h := range []int{2, 3, 5, 14, 15} {
		for _, w := range []int{2, 3, 4, 6, 7, 9, 14, 16, 17, 28, 30, 31} {
			for _, ties := range []bool{false, true} {
				N, C := 3, 5
				x := dl.RandN(rng, N, C, h, w)
				if ties {
					for i := range x.Data() {
						x.Data()[i] = float32(rng.IntN(3))
					}
				}
				x.SetRequiresGrad(true)
				name := fmt.Sprintf("%d×%d ties %v", h, w, ties)
				y := dl.MaxPool2D(x, 2, 2, 0)
				numtest.Close(t, name, y.Data(), naivePool(x, 2, 2, 0, false), numtest.Exact, 0)
				d1, d2 := dl.RandN(rng, y.Shape()...), dl.RandN(rng, y.Shape()...)
				y.BackwardWith(d1)
				dl.MaxPool2D(x, 2, 2, 0).BackwardWith(d2)
				OH, OW := h/2, w/2
				want := make([]float32, x.Len())
				for p := range N * C {
					xp, wp := x.Data()[p*h*w:], want[p*h*w:]
					for i := range OH {
						for j := range OW {
							best := 2*i*w + 2*j
							for _, e := range []int{best + 1, best + w, best + w + 1} {
								if xp[e] > xp[best] {
									best = e
								}
							}
							o := p*OH*OW + i*OW + j
							wp[best] += d1.Data()[o]
							wp[best] += d2.Data()[o]
						}
					}
				}
				numtest.Close(t, name+" grad", x.Grad().Data(), want, numtest.Exact, 0)
			}
		}
	}
}
