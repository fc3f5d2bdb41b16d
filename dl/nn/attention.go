package nn

import (
	"github.com/deepnb/deepnb/dl/internal/vec"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
)

// AdditiveAttention is Bahdanau et al.'s (2015) additive attention, as used by the
// show-attend-and-tell captioning decoder (Xu et al. 2015). For a query q [B, Dq] (the decoder
// state) and keys k [B, L, Dk] (the encoder's L feature vectors):
//
//	eⱼ = vᵀ·tanh(W_q·q + b_q + W_k·kⱼ + b_k)       score of key j    (v: Score.Weight [1, A])
//	α = softmax(e)                                 attention weights [B, L]
//	context = Σⱼ αⱼ·kⱼ                             [B, Dk]
//
// Query (Dq → A), Key (Dk → A) and Score (A → 1, no bias) are Linear layers, named "query",
// "key" and "score". When the same keys are attended to at every decoder step, project them once
// with ProjectKeys and call Attend at each step.
type AdditiveAttention struct {
	Query *Linear // W_q, b_q: [A, Dq], [A]
	Key   *Linear // W_k, b_k: [A, Dk], [A]
	Score *Linear // v: [1, A], no bias
}

// NewAdditiveAttention returns additive attention from queries of queryDim and keys of keyDim
// through hidden attention units, initialized from rng as Linear layers are.
func NewAdditiveAttention(rng *rand.Rand, queryDim, keyDim, hidden int) *AdditiveAttention {
	score := NewLinear(rng, hidden, 1)
	score.Bias = nil
	return &AdditiveAttention{Query: NewLinear(rng, queryDim, hidden), Key: NewLinear(rng, keyDim, hidden), Score: score}
}

// Parameters returns the parameters of Query, Key and Score.
func (a *AdditiveAttention) Parameters() []*dl.Tensor {
	return append(append(a.Query.Parameters(), a.Key.Parameters()...), a.Score.Parameters()...)
}

// NamedParameters names them query.weight, query.bias, key.weight, key.bias, score.weight.
func (a *AdditiveAttention) NamedParameters() []Named {
	return Group{{"query", a.Query}, {"key", a.Key}, {"score", a.Score}}.NamedParameters()
}

// Forward returns the context [B, Dk] and the attention weights [B, L] of query [B, Dq] over
// keys [B, L, Dk]. It panics with a *dl.ShapeError if the shapes do not fit.
func (a *AdditiveAttention) Forward(query, keys *dl.Tensor) (context, weights *dl.Tensor) {
	return a.Attend(query, keys, a.ProjectKeys(keys))
}

// ProjectKeys returns W_k·kⱼ + b_k for keys [B, L, Dk], as [B, L, A], for Attend.
func (a *AdditiveAttention) ProjectKeys(keys *dl.Tensor) *dl.Tensor { return a.Key.Forward(keys) }

// Attend is Forward with the keys already projected by ProjectKeys.
func (a *AdditiveAttention) Attend(query, keys, projKeys *dl.Tensor) (context, weights *dl.Tensor) {
	if query.Dims() != 2 || keys.Dims() != 3 || projKeys.Dims() != 3 || keys.Dim(0) != query.Dim(0) ||
		projKeys.Dim(0) != keys.Dim(0) || projKeys.Dim(1) != keys.Dim(1) {
		panic(&dl.ShapeError{Op: "AdditiveAttention", A: query.Shape(), B: keys.Shape(), Msg: "want query [B Dq], keys [B L Dk]"})
	}
	e := additiveScores(projKeys, a.Query.Forward(query), a.Score.Weight)
	if a.Score.Bias != nil {
		e = e.Add(a.Score.Bias)
	}
	weights = e.Softmax(1)
	return weightedSum(weights, keys), weights
}

// weightedSum returns context[b,:] = Σₗ α[b,l]·k[b,l,:] for α [B, L] and k [B, L, D], the batched
// product α[b]·k[b] of a row by a matrix, as one op with plain loops: each item is a
// vector–matrix product, too small for GEMM's packing to pay. Backward: dα[b,l] = g[b,:]·k[b,l,:]
// and dk[b,l,:] += α[b,l]·g[b,:].
func weightedSum(alpha, k *dl.Tensor) *dl.Tensor {
	B, L, D := k.Dim(0), k.Dim(1), k.Dim(2)
	ad, kd := alpha.Data(), k.Data()
	out := make([]float32, B*D)
	parFor(B, max(1, 16384/max(L*D, 1)), func(lo, hi int) {
		for b := lo; b < hi; b++ {
			o := out[b*D : (b+1)*D]
			for l := 0; l < L; l++ {
				a := ad[b*L+l]
				vec.Axpy(o, kd[(b*L+l)*D:(b*L+l+1)*D], a)
			}
		}
	})
	return dl.Custom("AdditiveAttention", out, []int{B, D}, func(g []float32, gs [][]float32) {
		parFor(B, max(1, 16384/max(L*D, 1)), func(lo, hi int) {
			for b := lo; b < hi; b++ {
				gb := g[b*D : (b+1)*D]
				for l := 0; l < L; l++ {
					r := b*L + l
					if gs[0] != nil {
						gs[0][r] += vec.Dot(gb, kd[r*D:(r+1)*D])
					}
					if gs[1] != nil {
						vec.Axpy(gs[1][r*D:(r+1)*D], gb, ad[r])
					}
				}
			}
		})
	}, alpha, k)
}

