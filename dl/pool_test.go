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
		var got *dl.Tensor
		dl.NoGrad(func() { got = dl.MaxPool2D(x, c.k, c.s, c.p) })
		if !slices.Equal(got.Shape(), want.Shape()) || !slices.Equal(got.Data(), want.Data()) {
			t.Errorf("%+v: without a graph %v, with one %v", c, got.Data(), want.Data())
		}
	}
}
