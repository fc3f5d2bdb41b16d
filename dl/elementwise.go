package dl

import (
	"fmt"
	"math"
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// Binary elementwise ops. Each broadcasts its operands as NumPy does (see the package doc),
// returns a new tensor of the broadcast shape, and in backward sums each operand's gradient
// over the dimensions it was stretched along.

var (
	addK = &binKernel{
		vv: func(d, x, y []float32) {
			for i := range d {
				d[i] = x[i] + y[i]
			}
		},
		vs: func(d, x []float32, y float32) {
			for i := range d {
				d[i] = x[i] + y
			}
		},
		sv: func(d []float32, x float32, y []float32) {
			for i := range d {
				d[i] = x + y[i]
			}
		},
	}
	subK = &binKernel{
		vv: func(d, x, y []float32) {
			for i := range d {
				d[i] = x[i] - y[i]
			}
		},
		vs: func(d, x []float32, y float32) {
			for i := range d {
				d[i] = x[i] - y
			}
		},
		sv: func(d []float32, x float32, y []float32) {
			for i := range d {
				d[i] = x - y[i]
			}
		},
	}
	mulK = &binKernel{
		vv: func(d, x, y []float32) {
			for i := range d {
				d[i] = x[i] * y[i]
			}
		},
		vs: func(d, x []float32, y float32) {
			for i := range d {
				d[i] = x[i] * y
			}
		},
		sv: func(d []float32, x float32, y []float32) {
			for i := range d {
				d[i] = x * y[i]
			}
		},
	}
	divK = &binKernel{
		vv: func(d, x, y []float32) {
			for i := range d {
				d[i] = x[i] / y[i]
			}
		},
		vs: func(d, x []float32, y float32) {
			for i := range d {
				d[i] = x[i] / y
			}
		},
		sv: func(d []float32, x float32, y []float32) {
			for i := range d {
				d[i] = x / y[i]
			}
		},
	}
	// addMulK adds x·y into d (d += x·y), the backward of Mul without a temporary.
	addMulK = &binKernel{
		vv: func(d, x, y []float32) {
			for i := range d {
				d[i] += x[i] * y[i]
			}
		},
		vs: func(d, x []float32, y float32) {
			for i := range d {
				d[i] += x[i] * y
			}
		},
		sv: func(d []float32, x float32, y []float32) {
			for i := range d {
				d[i] += x * y[i]
			}
		},
	}
)

// binaryOp computes k(t, u) with broadcasting and records backward.
func binaryOp(op string, t, u *Tensor, k *binKernel, backward func(out *Tensor)) *Tensor {
	shape := broadcastShape(op, t.shape, u.shape)
	out := make([]float32, checkShape(op, shape))
	applyBinary(out, shape, t.data, u.data, t.shape, u.shape, k)
	return newOp(op, out, shape, backward, t, u)
}

// mulGradInto adds g·v (v broadcast to g's shape) summed down to x's shape into x's gradient.
func mulGradInto(x *Tensor, g []float32, gshape []int, v []float32, vshape []int) {
	if len(x.data) == len(g) {
		applyBinary(x.gradData(), gshape, g, v, gshape, vshape, addMulK)
		return
	}
	tmp := make([]float32, len(g))
	applyBinary(tmp, gshape, g, v, gshape, vshape, mulK)
	sumTo(x.gradData(), x.shape, tmp, gshape, 1)
}

// Add returns t + u elementwise, with broadcasting: yᵢ = tᵢ + uᵢ.
// Add panics with a *ShapeError if the shapes do not broadcast.
func (t *Tensor) Add(u *Tensor) *Tensor {
	return binaryOp("Add", t, u, addK, func(out *Tensor) {
		g := out.grad.data
		if t.requiresGrad {
			sumTo(t.gradData(), t.shape, g, out.shape, 1)
		}
		if u.requiresGrad {
			sumTo(u.gradData(), u.shape, g, out.shape, 1)
		}
	})
}

// Sub returns t − u elementwise, with broadcasting: yᵢ = tᵢ − uᵢ.
// Sub panics with a *ShapeError if the shapes do not broadcast.
func (t *Tensor) Sub(u *Tensor) *Tensor {
	return binaryOp("Sub", t, u, subK, func(out *Tensor) {
		g := out.grad.data
		if t.requiresGrad {
			sumTo(t.gradData(), t.shape, g, out.shape, 1)
		}
		if u.requiresGrad {
			sumTo(u.gradData(), u.shape, g, out.shape, -1)
		}
	})
}

// Mul returns t ⊙ u elementwise, with broadcasting: yᵢ = tᵢ·uᵢ; ∂y/∂t = u, ∂y/∂u = t.
// Mul panics with a *ShapeError if the shapes do not broadcast.
func (t *Tensor) Mul(u *Tensor) *Tensor {
	return binaryOp("Mul", t, u, mulK, func(out *Tensor) {
		g := out.grad.data
		if t.requiresGrad {
			mulGradInto(t, g, out.shape, u.data, u.shape)
		}
		if u.requiresGrad {
			mulGradInto(u, g, out.shape, t.data, t.shape)
		}
	})
}

// Div returns t ⊘ u elementwise, with broadcasting: yᵢ = tᵢ/uᵢ; ∂y/∂t = 1/u, ∂y/∂u = −t/u².
// Division by zero gives ±Inf or NaN, as in IEEE 754.
// Div panics with a *ShapeError if the shapes do not broadcast.
func (t *Tensor) Div(u *Tensor) *Tensor {
	return binaryOp("Div", t, u, divK, func(out *Tensor) {
		g := out.grad.data
		if t.requiresGrad {
			tmp := make([]float32, len(g))
			applyBinary(tmp, out.shape, g, u.data, out.shape, u.shape, divK)
			sumTo(t.gradData(), t.shape, tmp, out.shape, 1)
		}
		if u.requiresGrad { // −g·y/u
			tmp := make([]float32, len(g))
			mulK.vv(tmp, g, out.data)
			applyBinary(tmp, out.shape, tmp, u.data, out.shape, u.shape, divK)
			sumTo(u.gradData(), u.shape, tmp, out.shape, -1)
		}
	})
}

// Maximum returns the elementwise maximum of t and u, with broadcasting: yᵢ = max(tᵢ, uᵢ).
// The gradient goes to t where tᵢ ≥ uᵢ (ties go to t) and to u elsewhere.
// Maximum panics with a *ShapeError if the shapes do not broadcast.
func (t *Tensor) Maximum(u *Tensor) *Tensor { return t.pick("Maximum", u, true) }

// Minimum returns the elementwise minimum of t and u, with broadcasting: yᵢ = min(tᵢ, uᵢ).
// The gradient goes to t where tᵢ ≤ uᵢ (ties go to t) and to u elsewhere.
// Minimum panics with a *ShapeError if the shapes do not broadcast.
func (t *Tensor) Minimum(u *Tensor) *Tensor { return t.pick("Minimum", u, false) }

// pick returns the larger (isMax) or smaller of t and u elementwise; ties pick t.
func (t *Tensor) pick(op string, u *Tensor, isMax bool) *Tensor {
	shape := broadcastShape(op, t.shape, u.shape)
	n := checkShape(op, shape)
	tb, out := make([]float32, n), make([]float32, n)
	broadcastTo(tb, shape, t.data, t.shape, 1)
	broadcastTo(out, shape, u.data, u.shape, 1)
	m := make([]float32, n) // 1 where t is picked
	for i, v := range tb {
		if v == out[i] || (v > out[i]) == isMax {
			m[i], out[i] = 1, v
		}
	}
	return newOp(op, out, shape, func(o *Tensor) {
		g := o.grad.data
		if t.requiresGrad {
			mulGradInto(t, g, shape, m, shape)
		}
		if u.requiresGrad {
			tmp := make([]float32, len(g))
			for i, v := range m {
				tmp[i] = g[i] * (1 - v)
			}
			sumTo(u.gradData(), u.shape, tmp, shape, 1)
		}
	}, t, u)
}

// unary returns f applied to t elementwise; backward adds g·f′ into t's gradient, given the
// output gradient g, the input x and the output y of each element.
func (t *Tensor) unary(op string, grain int, f func(y, x []float32), df func(gx, g, x, y []float32)) *Tensor {
	out := make([]float32, len(t.data))
	par.For(len(out), grain, func(lo, hi int) { f(out[lo:hi], t.data[lo:hi]) })
	return newOp(op, out, slices.Clone(t.shape), func(o *Tensor) {
		gx, g := t.gradData(), o.grad.data
		par.For(len(gx), grain, func(lo, hi int) { df(gx[lo:hi], g[lo:hi], t.data[lo:hi], o.data[lo:hi]) })
	}, t)
}

// Neg returns −t elementwise.
func (t *Tensor) Neg() *Tensor {
	return t.unary("Neg", grainElem, func(y, x []float32) {
		for i := range y {
			y[i] = -x[i]
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] -= g[i]
		}
	})
}

