package dl

import (
	"fmt"
	"math"
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// BatchNorm normalises each channel of x over the batch (and, for images, over the pixels),
// then scales and shifts it per channel:
//
//	x [N, C] or [N, C, …] (e.g. [N, C, H, W]),  gamma, beta, runMean, runVar [C]  →  y of x's shape
//	y = γ_c · (x − μ_c) / √(σ²_c + eps) + β_c
//
// In training mode (train true) μ_c and σ²_c are the mean and the biased variance of channel c
// of this batch, and the running statistics, when given, are updated in place (not through
// autograd) as PyTorch does:
//
//	runMean ← (1 − momentum)·runMean + momentum·μ
//	runVar  ← (1 − momentum)·runVar  + momentum·σ²·m/(m − 1)   (m = values per channel)
//
// In evaluation mode (train false) μ and σ² are runMean and runVar, read at call time; if they
// are nil the batch statistics are used as in training. gamma and beta may be nil (γ = 1, β = 0).
// Typical values are momentum = 0.1 and eps = 1e-5.
//
// The backward pass is the closed form, per channel, with x̂ = (x − μ)/√(σ² + eps):
//
//	dx = γ/√(σ²+eps) · (dy − mean(dy) − x̂·mean(dy·x̂))   (train; eval: dx = γ·dy/√(σ²+eps))
//	dγ = Σ dy·x̂,  dβ = Σ dy
//
// BatchNorm panics with a *ShapeError if x has fewer than 2 dimensions, a per-channel tensor is
// not [C], or in training mode a channel has fewer than 2 values. The result owns new memory.
func BatchNorm(x, gamma, beta, runMean, runVar *Tensor, train bool, momentum, eps float32) *Tensor {
	const op = "BatchNorm"
	if x.Dims() < 2 {
		panic(&ShapeError{Op: op, A: x.shape, Msg: "want x [N C …]"})
	}
	N, C := x.shape[0], x.shape[1]
	L := 1
	for _, d := range x.shape[2:] {
		L *= d
	}
	for _, t := range []*Tensor{gamma, beta, runMean, runVar} {
		if t != nil && (t.Dims() != 1 || t.shape[0] != C) {
			panic(&ShapeError{Op: op, A: x.shape, B: t.shape, Msg: fmt.Sprintf("per-channel tensor must be [%d]", C)})
		}
	}
	m := N * L
	useBatch := train || runMean == nil || runVar == nil
	if useBatch && m < 2 {
		panic(&ShapeError{Op: op, A: x.shape, Msg: "batch statistics need more than 1 value per channel"})
	}
	xd := x.data
	mean := make([]float32, C)
	istd := make([]float32, C) // 1/√(σ² + eps)
	out := make([]float32, len(xd))
	par.For(C, max(1, 16384/max(1, m)), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var mu, v float64
			if useBatch {
				var s float64
				for n := range N {
					for _, xv := range xd[(n*C+c)*L : (n*C+c+1)*L] {
						s += float64(xv)
					}
				}
				mu = s / float64(m)
				var q float64
				for n := range N {
					for _, xv := range xd[(n*C+c)*L : (n*C+c+1)*L] {
						d := float64(xv) - mu
						q += d * d
					}
				}
				v = q / float64(m)
				if train && runMean != nil {
					runMean.data[c] = (1-momentum)*runMean.data[c] + momentum*float32(mu)
				}
				if train && runVar != nil {
					runVar.data[c] = (1-momentum)*runVar.data[c] + momentum*float32(q/float64(m-1))
				}
			} else {
				mu, v = float64(runMean.data[c]), float64(runVar.data[c])
			}
			is := float32(1 / math.Sqrt(v+float64(eps)))
			mean[c], istd[c] = float32(mu), is
			g, b := float32(1), float32(0)
			if gamma != nil {
				g = gamma.data[c]
			}
			if beta != nil {
				b = beta.data[c]
			}
			sc, mf := g*is, float32(mu)
			for n := range N {
				o := out[(n*C+c)*L : (n*C+c+1)*L]
				for i, xv := range xd[(n*C+c)*L : (n*C+c+1)*L] {
					o[i] = (xv-mf)*sc + b
				}
			}
		}
	})
	backward := func(o *Tensor) {
		dy := o.grad.data
		var dx, dg, db []float32
		if x.requiresGrad {
			dx = x.gradData()
		}
		if gamma != nil && gamma.requiresGrad {
			dg = gamma.gradData()
		}
		if beta != nil && beta.requiresGrad {
			db = beta.gradData()
		}
		par.For(C, max(1, 8192/max(1, m)), func(lo, hi int) {
			for c := lo; c < hi; c++ {
				mf, is := mean[c], istd[c]
				// Σ dy and Σ dy·x̂ over the channel.
				var sdy, sdyx float64
				for n := range N {
					d := dy[(n*C+c)*L : (n*C+c+1)*L]
					for i, xv := range xd[(n*C+c)*L : (n*C+c+1)*L] {
						sdy += float64(d[i])
						sdyx += float64(d[i]) * float64((xv-mf)*is)
					}
				}
				if dg != nil {
					dg[c] += float32(sdyx)
				}
				if db != nil {
					db[c] += float32(sdy)
				}
				if dx == nil {
					continue
				}
				g := float32(1)
				if gamma != nil {
					g = gamma.data[c]
				}
				sc := g * is
				var a, bb float32 // dx = sc·(dy − a − x̂·bb)
				if useBatch {
					a, bb = float32(sdy/float64(m)), float32(sdyx/float64(m))
				}
				for n := range N {
					d := dy[(n*C+c)*L : (n*C+c+1)*L]
					gx := dx[(n*C+c)*L : (n*C+c+1)*L]
					for i, xv := range xd[(n*C+c)*L : (n*C+c+1)*L] {
						gx[i] += sc * (d[i] - a - (xv-mf)*is*bb)
					}
				}
			}
		})
	}
	return newOp(op, out, slices.Clone(x.shape), backward, x, gamma, beta)
}

