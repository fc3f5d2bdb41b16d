package optim

import (
	"math"

	"github.com/deepnb/deepnb/dl"
)

// LBFGS is the limited-memory BFGS quasi-Newton method, the optimizer Gatys et al. used for
// neural style transfer. It follows torch.optim.LBFGS without line search: each Step runs up to
// MaxIter iterations, each evaluating the loss through a closure.
//
// The direction d = −H·g comes from the two-loop recursion over the last HistorySize pairs
// (s = Δθ, y = Δg); the step is θ ← θ + η·d, with the very first step scaled by min(1, 1/‖g‖₁).
type LBFGS struct {
	params
	LR          float32 // step size η, default 1
	MaxIter     int     // iterations per Step, default 20
	HistorySize int     // pairs kept, default 100
	TolGrad     float64 // stop when max |g| ≤ TolGrad, default 1e-7
	TolChange   float64 // stop when the loss or step changes less than this, default 1e-9

	s, y      [][]float64 // history, oldest first
	rho       []float64
	prevFlatG []float64
	d         []float64
	t         float64
	n         int // iterations done over all Steps
}

// NewLBFGS returns L-BFGS over ps with the defaults above.
func NewLBFGS(ps []*dl.Tensor) *LBFGS {
	return &LBFGS{params: ps, LR: 1, MaxIter: 20, HistorySize: 100, TolGrad: 1e-7, TolChange: 1e-9}
}

// flatGrad returns the concatenated gradients (zeros for parameters without one).
func (o *LBFGS) flatGrad() []float64 {
	var g []float64
	for _, p := range o.params {
		if p.Grad() == nil {
			g = append(g, make([]float64, p.Len())...)
			continue
		}
		for _, v := range p.Grad().Data() {
			g = append(g, float64(v))
		}
	}
	return g
}

func (o *LBFGS) addDir(t float64, d []float64) {
	k := 0
	for _, p := range o.params {
		w := p.Data()
		for j := range w {
			w[j] += float32(t * d[k])
			k++
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func maxAbs(a []float64) float64 {
	var m float64
	for _, v := range a {
		m = max(m, math.Abs(v))
	}
	return m
}

// Step runs up to MaxIter L-BFGS iterations. closure must clear the gradients, compute the loss,
// call Backward and return the loss; Step calls it once per iteration and returns the first loss.
func (o *LBFGS) Step(closure func() float32) float32 {
	first := closure()
	loss := float64(first)
	g := o.flatGrad()
	if maxAbs(g) <= o.TolGrad {
		return first
	}
	for it := 0; it < o.MaxIter; it++ {
		o.n++
		if o.n == 1 {
			o.d = make([]float64, len(g))
			for i := range g {
				o.d[i] = -g[i]
			}
			o.s, o.y, o.rho = nil, nil, nil
		} else {
			y := make([]float64, len(g))
			s := make([]float64, len(g))
			for i := range g {
				y[i] = g[i] - o.prevFlatG[i]
				s[i] = o.t * o.d[i]
			}
			if ys := dot(y, s); ys > 1e-10 {
				if len(o.s) == o.HistorySize {
					o.s, o.y, o.rho = o.s[1:], o.y[1:], o.rho[1:]
				}
				o.s, o.y, o.rho = append(o.s, s), append(o.y, y), append(o.rho, 1/ys)
			}
			// Two-loop recursion.
			q := make([]float64, len(g))
			for i := range g {
				q[i] = -g[i]
			}
			alpha := make([]float64, len(o.s))
			for i := len(o.s) - 1; i >= 0; i-- {
				alpha[i] = o.rho[i] * dot(o.s[i], q)
				for j := range q {
					q[j] -= alpha[i] * o.y[i][j]
				}
			}
			if k := len(o.s) - 1; k >= 0 {
				h := 1 / (o.rho[k] * dot(o.y[k], o.y[k]))
				for j := range q {
					q[j] *= h
				}
			}
			for i := range o.s {
				beta := o.rho[i] * dot(o.y[i], q)
				for j := range q {
					q[j] += o.s[i][j] * (alpha[i] - beta)
				}
			}
			o.d = q
		}
		o.prevFlatG = g
		if o.n == 1 {
			var l1 float64
			for _, v := range g {
				l1 += math.Abs(v)
			}
			o.t = math.Min(1, 1/l1) * float64(o.LR)
		} else {
			o.t = float64(o.LR)
		}
		gtd := dot(g, o.d)
		if gtd > -o.TolChange {
			break
		}
		o.addDir(o.t, o.d)
		if it == o.MaxIter-1 {
			break
		}
		prevLoss := loss
		loss = float64(closure())
		g = o.flatGrad()
		if maxAbs(g) <= o.TolGrad || maxAbs(o.d)*math.Abs(o.t) <= o.TolChange || math.Abs(loss-prevLoss) < o.TolChange {
			break
		}
	}
	return first
}