// AddScalar returns t + c elementwise: yᵢ = tᵢ + c.
func (t *Tensor) AddScalar(c float32) *Tensor {
	return t.unary("AddScalar", grainElem, func(y, x []float32) {
		for i := range y {
			y[i] = x[i] + c
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i]
		}
	})
}

// MulScalar returns c·t elementwise: yᵢ = c·tᵢ.
func (t *Tensor) MulScalar(c float32) *Tensor {
	return t.unary("MulScalar", grainElem, func(y, x []float32) {
		for i := range y {
			y[i] = c * x[i]
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += c * g[i]
		}
	})
}

// Pow returns t raised to the power p elementwise: yᵢ = tᵢᵖ, with ∂y/∂t = p·tᵖ⁻¹.
// As for math.Pow, a negative base with a non-integer p gives NaN, and 0 to a negative power
// gives +Inf.
func (t *Tensor) Pow(p float32) *Tensor {
	if p == 2 {
		return t.unary("Pow", grainElem, func(y, x []float32) {
			for i := range y {
				y[i] = x[i] * x[i]
			}
		}, func(gx, g, x, y []float32) {
			for i := range gx {
				gx[i] += 2 * x[i] * g[i]
			}
		})
	}
	pp := float64(p)
	return t.unary("Pow", grainMath, func(y, x []float32) {
		for i := range y {
			y[i] = float32(math.Pow(float64(x[i]), pp))
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i] * float32(pp*math.Pow(float64(x[i]), pp-1))
		}
	})
}

