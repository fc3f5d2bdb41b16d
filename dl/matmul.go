package dl

import (
	"slices"

	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
)

// MatMul returns the matrix product of t and u: y = t·u with yᵢⱼ = Σₖ tᵢₖ·uₖⱼ.
//
// For matrices t is [m k] and u is [k n], and the result is [m n]. Higher-rank tensors are
// stacks of matrices, [… m k] × [… k n] → [… m n], whose leading (batch) dimensions broadcast
// as elementwise ops do: a [b m k] batch times a [k n] matrix multiplies every matrix of the
// batch by it. The gradients are ∂L/∂t = g·uᵀ and ∂L/∂u = tᵀ·g (summed over broadcast batches);
// they are computed by the same GEMM with transposed operands, not by copying transposes.
//
// As in NumPy, a 1-D t is a row vector [k] → [1 k] and a 1-D u a column vector [k] → [k 1],
// and that dimension is dropped from the result: [k]×[k n] → [n], [m k]×[k] → [m], and
// [k]×[k] → [] (the dot product, a scalar).
//
// MatMul panics with a *ShapeError if a tensor is a scalar, the inner dimensions differ, or the
// batch dimensions do not broadcast.
func (t *Tensor) MatMul(u *Tensor) *Tensor {
	if len(t.shape) == 0 || len(u.shape) == 0 || t.shape[len(t.shape)-1] != u.shape[max(len(u.shape)-2, 0)] {
		panic(&ShapeError{Op: "MatMul", A: t.shape, B: u.shape})
	}
	if len(t.shape) == 1 || len(u.shape) == 1 {
		a, b := t, u
		if len(t.shape) == 1 {
			a = t.Reshape(1, t.shape[0])
		}
		if len(u.shape) == 1 {
			b = u.Reshape(u.shape[0], 1)
		}
		y := a.MatMul(b)
		shape := slices.Clone(y.shape[:len(y.shape)-2])
		if len(t.shape) > 1 {
			shape = append(shape, y.shape[len(y.shape)-2])
		}
		if len(u.shape) > 1 {
			shape = append(shape, y.shape[len(y.shape)-1])
		}
		return y.Reshape(shape...)
	}
	m, k := t.shape[len(t.shape)-2], t.shape[len(t.shape)-1]
	n := u.shape[len(u.shape)-1]
	ba, bb := t.shape[:len(t.shape)-2], u.shape[:len(u.shape)-2]
	var batch []int
	func() {
		defer func() {
			if r := recover(); r != nil {
				panic(&ShapeError{Op: "MatMul", A: t.shape, B: u.shape, Msg: "batch dimensions do not broadcast"})
			}
		}()
		batch = broadcastShape("MatMul", ba, bb)
	}()
	shape := append(slices.Clone(batch), m, n)
	out := make([]float32, checkShape("MatMul", shape))
	mm := &matmul{m: m, n: n, k: k, batch: batch, ba: ba, bb: bb}

	a, b := t.data, u.data
	if mm.flat() { // [… m k] × [k n]: one GEMM of (batch·m) rows
		rows := len(a) / max(k, 1)
		if k == 0 {
			rows = len(out) / max(n, 1)
		}
		gemm.Sgemm(false, false, rows, n, k, 1, a, max(k, 1), b, max(n, 1), 0, out, max(n, 1))
	} else {
		mm.each(false, func(i, ia, ib int) {
			gemm.Sgemm(false, false, m, n, k, 1, a[ia*m*k:], max(k, 1), b[ib*k*n:], max(n, 1), 0, out[i*m*n:], max(n, 1))
		})
	}

	return newOp("MatMul", out, shape, func(o *Tensor) {
		g := o.grad.data
		if mm.flat() {
			rows := len(g) / max(n, 1)
			if t.requiresGrad { // dA = G·Bᵀ
				gemm.Sgemm(false, true, rows, k, n, 1, g, max(n, 1), b, max(n, 1), 1, t.gradData(), max(k, 1))
			}
			if u.requiresGrad { // dB = Aᵀ·G, summed over the batch by the long inner dimension
				gemm.Sgemm(true, false, k, n, rows, 1, a, max(k, 1), g, max(n, 1), 1, u.gradData(), max(n, 1))
			}
			return
		}
		if t.requiresGrad {
			ga := t.gradData()
			mm.each(!slices.Equal(ba, batch), func(i, ia, ib int) {
				gemm.Sgemm(false, true, m, k, n, 1, g[i*m*n:], max(n, 1), b[ib*k*n:], max(n, 1), 1, ga[ia*m*k:], max(k, 1))
			})
		}
		if u.requiresGrad {
			gb := u.gradData()
			mm.each(!slices.Equal(bb, batch), func(i, ia, ib int) {
				gemm.Sgemm(true, false, k, n, m, 1, a[ia*m*k:], max(k, 1), g[i*m*n:], max(n, 1), 1, gb[ib*k*n:], max(n, 1))
			})
		}
	}, t, u)
}

// matmul describes a batched product [batch… m k] × [batch… k n].
type matmul struct {
	m, n, k       int
	batch, ba, bb []int
}

// flat reports whether the product is one GEMM: u is a single matrix and t's batch (if any)
// stacks its matrices row after row.
func (mm *matmul) flat() bool { return prod(mm.bb) == 1 }

// each calls f(i, ia, ib) for every matrix i of the batch with the indices of the matrices of t
// and u it multiplies, in parallel unless serial (when results add into shared gradients).
func (mm *matmul) each(serial bool, f func(i, ia, ib int)) {
	bc := newBcast(mm.batch, mm.ba, mm.bb)
	nb := bc.n
	run := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r, c := i/max(bc.inner, 1), i%max(bc.inner, 1)
			ao, bo := bc.offsets(r)
			f(i, ao+c*bc.ia, bo+c*bc.ib)
		}
	}
	if serial {
		run(0, nb)
		return
	}
	par.For(nb, max(1, (1<<16)/max(mm.m*mm.n*mm.k, 1)), run)
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}
