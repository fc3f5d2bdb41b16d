package vec

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSplitInvariant: every elementwise kernel gives each element the same bits whether it is
// called on the whole slice or on pieces of it, one element at a time. dl splits its loops into
// chunks whose ends depend on the number of cores (par.For), so an element that fell in a
// kernel's scalar tail on one machine and in its SIMD body on another would train a different
// model from the same seed.
func TestSplitInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 203
	r := func(lo, hi float32) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = lo + (hi-lo)*rng.Float32()
		}
		return s
	}
	x, y, g, m, v := r(-4, 4), r(-4, 4), r(-1, 1), r(-1, 1), r(0, 2)
	for _, tc := range []struct {
		name string
		f    func(o []float32, lo, hi int) // computes elements [lo, hi) of o
	}{
		{"Logistic", func(o []float32, lo, hi int) { Logistic(o[lo:hi], x[lo:hi], 1, 1, 0) }},
		{"Logistic tanh", func(o []float32, lo, hi int) { Logistic(o[lo:hi], x[lo:hi], 2, 2, -1) }},
		{"ExpShift", func(o []float32, lo, hi int) { ExpShift(o[lo:hi], x[lo:hi], 0.5) }},
		{"Add", func(o []float32, lo, hi int) { Add(o[lo:hi], x[lo:hi], y[lo:hi]) }},
		{"Axpy", func(o []float32, lo, hi int) { copy(o[lo:hi], y[lo:hi]); Axpy(o[lo:hi], x[lo:hi], 0.3) }},
		{"BiasLeaky", func(o []float32, lo, hi int) { copy(o[lo:hi], x[lo:hi]); BiasLeaky(o[lo:hi], 0.1, 0.1) }},
		{"AdamUpdate", func(o []float32, lo, hi int) {
			mm, vv := slices.Clone(m), slices.Clone(v)
			copy(o[lo:hi], y[lo:hi])
			AdamUpdate(o[lo:hi], g[lo:hi], mm[lo:hi], vv[lo:hi], 0.9, 0.999, 0.001, 1e-8)
		}},
		{"MomentumUpdate", func(o []float32, lo, hi int) {
			vv := slices.Clone(v)
			copy(o[lo:hi], y[lo:hi])
			MomentumUpdate(o[lo:hi], g[lo:hi], vv[lo:hi], 0.9, 0.01)
		}},
		{"TanhBack", func(o []float32, lo, hi int) {
			copy(o[lo:hi], m[lo:hi])
			TanhBack(o[lo:hi], nil, x[lo:hi], v[lo:hi], 0.7)
		}},
		{"TanhBack dq", func(o []float32, lo, hi int) {
			dq := slices.Clone(m)
			TanhBack(dq[lo:hi], o[lo:hi], x[lo:hi], v[lo:hi], 0.7)
		}},
	} {
		whole, pieces := make([]float32, n), make([]float32, n)
		tc.f(whole, 0, n)
		for i := range n {
			tc.f(pieces, i, i+1)
		}
		for i := range n {
			if whole[i] != pieces[i] {
				t.Errorf("%s: element %d is %v on the whole slice, %v on its own", tc.name, i, whole[i], pieces[i])
				break
			}
		}
	}
}
