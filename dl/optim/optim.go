// Package optim holds the optimizers that update dl parameters from their gradients: SGD (with
// momentum, Nesterov and weight decay), Adam and AdamW, RMSprop and L-BFGS, plus gradient clipping
// and learning-rate schedules.
//
// A training step is
//
//	opt.ZeroGrad()
//	loss := nn.CrossEntropy(model.Forward(x), labels)
//	loss.Backward()
//	opt.Step()
//
// Optimizers are configured with a constructor taking the required arguments and exported fields
// with documented defaults: opt := optim.NewAdam(params, 1e-3); opt.Beta2 = 0.98.
// Parameters without a gradient (nil Grad) are skipped by Step.
package optim

import (
	"fmt"
	"github.com/deepnb/deepnb/dl/internal/vec"
	"math"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/par"
)

// Optimizer updates a fixed list of parameters from their accumulated gradients.
type Optimizer interface {
	// Step applies one update to every parameter that has a gradient.
	Step()
	// ZeroGrad clears the gradients of every parameter.
	ZeroGrad()
}

// params is the list every optimizer holds; it implements ZeroGrad.
type params []*dl.Tensor

// ZeroGrad clears the gradients of every parameter.
func (ps params) ZeroGrad() {
	for _, p := range ps {
		p.ZeroGrad()
	}
}

// state returns one zeroed slice per parameter, for moments.
func (ps params) state() [][]float32 {
	s := make([][]float32, len(ps))
	for i, p := range ps {
		s[i] = make([]float32, p.Len())
	}
	return s
}

// each runs f over the parameter i's values in parallel chunks; grain keeps tiny tensors serial.
func each(n int, f func(lo, hi int)) { par.For(n, 1<<14, f) }

func checkLR(name string, lr float32) {
	if !(lr > 0) || math.IsInf(float64(lr), 0) {
		panic(fmt.Sprintf("optim: %s: learning rate must be positive and finite, got %v", name, lr))
	}
}

// SGD is stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay:
//
//	g ← ∇θ + λ·θ;  v ← μ·v + g;  θ ← θ − η·(Nesterov ? g + μ·v : v)
//
// With Momentum = 0 this is plain θ ← θ − η·g. The update matches PyTorch's torch.optim.SGD
// (dampening 0).
type SGD struct {
	params
	LR          float32 // learning rate η
	Momentum    float32 // μ, default 0
	Nesterov    bool    // use Nesterov momentum, default false
	WeightDecay float32 // λ, L2 penalty added to the gradient, default 0
	velocity    [][]float32
}

// NewSGD returns plain SGD over ps with learning rate lr. NewSGD panics if lr is not positive.
func NewSGD(ps []*dl.Tensor, lr float32) *SGD {
	checkLR("SGD", lr)
	return &SGD{params: ps, LR: lr}
}

// Step applies one SGD update.
func (o *SGD) Step() {
	if o.Momentum != 0 && o.velocity == nil {
		o.velocity = o.params.state()
	}
	lr, mu, wd := o.LR, o.Momentum, o.WeightDecay
	for i, p := range o.params {
		if p.Grad() == nil {
			continue
		}
		w, g := p.Data(), p.Grad().Data()
		var v []float32
		if mu != 0 {
			v = o.velocity[i]
		}
		nesterov := o.Nesterov
		each(len(w), func(lo, hi int) {
			w, g := w[lo:hi], g[lo:hi]
			g = g[:len(w)]
			switch {
			case v == nil && wd == 0:
				for j, gj := range g {
					w[j] -= lr * gj
				}
			case v == nil:
				for j, gj := range g {
					w[j] -= lr * (gj + wd*w[j])
				}
			case !nesterov && wd == 0: // the common case: momentum, no decay
				vec.MomentumUpdate(w, g, v[lo:hi], mu, lr)
			default:
				v := v[lo:hi]
				v = v[:len(w)]
				for j, gj := range g {
					gj += wd * w[j]
					vj := mu*v[j] + gj
					v[j] = vj
					if nesterov {
						gj += mu * vj
					} else {
						gj = vj
					}
					w[j] -= lr * gj
				}
			}
		})
	}
}

