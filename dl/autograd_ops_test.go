package dl_test

import (
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// TestNoGradBuildsNoGraph is not parallel: NoGrad switches recording off for every goroutine.
func TestNoGradBuildsNoGraph(t *testing.T) {
	x := dl.New(f32s(1, 2, 3), 3).SetRequiresGrad(true)
	var y *dl.Tensor
	dl.NoGrad(func() {
		if dl.GradEnabled() {
			t.Errorf("GradEnabled inside NoGrad")
		}
		y = x.Mul(x).Sum()
	})
	if y.RequiresGrad() || y.Op() != "Sum" {
		t.Errorf("NoGrad result: RequiresGrad %v, Op %q; want false, Sum", y.RequiresGrad(), y.Op())
	}
	y.Backward() // no graph: nothing happens
	if x.Grad() != nil {
		t.Errorf("x.Grad() = %v after Backward of a NoGrad result, want nil", x.Grad())
	}
	if !dl.GradEnabled() {
		t.Errorf("GradEnabled false after NoGrad")
	}
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