// Exp returns eᵗ elementwise, with ∂y/∂t = y, to within 1 ulp of the float32 result. It
// overflows to +Inf above about 88.7.
func (t *Tensor) Exp() *Tensor {
	return t.unary("Exp", grainMath, expInto, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i] * y[i]
		}
	})
}

// Log returns the natural logarithm ln t elementwise, with ∂y/∂t = 1/t. As math.Log, it gives
// −Inf at 0 and NaN below 0.
func (t *Tensor) Log() *Tensor {
	return t.unary("Log", grainMath, func(y, x []float32) {
		for i := range y {
			y[i] = float32(math.Log(float64(x[i])))
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i] / x[i]
		}
	})
}

// Sqrt returns √t elementwise, with ∂y/∂t = 1/(2√t) (+Inf at 0). It gives NaN below 0.
func (t *Tensor) Sqrt() *Tensor {
	return t.unary("Sqrt", grainMath, func(y, x []float32) {
		for i := range y {
			y[i] = float32(math.Sqrt(float64(x[i])))
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i] / (2 * y[i])
		}
	})
}

// Abs returns |t| elementwise, with ∂y/∂t = sign(t) and the subgradient Abs′(0) = 0.
func (t *Tensor) Abs() *Tensor {
	return t.unary("Abs", grainElem, func(y, x []float32) {
		for i := range y {
			y[i] = float32(math.Abs(float64(x[i])))
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			switch {
			case x[i] > 0:
				gx[i] += g[i]
			case x[i] < 0:
				gx[i] -= g[i]
			}
		}
	})
}

// Tanh returns the hyperbolic tangent tanh t elementwise, with ∂y/∂t = 1 − y², to within a
// few ulp of the float32 result.
func (t *Tensor) Tanh() *Tensor {
	return t.unary("Tanh", grainMath, tanhInto, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i] * (1 - y[i]*y[i])
		}
	})
}

// Sigmoid returns the logistic function σ(t) = 1/(1 + e⁻ᵗ) elementwise, with ∂y/∂t = y(1 − y).
// It is computed without overflow for any input (as eᵗ/(1 + eᵗ) for t < 0), to within a few ulp.
func (t *Tensor) Sigmoid() *Tensor {
	return t.unary("Sigmoid", grainMath, func(y, x []float32) {
		for i, v := range x {
			y[i] = -abs32(v)
		}
		expInto(y, y) // e = e^(−|x|) ≤ 1
		for i, e := range y {
			if x[i] >= 0 {
				y[i] = 1 / (1 + e)
			} else {
				y[i] = e / (1 + e)
			}
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			gx[i] += g[i] * y[i] * (1 - y[i])
		}
	})
}

// ReLU returns the rectified linear unit max(t, 0) elementwise, with ∂y/∂t = 1 for t > 0
// and 0 otherwise: the subgradient ReLU′(0) = 0.
func (t *Tensor) ReLU() *Tensor {
	return t.unary("ReLU", grainElem, vec.ReLU, reluBackward)
}

// reluBackward adds g into gx where x > 0 (vectorised and branch-free: the sign of x is as good
// as random, and a mispredicted branch per element costs more than the arithmetic).
func reluBackward(gx, g, x, _ []float32) { vec.ReLUBack(gx, g, x) }

// LeakyReLU returns t where t > 0 and slope·t elsewhere, elementwise, with ∂y/∂t = 1 for t > 0
// and slope otherwise (so LeakyReLU′(0) = slope).
func (t *Tensor) LeakyReLU(slope float32) *Tensor {
	return t.unary("LeakyReLU", grainElem, func(y, x []float32) {
		for i := range y {
			if x[i] > 0 {
				y[i] = x[i]
			} else {
				y[i] = slope * x[i]
			}
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			if x[i] > 0 {
				gx[i] += g[i]
			} else {
				gx[i] += slope * g[i]
			}
		}
	})
}

// Clamp returns t limited to [lo, hi] elementwise: yᵢ = min(max(tᵢ, lo), hi). The gradient
// passes where lo ≤ tᵢ ≤ hi and is 0 elsewhere. Clamp panics with an *ArgError if lo > hi.
func (t *Tensor) Clamp(lo, hi float32) *Tensor {
	if lo > hi {
		panic(&ArgError{Op: "Clamp", Arg: "lo", Value: lo, Msg: fmt.Sprintf("> hi %v", hi)})
	}
	return t.unary("Clamp", grainElem, func(y, x []float32) {
		for i := range y {
			y[i] = min(max(x[i], lo), hi)
		}
	}, func(gx, g, x, y []float32) {
		for i := range gx {
			if x[i] >= lo && x[i] <= hi {
				gx[i] += g[i]
			}
		}
	})
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