// Adam is the Adam optimizer (Kingma and Ba, 2015), and AdamW when Decoupled is set:
//
//	m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²
//	θ ← θ − η · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
//
// WeightDecay λ adds λ·θ to the gradient (Adam, L2) or, with Decoupled, shrinks θ ← θ·(1−η·λ)
// before the update (AdamW, Loshchilov and Hutter). Matches torch.optim.Adam / AdamW.
type Adam struct {
	params
	LR          float32 // learning rate η
	Beta1       float32 // β₁, default 0.9
	Beta2       float32 // β₂, default 0.999
	Eps         float32 // ε, default 1e-8
	WeightDecay float32 // λ, default 0
	Decoupled   bool    // AdamW: decay the weights directly instead of through the gradient
	t           int
	m, v        [][]float32
}

// NewAdam returns Adam over ps with learning rate lr and the defaults above.
// NewAdam panics if lr is not positive.
func NewAdam(ps []*dl.Tensor, lr float32) *Adam {
	checkLR("Adam", lr)
	return &Adam{params: ps, LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// NewAdamW returns AdamW (decoupled weight decay) over ps with learning rate lr and weight decay
// wd (PyTorch's default is 0.01).
func NewAdamW(ps []*dl.Tensor, lr, wd float32) *Adam {
	o := NewAdam(ps, lr)
	o.WeightDecay, o.Decoupled = wd, true
	return o
}

// Step applies one Adam update.
func (o *Adam) Step() {
	if o.m == nil {
		o.m, o.v = o.params.state(), o.params.state()
	}
	o.t++
	b1, b2 := o.Beta1, o.Beta2
	c1 := 1 - float32(math.Pow(float64(b1), float64(o.t)))
	c2 := 1 - float32(math.Pow(float64(b2), float64(o.t)))
	stepSize := o.LR / c1
	sqrtC2 := float32(math.Sqrt(float64(c2)))
	for i, p := range o.params {
		if p.Grad() == nil {
			continue
		}
		w, g, m, v := p.Data(), p.Grad().Data(), o.m[i], o.v[i]
		lr, wd, decoupled, eps := o.LR, o.WeightDecay, o.Decoupled, o.Eps
		// θ −= stepSize·m/(√v/√c₂ + ε) = θ − (stepSize·√c₂)·m/(√v + ε·√c₂).
		step2, eps2 := stepSize*sqrtC2, eps*sqrtC2
		each(len(w), func(lo, hi int) {
			w, g, m, v := w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi]
			g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
			if wd != 0 {
				for j := range w {
					if decoupled {
						w[j] *= 1 - lr*wd
					} else {
						gj := g[j] + wd*w[j]
						m[j] = b1*m[j] + (1-b1)*gj
						v[j] = b2*v[j] + (1-b2)*gj*gj
						w[j] -= step2 * m[j] / (sqrt32(v[j]) + eps2)
					}
				}
				if !decoupled {
					return
				}
			}
			vec.AdamUpdate(w, g, m, v, b1, b2, step2, eps2)
		})
	}
}

// RMSprop divides the gradient by a running root mean square of recent gradients (Hinton):
//
//	s ← α·s + (1−α)·g²;  θ ← θ − η·g/(√s + ε)
//
// with optional momentum on the scaled step, as torch.optim.RMSprop.
type RMSprop struct {
	params
	LR          float32 // learning rate η
	Alpha       float32 // smoothing α, default 0.99
	Eps         float32 // ε, default 1e-8
	Momentum    float32 // default 0
	WeightDecay float32 // L2 penalty λ, default 0
	s, buf      [][]float32
}

// NewRMSprop returns RMSprop over ps with learning rate lr and the defaults above.
func NewRMSprop(ps []*dl.Tensor, lr float32) *RMSprop {
	checkLR("RMSprop", lr)
	return &RMSprop{params: ps, LR: lr, Alpha: 0.99, Eps: 1e-8}
}

// Step applies one RMSprop update.
func (o *RMSprop) Step() {
	if o.s == nil {
		o.s, o.buf = o.params.state(), o.params.state()
	}
	for i, p := range o.params {
		if p.Grad() == nil {
			continue
		}
		w, g, s, buf := p.Data(), p.Grad().Data(), o.s[i], o.buf[i]
		each(len(w), func(lo, hi int) {
			for j := lo; j < hi; j++ {
				gj := g[j] + o.WeightDecay*w[j]
				s[j] = o.Alpha*s[j] + (1-o.Alpha)*gj*gj
				d := gj / (sqrt32(s[j]) + o.Eps)
				if o.Momentum != 0 {
					buf[j] = o.Momentum*buf[j] + d
					d = buf[j]
				}
				w[j] -= o.LR * d
			}
		})
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
