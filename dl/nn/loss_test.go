package nn_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/deepnb/deepnb/dl/nn"
)

func TestLinearGolden(t *testing.T) {
	l := &nn.Linear{
		Weight: dl.New([]float32{1, 2, 3, 4, 5, 6}, 3, 2),
		Bias:   dl.New([]float32{0.5, -1, 0}, 3),
	}
	for i, tc := range []struct {
		x     *dl.Tensor
		want  []float32
		shape []int
	}{
		{dl.New([]float32{1, -1}, 1, 2), []float32{-0.5, -2, -1}, []int{1, 3}},
		{dl.New([]float32{1, -1}, 2), []float32{-0.5, -2, -1}, []int{3}},
		{dl.New([]float32{0, 0, 1, 0, 0, 1, 2, 2}, 2, 2, 2), []float32{0.5, -1, 0, 1.5, 2, 5, 2.5, 3, 6, 6.5, 13, 22}, []int{2, 2, 3}},
	} {
		y := l.Forward(tc.x)
		if !slices.Equal(y.Shape(), tc.shape) {
			t.Errorf("case %d: Linear: shape %v, want %v", i, y.Shape(), tc.shape)
		}
		numtest.Close(t, "Linear", y.Data(), tc.want, numtest.Exact, 0)
	}
	if err := numtest.PanicsWith(func() { l.Forward(dl.Zeros(2, 3)) }); !errors.Is(err, dl.ErrShape) {
		t.Errorf("Linear with wrong input: got %v, want a shape error", err)
	}
}

func TestLinearGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	l := nn.NewLinear(rng, 4, 3)
	x := dl.RandN(rng, 2, 5, 4)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		return nn.Affine(xs[0], xs[1], xs[2])
	}, x, l.Weight, l.Bias)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		return nn.Affine(xs[0], xs[1], nil)
	}, x, l.Weight)
}

func TestCrossEntropyGolden(t *testing.T) {
	lse := math.Log(math.Exp(1) + math.Exp(2) + math.Exp(3))
	for i, tc := range []struct {
		logits []float32
		c      int
		labels []int
		want   float64
	}{
		{[]float32{1, 2, 3}, 3, []int{2}, lse - 3},
		{[]float32{1, 2, 3}, 3, []int{0}, lse - 1},
		{[]float32{0, 0, 0, 0, 5, 5, 5, 5}, 4, []int{1, 3}, math.Log(4)},
		// Large logits must not overflow.
		{[]float32{1000, 0}, 2, []int{0}, 0},
		{[]float32{1000, 0}, 2, []int{1}, 1000},
	} {
		x := dl.New(tc.logits, len(tc.labels), tc.c)
		got := nn.CrossEntropy(x, tc.labels).Item()
		if math.Abs(float64(got)-tc.want) > 1e-5*max(1, math.Abs(tc.want)) {
			t.Errorf("case %d: CrossEntropy: got %v, want %v", i, got, tc.want)
		}
	}
	// Gradient of a single row is softmax − onehot.
	x := dl.New([]float32{1, 2, 3}, 1, 3).SetRequiresGrad(true)
	nn.CrossEntropy(x, []int{2}).Backward()
	s := math.Exp(1) + math.Exp(2) + math.Exp(3)
	want := []float32{float32(math.Exp(1) / s), float32(math.Exp(2) / s), float32(math.Exp(3)/s - 1)}
	numtest.Close(t, "CrossEntropy grad", x.Grad().Data(), want, numtest.Float32Tol, numtest.Float32Tol)
}

func TestLossPanics(t *testing.T) {
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { nn.CrossEntropy(dl.Zeros(2, 3), []int{0}) }, "CrossEntropy"},
		{func() { nn.CrossEntropy(dl.Zeros(2, 3), []int{0, 3}) }, "label 3 at 1 out of range [0, 3)"},
		{func() { nn.NLLLoss(dl.Zeros(1, 3), []int{-1}) }, "out of range"},
		{func() { nn.MSELoss(dl.Zeros(2, 3), dl.Zeros(3, 2)) }, "MSELoss: shape mismatch [2 3] × [3 2]"},
		{func() { nn.BCEWithLogits(dl.Zeros(2), dl.Zeros(3)) }, "BCEWithLogits"},
		{func() { nn.Gram(dl.Zeros(2, 3)) }, "Gram"},
		{func() { nn.TotalVariation(dl.Zeros(2)) }, "TotalVariation"},
	} {
		err := numtest.PanicsWith(tc.f)
		if !errors.Is(err, dl.ErrShape) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got panic %v, want a shape error containing %q", i, err, tc.want)
		}
	}
}

