package optim_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/optim"
)

// setGrad makes g the gradient of leaf p (Backward on a leaf adds the seed into its Grad).
func setGrad(p *dl.Tensor, g ...float32) {
	p.ZeroGrad()
	p.BackwardWith(dl.New(g, p.Shape()...))
}

func param(v ...float32) *dl.Tensor { return dl.New(v, len(v)).SetRequiresGrad(true) }

func near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

// TestHandComputed checks single updates against values worked out by hand from each
// optimizer's formula (the same as PyTorch's).
func TestHandComputed(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name  string
		make  func(ps []*dl.Tensor) optim.Optimizer
		grads [][]float32 // one gradient per step
		want  []float32   // parameter after the steps, starting from [1, 2]
	}{
		{"SGD", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewSGD(ps, 0.1) },
			[][]float32{{0.5, -1}}, []float32{0.95, 2.1}},
		{"SGD weight decay", func(ps []*dl.Tensor) optim.Optimizer {
			o := optim.NewSGD(ps, 0.1)
			o.WeightDecay = 0.5
			return o
		}, [][]float32{{0, 0}}, []float32{0.95, 1.9}},
		// v1 = g1 = 1; w = 1 − 0.1 = 0.9; v2 = 0.9·1 + 1 = 1.9; w = 0.9 − 0.19 = 0.71.
		{"SGD momentum", func(ps []*dl.Tensor) optim.Optimizer {
			o := optim.NewSGD(ps, 0.1)
			o.Momentum = 0.9
			return o
		}, [][]float32{{1, 0}, {1, 0}}, []float32{0.71, 2}},
		// Nesterov: step uses g + μ·v: first 1 + 0.9·1 = 1.9 → w = 0.81; v2 = 1.9, step 1 + 1.71 = 2.71 → 0.539.
		{"SGD Nesterov", func(ps []*dl.Tensor) optim.Optimizer {
			o := optim.NewSGD(ps, 0.1)
			o.Momentum, o.Nesterov = 0.9, true
			return o
		}, [][]float32{{1, 0}, {1, 0}}, []float32{0.539, 2}},
		// Adam's first step moves each weight by lr·sign(g) (bias-corrected m/√v = g/|g|).
		{"Adam", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewAdam(ps, 0.01) },
			[][]float32{{3, -0.001}}, []float32{0.99, 2.01}},
		// AdamW shrinks first: w·(1 − 0.01·0.1), then the Adam step.
		{"AdamW", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewAdamW(ps, 0.01, 0.1) },
			[][]float32{{3, -0.001}}, []float32{1*(1-0.001) - 0.01, 2*(1-0.001) + 0.01}},
		// RMSprop: s = 0.01·g², step g/√s = 10·sign(g).
		{"RMSprop", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewRMSprop(ps, 0.01) },
			[][]float32{{2, -4}}, []float32{0.9, 2.1}},
	} {
		p := param(1, 2)
		o := tc.make([]*dl.Tensor{p})
		for _, g := range tc.grads {
			setGrad(p, g...)
			o.Step()
		}
		if !near(p.Data(), tc.want, 1e-5) {
			t.Errorf("case %d: %s: got %v, want %v", i, tc.name, p.Data(), tc.want)
		}
	}
}

// TestConverges minimises f(w) = ½‖w − c‖² with every optimizer.
func TestConverges(t *testing.T) {
	t.Parallel()
	c := []float32{3, -1, 0.5}
	for i, tc := range []struct {
		name  string
		make  func(ps []*dl.Tensor) optim.Optimizer
		steps int
	}{
		{"SGD", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewSGD(ps, 0.1) }, 300},
		{"SGD momentum", func(ps []*dl.Tensor) optim.Optimizer {
			o := optim.NewSGD(ps, 0.05)
			o.Momentum = 0.9
			return o
		}, 300},
		{"Adam", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewAdam(ps, 0.05) }, 1000},
		{"RMSprop", func(ps []*dl.Tensor) optim.Optimizer { return optim.NewRMSprop(ps, 0.01) }, 1000},
	} {
		p := param(0, 0, 0)
		o := tc.make([]*dl.Tensor{p})
		for range tc.steps {
			o.ZeroGrad()
			w := p.Data()
			setGrad(p, w[0]-c[0], w[1]-c[1], w[2]-c[2])
			o.Step()
		}
		if !near(p.Data(), c, 1e-2) {
			t.Errorf("case %d: %s: got %v, want %v", i, tc.name, p.Data(), c)
		}
	}
}

// rosenbrock returns f(x, y) = (1−x)² + 100(y−x²)² and sets p's gradient.
func rosenbrock(p *dl.Tensor) float32 {
	x, y := float64(p.Data()[0]), float64(p.Data()[1])
	f := (1-x)*(1-x) + 100*(y-x*x)*(y-x*x)
	setGrad(p, float32(-2*(1-x)-400*x*(y-x*x)), float32(200*(y-x*x)))
	return float32(f)
}

