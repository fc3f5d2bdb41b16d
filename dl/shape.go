package dl

import (
	"fmt"
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// Shape ops rearrange elements without arithmetic. Their gradients route each output
// element's gradient back to the input element it came from (adding where one input element
// feeds several outputs).

// addInto adds src into dst elementwise.
func addInto(dst, src []float32) {
	par.For(len(dst), grainElem, func(lo, hi int) {
		d, s := dst[lo:hi], src[lo:hi]
		for i := range d {
			d[i] += s[i]
		}
	})
}

// Reshape returns a tensor with t's elements in the same row-major order and the given shape.
// It is a view: the result shares t's data, so writing to one changes the other. One
// dimension may be −1, inferred from the others: Reshape(-1) flattens t to one dimension.
// Reshape panics with a *ShapeError if the number of elements would change, more than one
// dimension is −1 or one is below −1.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	infer := -1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(&ShapeError{Op: "Reshape", A: t.shape, B: shape, Msg: "bad new shape"})
		}
	}
	known := slices.Clone(shape)
	if infer >= 0 {
		known[infer] = 1
	}
	n, ok := shapeLen(known)
	if !ok {
		panic(&ShapeError{Op: "Reshape", A: t.shape, B: shape, Msg: fmt.Sprintf("too many elements (more than dl.MaxLen = %d)", MaxLen)})
	}
	if infer >= 0 && n > 0 && len(t.data)%n == 0 {
		shape[infer] = len(t.data) / n
		n = len(t.data)
	}
	if n != len(t.data) || infer >= 0 && shape[infer] < 0 {
		panic(&ShapeError{Op: "Reshape", A: t.shape, B: shape})
	}
	return newOp("Reshape", t.data, shape, func(o *Tensor) { addInto(t.gradData(), o.grad.data) }, t)
}

// Flatten returns t with the axes from `from` to the last merged into one, as a view (see
// Reshape): for images of shape [n c h w], Flatten(1) has shape [n c·h·w]. A negative from
// counts from the end. Flatten panics with a *ShapeError if from is out of range.
func (t *Tensor) Flatten(from int) *Tensor {
	a := t.axis("Flatten", from)
	return t.Reshape(append(slices.Clone(t.shape[:a]), -1)...)
}

// strides returns the row-major strides of shape.
func strides(shape []int) []int {
	st := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return st
}

// permuteInto sets (or, if add, adds) dst, of shape out[i] = shape[axes[i]], to src, of shape
// shape, with its axes reordered: dst[i₀ … iₙ₋₁] = src[j] where j[axes[d]] = i_d.
func permuteInto(dst, src []float32, shape, axes []int, add bool) {
	n := len(axes)
	if n == 0 || len(src) == 0 {
		if add && len(src) > 0 {
			dst[0] += src[0]
		} else if len(src) > 0 {
			dst[0] = src[0]
		}
		return
	}
	st := strides(shape)
	out := make([]int, n)
	ist := make([]int, n) // stride in src of each out axis
	for i, a := range axes {
		out[i], ist[i] = shape[a], st[a]
	}
	inner, is := out[n-1], ist[n-1]
	if inner == 0 {
		return
	}
	rows := len(src) / inner
	par.For(rows, max(1, grainElem/inner), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			off, q := 0, r
			for d := n - 2; d >= 0; d-- {
				off += (q % out[d]) * ist[d]
				q /= out[d]
			}
			row := dst[r*inner : (r+1)*inner]
			if add {
				for i := range row {
					row[i] += src[off+i*is]
				}
			} else {
				for i := range row {
					row[i] = src[off+i*is]
				}
			}
		}
	})
}

// Permute returns a copy of t with its axes reordered: result axis i is t's axis axes[i], so
// for t of shape [n h w c], Permute(0, 3, 1, 2) has shape [n c h w]. Negative axes count from
// the end. Permute panics with a *ShapeError unless axes is a permutation of t's axes.
func (t *Tensor) Permute(axes ...int) *Tensor {
	ax := make([]int, len(axes))
	seen := make([]bool, len(t.shape))
	if len(axes) != len(t.shape) {
		panic(&ShapeError{Op: "Permute", A: t.shape, B: slices.Clone(axes), Msg: "not a permutation of the axes"})
	}
	for i, a := range axes {
		a = t.axis("Permute", a)
		if seen[a] {
			panic(&ShapeError{Op: "Permute", A: t.shape, B: slices.Clone(axes), Msg: "not a permutation of the axes"})
		}
		seen[a], ax[i] = true, a
	}
	shape := make([]int, len(ax))
	inv := make([]int, len(ax))
	for i, a := range ax {
		shape[i], inv[a] = t.shape[a], i
	}
	out := make([]float32, len(t.data))
	permuteInto(out, t.data, t.shape, ax, false)
	return newOp("Permute", out, shape, func(o *Tensor) {
		permuteInto(t.gradData(), o.grad.data, o.shape, inv, true)
	}, t)
}