func TestLossValues(t *testing.T) {
	a := dl.New([]float32{1, 2, 3, 4}, 2, 2)
	b := dl.New([]float32{1, 0, 3, 0}, 2, 2)
	for i, tc := range []struct {
		name string
		got  *dl.Tensor
		want float64
	}{
		{"MSELoss", nn.MSELoss(a, b), (4 + 16) / 4.0},
		{"ContentLoss", nn.ContentLoss(a, b), (4 + 16) / 4.0},
		{"NLLLoss", nn.NLLLoss(dl.New([]float32{-1, -2, -3, -4}, 2, 2), []int{1, 0}), (2 + 3) / 2.0},
		{"BCEWithLogits", nn.BCEWithLogits(dl.New([]float32{0, 100, -100}, 3), dl.New([]float32{1, 1, 1}, 3)), (math.Log(2) + 0 + 100) / 3},
		// Two 2×2 planes; plane 0 = [[1 2] [3 4]]: vertical diffs 2,2; horizontal 1,1. Plane 1 constant.
		{"TotalVariation", nn.TotalVariation(dl.New([]float32{1, 2, 3, 4, 5, 5, 5, 5}, 2, 2, 2)), (4+4)/4.0 + (1+1)/4.0},
	} {
		if got := float64(tc.got.Item()); math.Abs(got-tc.want) > 1e-5*max(1, tc.want) {
			t.Errorf("case %d: %s: got %v, want %v", i, tc.name, got, tc.want)
		}
	}
}

func TestGramGolden(t *testing.T) {
	// F = [[1 2] [3 4]] as [C=2, H=1, W=2]: F·Fᵀ = [[5 11] [11 25]], divided by C·H·W = 4.
	f := dl.New([]float32{1, 2, 3, 4}, 2, 1, 2)
	g := nn.Gram(f)
	if !slices.Equal(g.Shape(), []int{2, 2}) {
		t.Fatalf("Gram: shape %v, want [2 2]", g.Shape())
	}
	numtest.Close(t, "Gram", g.Data(), []float32{1.25, 2.75, 2.75, 6.25}, numtest.Exact, 0)
	gb := nn.Gram(dl.New([]float32{1, 2, 3, 4, 0, 0, 0, 2}, 2, 2, 1, 2))
	numtest.Close(t, "Gram batch", gb.Data(), []float32{1.25, 2.75, 2.75, 6.25, 0, 0, 0, 1}, numtest.Exact, 0)
	// StyleLoss against itself is zero; against zeros it is the mean square of the Gram matrix.
	if v := nn.StyleLoss(f, g.Detach()).Item(); v != 0 {
		t.Errorf("StyleLoss(f, Gram(f)) = %v, want 0", v)
	}
	want := (1.25*1.25 + 2*2.75*2.75 + 6.25*6.25) / 4
	if v := nn.StyleLoss(f, dl.Zeros(2, 2)).Item(); math.Abs(float64(v)-want) > 1e-5 {
		t.Errorf("StyleLoss(f, 0) = %v, want %v", v, want)
	}
}

func TestLossGrads(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	labels := []int{0, 2, 1, 2}
	for i, tc := range []struct {
		name string
		f    func(xs ...*dl.Tensor) *dl.Tensor
		xs   []*dl.Tensor
	}{
		{"CrossEntropy", func(xs ...*dl.Tensor) *dl.Tensor { return nn.CrossEntropy(xs[0], labels) }, []*dl.Tensor{dl.RandN(rng, 4, 3)}},
		{"NLLLoss", func(xs ...*dl.Tensor) *dl.Tensor { return nn.NLLLoss(xs[0], labels) }, []*dl.Tensor{dl.RandN(rng, 4, 3)}},
		{"MSELoss", func(xs ...*dl.Tensor) *dl.Tensor { return nn.MSELoss(xs[0], xs[1]) }, []*dl.Tensor{dl.RandN(rng, 2, 3), dl.RandN(rng, 2, 3)}},
		{"BCEWithLogits", func(xs ...*dl.Tensor) *dl.Tensor { return nn.BCEWithLogits(xs[0], xs[1]) }, []*dl.Tensor{dl.RandN(rng, 5), dl.RandU(rng, 0, 1, 5)}},
		{"Gram", func(xs ...*dl.Tensor) *dl.Tensor { return nn.Gram(xs[0]) }, []*dl.Tensor{dl.RandN(rng, 3, 2, 4)}},
		{"Gram4D", func(xs ...*dl.Tensor) *dl.Tensor { return nn.Gram(xs[0]) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 2, 2)}},
		{"StyleLoss", func(xs ...*dl.Tensor) *dl.Tensor { return nn.StyleLoss(xs[0], xs[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 3, 3), dl.RandN(rng, 3, 3)}},
		{"TotalVariation", func(xs ...*dl.Tensor) *dl.Tensor { return nn.TotalVariation(xs[0]) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 4)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_ = i
			numtest.GradCheck(t, tc.f, tc.xs...)
		})
	}
}
