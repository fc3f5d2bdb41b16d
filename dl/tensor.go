package dl

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Tensor is an N-dimensional array of float32 values in row-major order, and a node of the
// autograd graph.
//
// The element at index (i₀, i₁, …, iₙ₋₁) is Data()[i₀·s₀ + i₁·s₁ + … + iₙ₋₁], where the
// strides sᵢ are the products of the later dimensions. A Tensor of no dimensions is a scalar
// holding one value.
//
// Ops are methods that return new tensors: x.MatMul(w).Add(b).ReLU(). When no input is
// marked no-grad (see NoGrad) and an input requires a gradient, the result records how it was made,
// and Backward walks that record in reverse to fill every Grad.
type Tensor struct {
	data  []float32
	shape []int

	requiresGrad bool
	grad         *Tensor
	noGrad       bool // see NoGrad: ops on t record no graph and pass the mark on

	// Autograd record, set by newOp: the op's name, its inputs and the function that adds
	// out.grad's contribution into each input's gradient.
	op       string
	prev     []*Tensor
	backward func(out *Tensor)
}

// New returns a tensor of the given shape over data, which it shares (no copy).
// With no shape, data must hold one value and the result is a scalar.
// New panics if len(data) differs from the product of shape or a dimension is negative.
func New(data []float32, shape ...int) *Tensor {
	n := checkShape("New", shape)
	if len(data) != n {
		panic(&ShapeError{Op: "New", A: []int{len(data)}, B: slices.Clone(shape), Msg: "data length does not match shape"})
	}
	return &Tensor{data: data, shape: slices.Clone(shape)}
}

// Zeros returns a tensor of the given shape filled with 0.
func Zeros(shape ...int) *Tensor {
	t := &Tensor{data: make([]float32, checkShape("Zeros", shape)), shape: slices.Clone(shape)}
	touchPages(t.data)
	return t
}

// touchPages writes a zero into every 4 KiB page of the zeroed buffer z. A large allocation
// may come from pages the process has never touched, and a zero tensor is usually read before
// it is written (backward functions add into the gradients Zeros makes): the first read of
// such a page maps the kernel's shared zero page, and the write that follows faults a second
// time, to copy it, and makes the kernel flush the other cores' TLBs — two faults and an
// interrupt to every core per page. In an MLP epoch that was 35,868 of its 45,695 page
// faults (two on each of 17,934 pages of gradients) and a quarter of its time (0.77 → 0.57 s
// on a 2-core AMD EPYC). A write first costs one fault, and nothing on pages already in use.
func touchPages(z []float32) {
	const page = 4096 / 4
	for i := 0; i < len(z); i += page {
		z[i] = 0
	}
}

// Full returns a tensor of the given shape filled with v.
func Full(v float32, shape ...int) *Tensor {
	t := &Tensor{data: make([]float32, checkShape("Full", shape)), shape: slices.Clone(shape)}
	for i := range t.data {
		t.data[i] = v
	}
	return t
}

// Ones returns a tensor of the given shape filled with 1.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Scalar returns a tensor of no dimensions holding v.
func Scalar(v float32) *Tensor { return &Tensor{data: []float32{v}} }

// RandN returns a tensor of the given shape with values drawn from the standard normal
// distribution N(0, 1) using rng. The same rng state gives the same values.
func RandN(rng *rand.Rand, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = float32(rng.NormFloat64())
	}
	return t
}

// RandU returns a tensor of the given shape with values drawn uniformly from [lo, hi) using rng.
func RandU(rng *rand.Rand, lo, hi float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = lo + (hi-lo)*float32(rng.Float64())
	}
	return t
}

// MaxLen is the largest number of elements a tensor may have (2⁴⁰ on 64-bit machines, 4 TiB
// of float32; 2³⁰ on 32-bit ones). Shapes beyond it, whose element count would overflow int or
// could never be allocated, are rejected with a *ShapeError instead of wrapping around.
const MaxLen int = 1 << (30 + 10*(^uint(0)>>63))