// Transpose returns a copy of t with axes a and b swapped: for a matrix, Transpose(0, 1) is
// its transpose tᵀ. Negative axes count from the end, so Transpose(-2, -1) transposes every
// matrix of a batch. Transpose panics with a *ShapeError if an axis is out of range.
func (t *Tensor) Transpose(a, b int) *Tensor {
	a, b = t.axis("Transpose", a), t.axis("Transpose", b)
	axes := make([]int, len(t.shape))
	for i := range axes {
		axes[i] = i
	}
	axes[a], axes[b] = b, a
	return t.Permute(axes...)
}

// Concat joins tensors along axis: the results have the same shape except along axis, where
// the sizes add up, e.g. [2 3] and [2 5] along axis 1 give [2 8]. A negative axis counts from
// the end. Concat panics with a *ShapeError if ts is empty, or the tensors differ in rank or in
// a dimension other than axis.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic(&ShapeError{Op: "Concat", Msg: "no tensors"})
	}
	a := ts[0].axis("Concat", axis)
	shape := slices.Clone(ts[0].shape)
	shape[a] = 0
	for _, t := range ts {
		if len(t.shape) != len(shape) {
			panic(&ShapeError{Op: "Concat", A: ts[0].shape, B: t.shape})
		}
		for i, d := range t.shape {
			if i != a && d != shape[i] {
				panic(&ShapeError{Op: "Concat", A: ts[0].shape, B: t.shape})
			}
		}
		shape[a] += t.shape[a]
	}
	outer, n, inner := split3(shape, a)
	out := make([]float32, outer*n*inner)
	off := 0
	for _, t := range ts {
		w := t.shape[a] * inner
		for o := range outer {
			copy(out[o*n*inner+off:], t.data[o*w:(o+1)*w])
		}
		off += w
	}
	return newOp("Concat", out, shape, func(o *Tensor) {
		g := o.grad.data
		off := 0
		for _, t := range ts {
			w := t.shape[a] * inner
			if t.requiresGrad {
				gx := t.gradData()
				for oi := range outer {
					addRow(gx[oi*w:(oi+1)*w], g[oi*n*inner+off:])
				}
			}
			off += w
		}
	}, ts...)
}

// addRow adds src[:len(dst)] into dst.
func addRow(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// Slice returns a copy of the elements of t with index lo ≤ i < hi along axis: for t of shape
// [4 6], Slice(1, 2, 5) has shape [4 3] and holds columns 2, 3 and 4. A negative axis counts
// from the end. Slice panics with a *ShapeError unless 0 ≤ lo ≤ hi ≤ t.Dim(axis).
func (t *Tensor) Slice(axis, lo, hi int) *Tensor {
	a := t.axis("Slice", axis)
	if lo < 0 || lo > hi || hi > t.shape[a] {
		panic(&ShapeError{Op: "Slice", A: t.shape, Msg: fmt.Sprintf("range [%d, %d) out of bounds on axis %d", lo, hi, a)})
	}
	outer, n, inner := split3(t.shape, a)
	shape := slices.Clone(t.shape)
	shape[a] = hi - lo
	w := (hi - lo) * inner
	out := make([]float32, outer*w)
	for o := range outer {
		copy(out[o*w:(o+1)*w], t.data[(o*n+lo)*inner:])
	}
	return newOp("Slice", out, shape, func(ot *Tensor) {
		gx, g := t.gradData(), ot.grad.data
		for o := range outer {
			addRow(gx[(o*n+lo)*inner:(o*n+lo)*inner+w], g[o*w:])
		}
	}, t)
}

// Split cuts t along axis into consecutive pieces of the given sizes, which must add up to
// t.Dim(axis): for t of shape [2 5], Split(1, 2, 3) gives tensors of shape [2 2] and [2 3].
// Each piece is a copy made by Slice. Split panics with a *ShapeError if the sizes do not add
// up or one is negative.
func (t *Tensor) Split(axis int, sizes ...int) []*Tensor {
	a := t.axis("Split", axis)
	sum := 0
	for _, s := range sizes {
		if s < 0 {
			sum = -1
			break
		}
		sum += s
	}
	if sum != t.shape[a] {
		panic(&ShapeError{Op: "Split", A: t.shape, B: slices.Clone(sizes), Msg: fmt.Sprintf("sizes do not add up to axis %d", a)})
	}
	parts := make([]*Tensor, len(sizes))
	lo := 0
	for i, s := range sizes {
		parts[i] = t.Slice(a, lo, lo+s)
		lo += s
	}
	return parts
}

// IndexSelect returns the slices of t at the given indices along axis, in that order:
// y[…, j, …] = t[…, idx[j], …]. For t of shape [5 3], IndexSelect(0, []int{4, 0, 4}) has shape
// [3 3] (rows 4, 0 and 4). Indices may repeat; their gradients add. A negative axis counts from
// the end. IndexSelect panics with a *ShapeError if an index is out of range.
func (t *Tensor) IndexSelect(axis int, idx []int) *Tensor {
	a := t.axis("IndexSelect", axis)
	outer, n, inner := split3(t.shape, a)
	for _, i := range idx {
		if i < 0 || i >= n {
			panic(&ShapeError{Op: "IndexSelect", A: t.shape, Msg: fmt.Sprintf("index %d out of range on axis %d", i, a)})
		}
	}
	idx = slices.Clone(idx)
	shape := slices.Clone(t.shape)
	shape[a] = len(idx)
	m := len(idx)
	out := make([]float32, outer*m*inner)
	par.For(outer, max(1, grainElem/max(m*inner, 1)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			for j, i := range idx {
				copy(out[(o*m+j)*inner:(o*m+j+1)*inner], t.data[(o*n+i)*inner:])
			}
		}
	})
	return newOp("IndexSelect", out, shape, func(ot *Tensor) {
		gx, g := t.gradData(), ot.grad.data
		par.For(outer, max(1, grainElem/max(m*inner, 1)), func(lo, hi int) {
			for o := lo; o < hi; o++ {
				for j, i := range idx {
					addRow(gx[(o*n+i)*inner:(o*n+i+1)*inner], g[(o*m+j)*inner:])
				}
			}
		})
	}, t)
}