func TestLBFGSRosenbrock(t *testing.T) {
	t.Parallel()
	p := param(-1.5, 2)
	o := optim.NewLBFGS([]*dl.Tensor{p})
	o.LR = 0.5
	o.MaxIter = 400
	for range 5 {
		o.Step(func() float32 { return rosenbrock(p) })
	}
	if !near(p.Data(), []float32{1, 1}, 5e-2) {
		t.Errorf("LBFGS on Rosenbrock: got %v, want [1 1] (loss %v)", p.Data(), rosenbrock(p))
	}
}

func TestLBFGSQuadraticFast(t *testing.T) {
	t.Parallel()
	// A quadratic is solved in a few iterations: far fewer than gradient descent needs.
	scale := []float32{1, 10, 100}
	p := param(1, 1, 1)
	o := optim.NewLBFGS([]*dl.Tensor{p})
	o.MaxIter = 15
	o.Step(func() float32 {
		w := p.Data()
		var f float32
		g := make([]float32, 3)
		for i := range w {
			f += scale[i] * w[i] * w[i] / 2
			g[i] = scale[i] * w[i]
		}
		setGrad(p, g...)
		return f
	})
	if !near(p.Data(), []float32{0, 0, 0}, 1e-3) {
		t.Errorf("LBFGS on an ill-conditioned quadratic: got %v, want 0", p.Data())
	}
}

func TestSkipsParamsWithoutGrad(t *testing.T) {
	t.Parallel()
	p := param(1, 2)
	for i, o := range []optim.Optimizer{optim.NewSGD([]*dl.Tensor{p}, 1), optim.NewAdam([]*dl.Tensor{p}, 1), optim.NewRMSprop([]*dl.Tensor{p}, 1)} {
		o.Step()
		if !near(p.Data(), []float32{1, 2}, 0) {
			t.Errorf("case %d: parameter without gradient changed to %v", i, p.Data())
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	t.Parallel()
	a, b := param(0, 0), param(0)
	setGrad(a, 3, 0)
	setGrad(b, 4)
	norm := optim.ClipGradNorm([]*dl.Tensor{a, b}, 1)
	if math.Abs(float64(norm)-5) > 1e-6 {
		t.Errorf("ClipGradNorm: got norm %v, want 5", norm)
	}
	if !near(a.Grad().Data(), []float32{0.6, 0}, 1e-5) || !near(b.Grad().Data(), []float32{0.8}, 1e-5) {
		t.Errorf("ClipGradNorm: got %v %v, want [0.6 0] [0.8]", a.Grad().Data(), b.Grad().Data())
	}
	optim.ClipGradValue([]*dl.Tensor{a, b}, 0.7)
	if !near(b.Grad().Data(), []float32{0.7}, 1e-6) {
		t.Errorf("ClipGradValue: got %v, want [0.7]", b.Grad().Data())
	}
}

func TestSchedules(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name  string
		sched optim.Schedule
		step  int
		want  float32
	}{
		{"step 0", optim.StepLR(1, 10, 0.1), 0, 1},
		{"step 9", optim.StepLR(1, 10, 0.1), 9, 1},
		{"step 10", optim.StepLR(1, 10, 0.1), 10, 0.1},
		{"step 25", optim.StepLR(1, 10, 0.1), 25, 0.01},
		{"cosine start", optim.CosineLR(1, 0.1, 100), 0, 1},
		{"cosine middle", optim.CosineLR(1, 0.1, 100), 50, 0.55},
		{"cosine end", optim.CosineLR(1, 0.1, 100), 100, 0.1},
		{"cosine after", optim.CosineLR(1, 0.1, 100), 150, 0.1},
	} {
		if got := tc.sched(tc.step); math.Abs(float64(got-tc.want)) > 1e-6 {
			t.Errorf("case %d: %s: got %v, want %v", i, tc.name, got, tc.want)
		}
	}
}

func TestBadLearningRatePanics(t *testing.T) {
	t.Parallel()
	for i, lr := range []float32{0, -1, float32(math.NaN())} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("case %d: NewSGD(lr=%v) did not panic", i, lr)
				}
			}()
			optim.NewSGD(nil, lr)
		}()
	}
}

// ExampleNewAdam minimises (w − 3)² with Adam.
func ExampleNewAdam() {
	w := dl.New([]float32{0}, 1).SetRequiresGrad(true)
	opt := optim.NewAdam([]*dl.Tensor{w}, 0.1)
	for range 200 {
		opt.ZeroGrad()
		// d/dw (w − 3)² = 2(w − 3); set it as w's gradient (a real model calls loss.Backward()).
		w.BackwardWith(dl.New([]float32{2 * (w.Data()[0] - 3)}, 1))
		opt.Step()
	}
	fmt.Printf("w = %.2f\n", w.Data()[0])
	// Output: w = 3.00
}