// checkShape returns the number of elements of shape, or panics with a *ShapeError naming op
// if a dimension is negative or the shape is too large (see MaxLen).
func checkShape(op string, shape []int) int {
	for _, d := range shape {
		if d < 0 {
			panic(&ShapeError{Op: op, A: slices.Clone(shape), Msg: "negative dimension"})
		}
	}
	n, ok := shapeLen(shape)
	if !ok {
		panic(&ShapeError{Op: op, A: slices.Clone(shape), Msg: fmt.Sprintf("too many elements (more than dl.MaxLen = %d)", MaxLen)})
	}
	return n
}

// shapeLen returns the product of the non-negative dimensions of shape and whether it is
// within MaxLen, zero dimensions counted as one for that bound (so that the strides of an
// empty tensor cannot overflow either).
func shapeLen(shape []int) (n int, ok bool) {
	n, bound := 1, 1
	for _, d := range shape {
		if d > MaxLen || bound > MaxLen/max(d, 1) {
			return 0, false
		}
		n *= d
		bound *= max(d, 1)
	}
	return n, true
}

// Shape returns the tensor's dimensions. The caller must not modify the slice.
func (t *Tensor) Shape() []int { return t.shape }

// Dims returns the number of dimensions (0 for a scalar).
func (t *Tensor) Dims() int { return len(t.shape) }

// Dim returns the size of dimension i; a negative i counts from the end.
// Dim panics if i is out of range.
func (t *Tensor) Dim(i int) int { return t.shape[t.axis("Dim", i)] }

// Len returns the number of elements, the product of the shape.
func (t *Tensor) Len() int { return len(t.data) }

// Data returns the values in row-major order. The slice is shared with the tensor: writing to
// it changes the tensor (and bypasses autograd).
func (t *Tensor) Data() []float32 { return t.data }

// Item returns the value of a tensor holding exactly one element. Item panics otherwise.
func (t *Tensor) Item() float32 {
	if len(t.data) != 1 {
		panic(&ShapeError{Op: "Item", A: t.shape, Msg: "tensor does not hold exactly one element"})
	}
	return t.data[0]
}

// At returns the element at the given index, one coordinate per dimension.
// At panics if the index has the wrong length or is out of range.
func (t *Tensor) At(idx ...int) float32 { return t.data[t.offset("At", idx)] }

// Set sets the element at the given index to v, bypassing autograd.
func (t *Tensor) Set(v float32, idx ...int) { t.data[t.offset("Set", idx)] = v }

func (t *Tensor) offset(op string, idx []int) int {
	if len(idx) != len(t.shape) {
		panic(&ShapeError{Op: op, A: t.shape, B: slices.Clone(idx), Msg: "index has wrong number of coordinates"})
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.shape[i] {
			panic(&ShapeError{Op: op, A: t.shape, B: slices.Clone(idx), Msg: "index out of range"})
		}
		off = off*t.shape[i] + x
	}
	return off
}

// axis normalises a possibly negative axis and panics with op's name if it is out of range.
func (t *Tensor) axis(op string, a int) int {
	if a < 0 {
		a += len(t.shape)
	}
	if a < 0 || a >= len(t.shape) {
		panic(&ShapeError{Op: op, A: t.shape, Msg: fmt.Sprintf("axis %d out of range", a)})
	}
	return a
}

// Clone returns a copy of t's values and shape, with no gradient and no autograd history.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{data: slices.Clone(t.data), shape: slices.Clone(t.shape)}
}

// Detach returns a tensor sharing t's values but cut from the autograd graph: no gradient
// flows through it. Use it for targets and for values kept between training steps.
func (t *Tensor) Detach() *Tensor { return &Tensor{data: t.data, shape: t.shape} }

// String shows the shape and a trimmed view of the values, e.g.
// "Tensor[2 3] [[1 2 3] [4 5 6]]"; long dimensions are elided with "…".
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v ", t.shape)
	if len(t.shape) == 0 {
		fmt.Fprintf(&b, "%.4g", t.data[0])
		return b.String()
	}
	const edge = 3
	var rec func(dim, off, stride int)
	rec = func(dim, off, stride int) {
		n := t.shape[dim]
		stride /= max(n, 1)
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			if n > 2*edge && i == edge {
				b.WriteString("… ")
				i = n - edge
			}
			if dim == len(t.shape)-1 {
				fmt.Fprintf(&b, "%.4g", t.data[off+i])
			} else {
				rec(dim+1, off+i*stride, stride)
			}
			if i < n-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteByte(']')
	}
	rec(0, 0, len(t.data))
	return b.String()
}