// Gather picks one element of t along axis for every position of the other axes; the axis is
// removed from the shape. idx holds the picks in row-major order of the result:
// for t of shape [b c], Gather(1, labels) has shape [b] with yᵢ = t[i, labels[i]] — the score
// of each example's label. A negative axis counts from the end. Gather panics with a
// *ShapeError if len(idx) differs from the size of the result or an index is out of range.
func (t *Tensor) Gather(axis int, idx []int) *Tensor {
	a := t.axis("Gather", axis)
	outer, n, inner := split3(t.shape, a)
	shape := slices.Delete(slices.Clone(t.shape), a, a+1)
	if len(idx) != outer*inner {
		panic(&ShapeError{Op: "Gather", A: t.shape, B: []int{len(idx)}, Msg: fmt.Sprintf("need %d indices along axis %d", outer*inner, a)})
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			panic(&ShapeError{Op: "Gather", A: t.shape, Msg: fmt.Sprintf("index %d out of range on axis %d", i, a)})
		}
	}
	idx = slices.Clone(idx)
	out := make([]float32, len(idx))
	for j, i := range idx {
		o, in := j/max(inner, 1), j%max(inner, 1)
		out[j] = t.data[(o*n+i)*inner+in]
	}
	return newOp("Gather", out, shape, func(ot *Tensor) {
		gx, g := t.gradData(), ot.grad.data
		for j, i := range idx {
			o, in := j/inner, j%inner
			gx[(o*n+i)*inner+in] += g[j]
		}
	}, t)
}

// Pad returns t surrounded by value: widths[i] = {before, after} adds that many elements at
// the start and end of axis i, so y has shape tᵢ + before + after. For images of shape
// [n c h w], Pad([][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 1}}, 0) adds a border of zeros one pixel
// wide. Pad panics with a *ShapeError unless there is one pair per axis, none negative.
func (t *Tensor) Pad(widths [][2]int, value float32) *Tensor {
	if len(widths) != len(t.shape) {
		panic(&ShapeError{Op: "Pad", A: t.shape, B: []int{len(widths)}, Msg: "need one {before, after} pair per axis"})
	}
	shape := slices.Clone(t.shape)
	for i, w := range widths {
		if w[0] < 0 || w[1] < 0 {
			panic(&ShapeError{Op: "Pad", A: t.shape, Msg: fmt.Sprintf("negative width %v on axis %d", w, i)})
		}
		shape[i] += w[0] + w[1]
	}
	out := make([]float32, checkShape("Pad", shape))
	if value != 0 {
		for i := range out {
			out[i] = value
		}
	}
	widths = slices.Clone(widths)
	padRows(t.shape, shape, widths, func(in, o int, n int) { copy(out[o:o+n], t.data[in:in+n]) })
	return newOp("Pad", out, shape, func(ot *Tensor) {
		gx, g := t.gradData(), ot.grad.data
		padRows(t.shape, shape, widths, func(in, o int, n int) { addRow(gx[in:in+n], g[o:]) })
	}, t)
}

// padRows calls f(inOff, outOff, n) for every row (last axis) of a tensor of shape in placed
// inside one of shape out at offsets widths[i][0].
func padRows(in, out []int, widths [][2]int, f func(inOff, outOff, n int)) {
	if len(in) == 0 {
		f(0, 0, 1)
		return
	}
	ost := strides(out)
	last := len(in) - 1
	inner := in[last]
	rows := 1
	for _, d := range in[:last] {
		rows *= d
	}
	if inner == 0 {
		return
	}
	for r := range rows {
		off, q := widths[last][0], r
		for d := last - 1; d >= 0; d-- {
			off += (q%in[d] + widths[d][0]) * ost[d]
			q /= in[d]
		}
		f(r*inner, off, inner)
	}
}
