package dl

import (
	"fmt"
	"slices"
	"unsafe"

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
	mm, shape := planMatMul("MatMul", t, u)
	if len(t.shape) == 1 || len(u.shape) == 1 {
		a, b := t, u
		if len(t.shape) == 1 {
			a = t.Reshape(1, t.shape[0])
		}
		if len(u.shape) == 1 {
			b = u.Reshape(u.shape[0], 1)
		}
		return a.MatMul(b).Reshape(shape...)
	}
	m, n, k, ba, bb, batch := mm.m, mm.n, mm.k, mm.ba, mm.bb, mm.batch
	out := make([]float32, checkShape("MatMul", shape))
	a, b := t.data, u.data
	mm.forward(a, b, out)
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

// MatMulInto writes the product t·u into dst and returns dst: MatMul's result, for the same
// shapes, without allocating it and without recording a graph. It is for loops that multiply
// again and again outside training (inference, timing a product), where a fresh result each
// time keeps the garbage collector busy: as torch.mm(a, b, out=c) and NumPy's
// matmul(a, b, out=c). For anything that needs a gradient, use MatMul.
//
// MatMulInto panics with a *ShapeError as MatMul does, or if dst does not have the product's
// shape; and with an *ArgError if t or u needs a gradient (RecordsGraph), if dst is the result
// of an op or requires a gradient itself (a recorded graph may still read its values), or if
// dst shares storage with t or u.
func MatMulInto(dst, t, u *Tensor) *Tensor {
	mm, shape := planMatMul("MatMulInto", t, u)
	switch {
	case !slices.Equal(dst.shape, shape):
		panic(&ShapeError{Op: "MatMulInto", A: dst.shape, Msg: fmt.Sprintf("dst must have the product's shape %v, not", shape)})
	case RecordsGraph(t, u):
		panic(&ArgError{Op: "MatMulInto", Arg: "operands", Value: [][]int{t.shape, u.shape}, Msg: "need a gradient: MatMulInto records no graph, use MatMul"})
	case dst.op != "" || dst.requiresGrad:
		panic(&ArgError{Op: "MatMulInto", Arg: "dst", Value: dst.shape, Msg: "is the result of an op or requires a gradient: write into a leaf that does not (dl.Zeros)"})
	case overlaps(dst.data, t.data) || overlaps(dst.data, u.data):
		panic(&ArgError{Op: "MatMulInto", Arg: "dst", Value: dst.shape, Msg: "shares storage with an operand"})
	}
	mm.forward(t.data, u.data, dst.data)
	return dst
}

// planMatMul checks the shapes of t·u for op (MatMul or MatMulInto) and returns the product
// — a 1-D t taken as [1 k], a 1-D u as [k 1] — and the result's shape, those dimensions dropped.
func planMatMul(op string, t, u *Tensor) (*matmul, []int) {
	ts, us := t.shape, u.shape
	if len(ts) == 0 || len(us) == 0 || ts[len(ts)-1] != us[max(len(us)-2, 0)] {
		panic(&ShapeError{Op: op, A: ts, B: us})
	}
	if len(ts) == 1 {
		ts = []int{1, ts[0]}
	}
	if len(us) == 1 {
		us = []int{us[0], 1}
	}
	m, k, n := ts[len(ts)-2], ts[len(ts)-1], us[len(us)-1]
	ba, bb := ts[:len(ts)-2], us[:len(us)-2]
	var batch []int
	func() {
		defer func() {
			if r := recover(); r != nil {
				panic(&ShapeError{Op: op, A: t.shape, B: u.shape, Msg: "batch dimensions do not broadcast"})
			}
		}()
		batch = broadcastShape(op, ba, bb)
	}()
	shape := slices.Clone(batch)
	if len(t.shape) > 1 {
		shape = append(shape, m)
	}
	if len(u.shape) > 1 {
		shape = append(shape, n)
	}
	return &matmul{m: m, n: n, k: k, batch: batch, ba: ba, bb: bb}, shape
}

// forward sets out = a·b.
func (mm *matmul) forward(a, b, out []float32) {
	m, n, k := mm.m, mm.n, mm.k
	if mm.flat() { // [… m k] × [k n]: one GEMM of (batch·m) rows
		rows := len(a) / max(k, 1)
		if k == 0 {
			rows = len(out) / max(n, 1)
		}
		gemm.Sgemm(false, false, rows, n, k, 1, a, max(k, 1), b, max(n, 1), 0, out, max(n, 1))
		return
	}
	mm.each(false, func(i, ia, ib int) {
		gemm.Sgemm(false, false, m, n, k, 1, a[ia*m*k:], max(k, 1), b[ib*k*n:], max(n, 1), 0, out[i*m*n:], max(n, 1))
	})
}

// overlaps reports whether x and y share any element.
func overlaps(x, y []float32) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return x0 < y0+uintptr(len(y))*4 && y0 < x0+uintptr(len(x))*4
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