// ScaledDotProductAttention returns softmax(q·kᵀ/√D + mask)·v and the attention weights, as in
// Vaswani et al. (2017):
//
//	q [..., Lq, D], k [..., Lk, D], v [..., Lk, Dv]  →  out [..., Lq, Dv], weights [..., Lq, Lk]
//
// mask, if not nil, is added to the scores before the softmax and must broadcast to
// [..., Lq, Lk]: 0 where attending is allowed and a large negative number (see CausalMask) where
// it is not. It panics with a *dl.ShapeError if the shapes do not fit.
func ScaledDotProductAttention(q, k, v, mask *dl.Tensor) (out, weights *dl.Tensor) {
	if q.Dims() < 2 || k.Dims() != q.Dims() || v.Dims() != q.Dims() || q.Dim(-1) != k.Dim(-1) || k.Dim(-2) != v.Dim(-2) {
		panic(&dl.ShapeError{Op: "ScaledDotProductAttention", A: q.Shape(), B: k.Shape(), Msg: "want q [... Lq D], k [... Lk D], v [... Lk Dv]"})
	}
	s := q.MatMul(k.Transpose(-2, -1)).MulScalar(float32(1 / math.Sqrt(float64(q.Dim(-1)))))
	if mask != nil {
		s = s.Add(mask)
	}
	weights = s.Softmax(-1)
	return weights.MatMul(v), weights
}

// CausalMask returns the [n, n] additive mask that lets position i attend only to positions
// j ≤ i: 0 on and below the diagonal, −1e9 above it.
func CausalMask(n int) *dl.Tensor {
	m := dl.Zeros(n, n)
	d := m.Data()
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d[i*n+j] = -1e9
		}
	}
	return m
}

// additiveScores returns e[b,l] = Σₐ v[a]·tanh(pk[b,l,a] + q[b,a]) for pk [B, L, A], q [B, A]
// and v [1, A], fused (one vectorized tanh pass, no [B, L, A] intermediate tensors) with its own
// backward.
func additiveScores(pk, q, v *dl.Tensor) *dl.Tensor {
	const op = "AdditiveAttention"
	B, L, A := pk.Dim(0), pk.Dim(1), pk.Dim(2)
	if q.Dims() != 2 || q.Dim(0) != B || q.Dim(1) != A || v.Len() != A {
		panic(&dl.ShapeError{Op: op, A: pk.Shape(), B: q.Shape(), Msg: "query and key projections differ"})
	}
	pkd, qd, vd := pk.Data(), q.Data(), v.Data()
	th := make([]float32, B*L*A) // tanh(pk + q)
	e := make([]float32, B*L)
	parFor(B*L, max(1, 4096/max(A, 1)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			b := r / L
			t := th[r*A : (r+1)*A]
			vec.Add(t, pkd[r*A:(r+1)*A], qd[b*A:(b+1)*A])
			logistic(t, t, 2, 2, -1)
			e[r] = vec.Dot(t, vd)
		}
	})
	return dl.Custom(op, e, []int{B, L}, func(g []float32, gs [][]float32) {
		// Per image b: d = g·v⊙(1 − t²) is the gradient of pk[b,l,:] and, summed over l, of q[b,:].
		parFor(B, 1, func(lo, hi int) {
			d := make([]float32, A)
			for b := lo; b < hi; b++ {
				var dq []float32
				if gs[1] != nil {
					dq = gs[1][b*A : (b+1)*A]
				}
				for l := 0; l < L; l++ {
					r := b*L + l
					t := th[r*A : (r+1)*A]
					gr := g[r]
					if gs[0] != nil {
						vec.TanhBack(gs[0][r*A:(r+1)*A], dq, t, vd, gr)
					} else if dq != nil {
						vec.TanhBack(d, nil, t, vd, gr)
					}
				}
				if dq != nil && gs[0] == nil {
					for i, x := range d {
						dq[i] += x
						d[i] = 0
					}
				}
			}
		})
		if gs[2] != nil {
			// dv += gᵀ·tanh(pk + q): a [1, B·L] × [B·L, A] product, a sum of scaled rows.
			for r := range B * L {
				vec.Axpy(gs[2], th[r*A:(r+1)*A], g[r])
			}
		}
	}, pk, q, v)
}
