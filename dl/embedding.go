package dl

import (
	"fmt"
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// Embedding looks up rows of the table w [V, D]:
//
//	y[i, :] = w[idx[i], :]   →  y [len(idx), D], or [shape…, D] when shape is given
//
// shape, when given, arranges the indices (e.g. [batch, seq] for token ids) and must have
// len(idx) elements. The gradient is a scatter-add: dw[idx[i], :] += dy[i, :], so a row looked up
// several times collects the sum of its gradients. The result owns new memory; idx is not kept
// beyond the backward pass and must not be changed before it.
//
// Embedding panics with a *ShapeError if w is not 2-D, an index is outside [0, V), or shape does
// not hold len(idx) elements.
func Embedding(w *Tensor, idx []int, shape ...int) *Tensor {
	const op = "Embedding"
	if w.Dims() != 2 {
		panic(&ShapeError{Op: op, A: w.shape, Msg: "want w [V D]"})
	}
	V, D := w.shape[0], w.shape[1]
	outShape := []int{len(idx), D}
	if shape != nil {
		if checkShape(op, shape) != len(idx) {
			panic(&ShapeError{Op: op, A: []int{len(idx)}, B: slices.Clone(shape), Msg: "index count does not match shape"})
		}
		outShape = append(slices.Clone(shape), D)
	}
	for i, k := range idx {
		if k < 0 || k >= V {
			panic(&ShapeError{Op: op, A: w.shape, B: []int{k}, Msg: fmt.Sprintf("index %d (position %d) out of range", k, i)})
		}
	}
	out := make([]float32, len(idx)*D)
	wd := w.data
	par.For(len(idx), max(1, 16384/max(1, D)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			copy(out[i*D:(i+1)*D], wd[idx[i]*D:(idx[i]+1)*D])
		}
	})
	backward := func(o *Tensor) {
		dw, dy := w.gradData(), o.grad.data
		for i, k := range idx {
			addSlice(dw[k*D:(k+1)*D], dy[i*D:(i+1)*D])
		}
	}
	return newOp(op, out, outShape, backward, w)
}
