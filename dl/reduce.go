package dl

import (
	"fmt"
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// reduceAxes normalises axes (negative ones count from the end) into a sorted set, all of t's
// axes when none are given, and returns it with the shape that keeps reduced axes as 1 and the
// shape that drops them.
func (t *Tensor) reduceAxes(op string, axes []int) (set, keep, drop []int) {
	if len(axes) == 0 {
		for i := range t.shape {
			set = append(set, i)
		}
	} else {
		for _, a := range axes {
			a = t.axis(op, a)
			if slices.Contains(set, a) {
				panic(&ShapeError{Op: op, A: t.shape, Msg: fmt.Sprintf("axis %d repeated", a)})
			}
			set = append(set, a)
		}
		slices.Sort(set)
	}
	keep = slices.Clone(t.shape)
	drop = []int{}
	for i, d := range t.shape {
		if slices.Contains(set, i) {
			keep[i] = 1
		} else {
			drop = append(drop, d)
		}
	}
	return set, keep, drop
}

// reduceSum sums (or, if mean, averages) t over axes, keeping the reduced axes as 1 if keepDims.
func (t *Tensor) reduceSum(op string, axes []int, keepDims, mean bool) *Tensor {
	set, keep, drop := t.reduceAxes(op, axes)
	count := 1
	for _, a := range set {
		count *= t.shape[a]
	}
	scale := float32(1)
	if mean {
		if count == 0 {
			panic(&ShapeError{Op: op, A: t.shape, Msg: "mean over no elements"})
		}
		scale = 1 / float32(count)
	}
	shape := drop
	if keepDims {
		shape = keep
	}
	out := make([]float32, checkShape(op, keep))
	sumTo(out, keep, t.data, t.shape, 1)
	if mean { // divide rather than multiply by 1/count: exact for exact averages
		for i := range out {
			out[i] /= float32(count)
		}
	}
	return newOp(op, out, shape, func(o *Tensor) {
		broadcastTo(t.gradData(), t.shape, o.grad.data, keep, scale)
	}, t)
}

// Sum returns the sum of t over the given axes, which are removed from the shape:
// for t of shape [2 3], Sum(1) has shape [2] with yᵢ = Σⱼ tᵢⱼ. With no axes it sums every
// element into a scalar. Negative axes count from the end. Sums accumulate in float64 where a
// row is reduced. Sum panics with a *ShapeError if an axis is out of range or repeated.
func (t *Tensor) Sum(axes ...int) *Tensor { return t.reduceSum("Sum", axes, false, false) }

// SumKeepDims is Sum keeping the reduced axes with size 1, so the result broadcasts against t:
// for t of shape [2 3], SumKeepDims(1) has shape [2 1].
func (t *Tensor) SumKeepDims(axes ...int) *Tensor { return t.reduceSum("Sum", axes, true, false) }

// Mean returns the mean of t over the given axes, which are removed from the shape:
// y = (1/N)·Σ t over the N elements of each reduced slice. With no axes it averages every
// element into a scalar. Mean panics with a *ShapeError if an axis is out of range or
// repeated, or if it would average over no elements.
func (t *Tensor) Mean(axes ...int) *Tensor { return t.reduceSum("Mean", axes, false, true) }

// MeanKeepDims is Mean keeping the reduced axes with size 1, so the result broadcasts against t.
func (t *Tensor) MeanKeepDims(axes ...int) *Tensor { return t.reduceSum("Mean", axes, true, true) }

// split3 views shape as [outer, n, inner] around axis a.
func split3(shape []int, a int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range shape[:a] {
		outer *= d
	}
	for _, d := range shape[a+1:] {
		inner *= d
	}
	return outer, shape[a], inner
}

// argMax returns, for each position of the axes other than a, the index along a of the largest
// element (the first one on ties; NaN is never picked unless all are NaN), and that element.
func (t *Tensor) argMax(op string, axis int) (arg []int, val []float32, shape []int) {
	a := t.axis(op, axis)
	outer, n, inner := split3(t.shape, a)
	if n == 0 {
		panic(&ShapeError{Op: op, A: t.shape, Msg: fmt.Sprintf("axis %d is empty", a)})
	}
	arg, val = make([]int, outer*inner), make([]float32, outer*inner)
	x := t.data
	par.For(outer, max(1, grainElem/(n*inner)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			v, ai := val[o*inner:(o+1)*inner], arg[o*inner:(o+1)*inner]
			copy(v, x[o*n*inner:])
			for k := 1; k < n; k++ {
				row := x[(o*n+k)*inner : (o*n+k+1)*inner]
				for i, e := range row {
					if e > v[i] || (v[i] != v[i] && e == e) {
						v[i], ai[i] = e, k
					}
				}
			}
		}
	})
	shape = slices.Delete(slices.Clone(t.shape), a, a+1)
	return arg, val, shape
}

// Max returns the largest element of t along axis, which is removed from the shape:
// yᵢ = maxⱼ tᵢⱼ. The gradient flows to the (first) largest element only.
// Max panics with a *ShapeError if the axis is out of range or empty.
func (t *Tensor) Max(axis int) *Tensor {
	arg, val, shape := t.argMax("Max", axis)
	a := t.axis("Max", axis)
	_, n, inner := split3(t.shape, a)
	return newOp("Max", val, shape, func(o *Tensor) {
		gx, g := t.gradData(), o.grad.data
		for j, k := range arg {
			oi, i := j/inner, j%inner
			gx[(oi*n+k)*inner+i] += g[j]
		}
	}, t)
}

// ArgMax returns, for each position of the other axes in row-major order, the index along axis
// of t's largest element (the first on ties): for logits of shape [batch, classes], ArgMax(1)
// is the predicted class of each example. It is not differentiable and records nothing.
// ArgMax panics with a *ShapeError if the axis is out of range or empty.
func (t *Tensor) ArgMax(axis int) []int {
	arg, _, _ := t.argMax("ArgMax", axis)
	return arg
}
