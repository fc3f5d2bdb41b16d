package dl

import (
	"math"
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// softmaxLanes runs f over chunks of the outer index of t viewed as [outer, n, inner] around
// axis, giving it scratch rows of inner float64s.
func softmaxLanes(op string, t *Tensor, axis int, f func(o, n, inner int, m, s []float64)) {
	a := t.axis(op, axis)
	outer, n, inner := split3(t.shape, a)
	par.For(outer, max(1, grainMath/max(n*inner, 1)), func(lo, hi int) {
		m, s := make([]float64, inner), make([]float64, inner)
		for o := lo; o < hi; o++ {
			f(o, n, inner, m, s)
		}
	})
}

// softmaxForward writes softmax (or log-softmax) of x along the [outer, n, inner] middle axis
// into y for outer index o, using m and s as scratch for the running max and sum.
func softmaxForward(y, x []float32, o, n, inner int, m, s []float64, log bool) {
	base := o * n * inner
	if inner == 1 { // the usual case, softmax along the last axis: one contiguous row
		xr, yr := x[base:base+n], y[base:base+n]
		mx := float32(math.Inf(-1))
		for _, v := range xr {
			mx = max(mx, v)
		}
		for i, v := range xr {
			yr[i] = v - mx
		}
		expInto(yr, yr)
		var sum float64
		for _, e := range yr {
			sum += float64(e)
		}
		if log {
			lse := float32(math.Log(sum))
			for i, v := range xr {
				yr[i] = v - mx - lse
			}
			return
		}
		inv := float32(1 / sum)
		for i := range yr {
			yr[i] *= inv
		}
		return
	}
	for i := range inner {
		m[i], s[i] = math.Inf(-1), 0
	}
	for k := range n {
		for i, v := range x[base+k*inner : base+(k+1)*inner] {
			m[i] = max(m[i], float64(v))
		}
	}
	for k := range n {
		xr, yr := x[base+k*inner:base+(k+1)*inner], y[base+k*inner:base+(k+1)*inner]
		for i, v := range xr {
			e := math.Exp(float64(v) - m[i])
			s[i] += e
			if !log {
				yr[i] = float32(e)
			}
		}
	}
	for i := range inner {
		if log {
			s[i] = m[i] + math.Log(s[i]) // the log-sum-exp
		} else {
			s[i] = 1 / s[i]
		}
	}
	for k := range n {
		xr, yr := x[base+k*inner:base+(k+1)*inner], y[base+k*inner:base+(k+1)*inner]
		if log {
			for i, v := range xr {
				yr[i] = float32(float64(v) - s[i])
			}
		} else {
			for i := range yr {
				yr[i] = float32(float64(yr[i]) * s[i])
			}
		}
	}
}

// Softmax returns the softmax of t along axis: yᵢ = eˣⁱ / Σⱼ eˣʲ over that axis, so each slice
// along it is a probability distribution. It subtracts the maximum first (yᵢ = eˣⁱ⁻ᵐ / Σⱼ eˣʲ⁻ᵐ),
// so large inputs do not overflow. The gradient is ∂L/∂x = y ⊙ (g − Σⱼ gⱼyⱼ).
// Softmax panics with a *ShapeError if the axis is out of range.
func (t *Tensor) Softmax(axis int) *Tensor { return t.softmax("Softmax", axis, false) }

// LogSoftmax returns the logarithm of the softmax of t along axis, computed stably as
// yᵢ = xᵢ − m − ln Σⱼ eˣʲ⁻ᵐ with m = maxⱼ xⱼ; use it (with a negative log-likelihood) rather than
// Softmax().Log(), which gives −Inf for very unlikely classes. The gradient is
// ∂L/∂x = g − softmax(x)·Σⱼ gⱼ. LogSoftmax panics with a *ShapeError if the axis is out of range.
func (t *Tensor) LogSoftmax(axis int) *Tensor { return t.softmax("LogSoftmax", axis, true) }

func (t *Tensor) softmax(op string, axis int, log bool) *Tensor {
	y := make([]float32, len(t.data))
	softmaxLanes(op, t, axis, func(o, n, inner int, m, s []float64) {
		softmaxForward(y, t.data, o, n, inner, m, s, log)
	})
	return newOp(op, y, slices.Clone(t.shape), func(out *Tensor) {
		gx, g := t.gradData(), out.grad.data
		softmaxLanes(op, t, axis, func(o, n, inner int, dot, _ []float64) {
			base := o * n * inner
			if inner == 1 { // one contiguous row
				gr, yr, xr := g[base:base+n], y[base:base+n], gx[base:base+n]
				var d float64
				if log {
					for _, v := range gr {
						d += float64(v)
					}
					ds := float32(d)
					for i, v := range gr {
						xr[i] += v - float32(math.Exp(float64(yr[i])))*ds
					}
					return
				}
				for i, v := range gr {
					d += float64(v) * float64(yr[i])
				}
				ds := float32(d)
				for i, v := range gr {
					xr[i] += yr[i] * (v - ds)
				}
				return
			}
			for i := range inner {
				dot[i] = 0
			}
			// dot = Σⱼ gⱼyⱼ (softmax) or Σⱼ gⱼ (log-softmax).
			for k := range n {
				gr, yr := g[base+k*inner:base+(k+1)*inner], y[base+k*inner:base+(k+1)*inner]
				for i, v := range gr {
					if log {
						dot[i] += float64(v)
					} else {
						dot[i] += float64(v) * float64(yr[i])
					}
				}
			}
			for k := range n {
				off := base + k*inner
				gr, yr, xr := g[off:off+inner], y[off:off+inner], gx[off:off+inner]
				for i, v := range gr {
					if log {
						xr[i] += v - float32(math.Exp(float64(yr[i]))*dot[i])
					} else {
						xr[i] += yr[i] * (v - float32(dot[i]))
					}
				}
			}
		})
	}, t)
}