// LayerNorm normalises x over its last dims dimensions (each "row" of D = product of those
// dimensions values separately), then scales and shifts element-wise:
//
//	x [..., D₁, …, D_dims],  gamma, beta [D₁, …, D_dims] or nil  →  y of x's shape
//	y = γ · (x − μ) / √(σ² + eps) + β,   μ, σ² the mean and biased variance of the row
//
// gamma and beta may be nil (γ = 1, β = 0); eps is typically 1e-5. The backward pass is the
// closed form per row, with x̂ = (x − μ)/√(σ² + eps):
//
//	dx̂ = γ·dy,  dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ²+eps)
//	dγ = Σ_rows dy·x̂,  dβ = Σ_rows dy
//
// LayerNorm panics with a *ShapeError if dims is not in [1, x.Dims()] or gamma or beta does not
// have the normalised shape. The result owns new memory.
func LayerNorm(x *Tensor, dims int, gamma, beta *Tensor, eps float32) *Tensor {
	const op = "LayerNorm"
	if dims < 1 || dims > x.Dims() {
		panic(&ShapeError{Op: op, A: x.shape, Msg: fmt.Sprintf("cannot normalise over the last %d dimensions", dims)})
	}
	ns := x.shape[x.Dims()-dims:]
	for _, t := range []*Tensor{gamma, beta} {
		if t != nil && !slices.Equal(t.shape, ns) {
			panic(&ShapeError{Op: op, A: x.shape, B: t.shape, Msg: fmt.Sprintf("gamma and beta must be %v", ns)})
		}
	}
	D := 1
	for _, d := range ns {
		D *= d
	}
	rows := 0
	if D > 0 {
		rows = len(x.data) / D
	}
	xd := x.data
	var gd, bd []float32
	if gamma != nil {
		gd = gamma.data
	}
	if beta != nil {
		bd = beta.data
	}
	mean := make([]float32, rows)
	istd := make([]float32, rows)
	out := make([]float32, len(xd))
	par.For(rows, max(1, 8192/max(1, D)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := xd[r*D : (r+1)*D]
			var s float64
			for _, v := range row {
				s += float64(v)
			}
			mu := s / float64(D)
			var q float64
			for _, v := range row {
				d := float64(v) - mu
				q += d * d
			}
			is := float32(1 / math.Sqrt(q/float64(D)+float64(eps)))
			mf := float32(mu)
			mean[r], istd[r] = mf, is
			o := out[r*D : (r+1)*D]
			for i, v := range row {
				h := (v - mf) * is
				if gd != nil {
					h *= gd[i]
				}
				if bd != nil {
					h += bd[i]
				}
				o[i] = h
			}
		}
	})
	backward := func(o *Tensor) {
		dy := o.grad.data
		needX := x.requiresGrad
		needG, needB := gamma != nil && gamma.requiresGrad, beta != nil && beta.requiresGrad
		var dx []float32
		if needX {
			dx = x.gradData()
		}
		acc := newAccs(needG, D, needB, D)
		defer acc.release()
		par.ForWorkers(rows, max(1, 8192/max(1, D)), func(wk, lo, hi int) {
			var ag, ab []float32
			if needG {
				ag = acc.w[wk]
			}
			if needB {
				ab = acc.b[wk]
			}
			for r := lo; r < hi; r++ {
				row, d := xd[r*D:(r+1)*D], dy[r*D:(r+1)*D]
				mf, is := mean[r], istd[r]
				if ag != nil {
					for i, v := range row {
						ag[i] += d[i] * (v - mf) * is
					}
				}
				if ab != nil {
					addSlice(ab, d)
				}
				if !needX {
					continue
				}
				// dx̂ = γ·dy; a = mean(dx̂), b = mean(dx̂·x̂).
				var sa, sb float64
				for i, v := range row {
					g := d[i]
					if gd != nil {
						g *= gd[i]
					}
					sa += float64(g)
					sb += float64(g) * float64((v-mf)*is)
				}
				a, b := float32(sa/float64(D)), float32(sb/float64(D))
				gx := dx[r*D : (r+1)*D]
				for i, v := range row {
					g := d[i]
					if gd != nil {
						g *= gd[i]
					}
					gx[i] += is * (g - a - (v-mf)*is*b)
				}
			}
		})
		if needG {
			acc.reduceW(gamma.gradData())
		}
		if needB {
			acc.reduceB(beta.gradData())
		}
	}
	return newOp(op, out, slices.Clone(x.shape), backward, x, gamma, beta)
}
