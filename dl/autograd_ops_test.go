package dl_test

import (
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// TestNoGradBuildsNoGraph: an op with a no-grad input records nothing, even with a parameter
// that requires a gradient, and passes the mark on.
func TestNoGradBuildsNoGraph(t *testing.T) {
	t.Parallel()
	w := dl.New(f32s(1, 2, 3), 3).SetRequiresGrad(true)
	x := dl.New(f32s(4, 5, 6), 3)
	y := w.Mul(x.NoGrad()).Sum()
	if y.RequiresGrad() || y.Op() != "Sum" || !y.IsNoGrad() {
		t.Errorf("NoGrad result: RequiresGrad %v, Op %q, IsNoGrad %v; want false, Sum, true", y.RequiresGrad(), y.Op(), y.IsNoGrad())
	}
	y.Backward() // no graph: nothing happens
	if w.Grad() != nil {
		t.Errorf("w.Grad() = %v after Backward of a NoGrad result, want nil", w.Grad())
	}
	if x.IsNoGrad() {
		t.Errorf("x.NoGrad() marked x itself")
	}
	w.Mul(x).Sum().Backward() // without the mark, the same op records
	numtest.Close(t, "grad", w.Grad().Data(), f32s(4, 5, 6), numtest.Exact, numtest.Exact)
}

// TestNoGradValueIsAConstantInARecordedGraph: a target computed from a no-grad input enters a
// training loss as a constant: the loss records and w gets ∂Σ(w·x − target)²/∂w = 2(w·x − target)·x.
func TestNoGradValueIsAConstantInARecordedGraph(t *testing.T) {
	t.Parallel()
	w := dl.New(f32s(1, 2, 3), 3).SetRequiresGrad(true)
	x := dl.New(f32s(4, 5, 6), 3)
	target := w.Mul(x.NoGrad()).MulScalar(0.5) // 2, 5, 9: no graph
	if !target.IsNoGrad() || target.RequiresGrad() {
		t.Fatalf("target: IsNoGrad %v, RequiresGrad %v; want true, false", target.IsNoGrad(), target.RequiresGrad())
	}
	d := w.Mul(x).Sub(target)
	if d.IsNoGrad() || !d.RequiresGrad() {
		t.Fatalf("w·x − target: IsNoGrad %v, RequiresGrad %v; want false, true", d.IsNoGrad(), d.RequiresGrad())
	}
	d.Mul(d).Sum().Backward()
	numtest.Close(t, "grad", w.Grad().Data(), f32s(16, 50, 108), numtest.Exact, numtest.Exact)
}

func TestDetachStopsGradient(t *testing.T) {
	t.Parallel()
	x := dl.New(f32s(1, 2, 3), 3).SetRequiresGrad(true)
	// y = x·detach(x): the gradient is detach(x) = x, not 2x.
	x.Mul(x.Detach()).Sum().Backward()
	numtest.Close(t, "grad", x.Grad().Data(), f32s(1, 2, 3), numtest.Exact, numtest.Exact)
}

func TestGradAccumulates(t *testing.T) {
	t.Parallel()
	x := dl.New(f32s(1, -2), 2).SetRequiresGrad(true)
	w := dl.New(f32s(3, 4), 2).SetRequiresGrad(true)
	for range 2 {
		x.Mul(w).Sum().Backward()
	}
	numtest.Close(t, "x grad", x.Grad().Data(), f32s(6, 8), numtest.Exact, numtest.Exact)
	numtest.Close(t, "w grad", w.Grad().Data(), f32s(2, -4), numtest.Exact, numtest.Exact)
	x.ZeroGrad()
	x.Mul(w).Sum().Backward()
	numtest.Close(t, "x grad after ZeroGrad", x.Grad().Data(), f32s(3, 4), numtest.Exact, numtest.Exact)
}

// TestFanOut: a value used by several ops gets the sum of their gradients.
func TestFanOut(t *testing.T) {
	t.Parallel()
	x := dl.Scalar(3).SetRequiresGrad(true)
	// y = x² + 2x + x·x·x → dy/dx = 2x + 2 + 3x² = 35 at 3.
	x.Pow(2).Add(x.MulScalar(2)).Add(x.Mul(x).Mul(x)).Backward()
	if got := x.Grad().Item(); got != 35 {
		t.Errorf("dy/dx: got %v, want 35", got)
	}
}

// TestLeavesWithoutGrad: ops on tensors that need no gradient record nothing.
func TestLeavesWithoutGrad(t *testing.T) {
	t.Parallel()
	a, b := dl.Ones(2), dl.Ones(2)
	y := a.Add(b).Exp().Sum()
	if y.RequiresGrad() {
		t.Errorf("result of constants requires grad")
	}
	w := dl.Ones(2).SetRequiresGrad(true)
	a.Add(w).Sum().Backward()
	if a.Grad() != nil {
		t.Errorf("constant got a gradient")
	}
}
