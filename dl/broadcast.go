package dl

import (
	"slices"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// grainElem is the number of cheap elementwise operations (add, mul, compare) worth one
// goroutine; grainMath is the same for transcendental ones (exp, log, tanh).
const (
	grainElem = 1 << 15
	grainMath = 1 << 12
)

// broadcastShape returns the NumPy broadcast of shapes a and b: aligned at the right, a
// dimension of 1 stretches to the other. It panics with a *ShapeError naming op otherwise.
func broadcastShape(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := i - n + len(a); j >= 0 {
			da = a[j]
		}
		if j := i - n + len(b); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panic(&ShapeError{Op: op, A: slices.Clone(a), B: slices.Clone(b), Msg: "shapes do not broadcast"})
		}
	}
	return out
}

// bcast walks a tensor of shape out together with tensors a and b broadcast to it. Dimensions
// of size 1 are dropped and neighbours that are contiguous in all three are merged, so the walk
// is a loop over rows of inner elements, in which a and b either advance (stride 1) or stay
// (stride 0, a broadcast value).
type bcast struct {
	n      int   // elements of out
	dims   []int // merged dimensions of out; the last is the row
	sa, sb []int // strides of a and b per merged dimension, 0 where broadcast
	inner  int   // elements per row, dims[len-1]
	ia, ib int   // strides of a and b within a row: 0 or 1
	rows   int   // n / inner
}

// newBcast prepares the walk; a and b must broadcast to out (len ≤ len(out), each dimension
// equal to out's or 1).
func newBcast(out, a, b []int) *bcast {
	bc := &bcast{n: 1}
	for _, d := range out {
		bc.n *= d
	}
	r := len(out)
	buf := make([]int, 5*r+3) // one allocation for every slice below
	bc.dims, bc.sa, bc.sb = buf[2*r:2*r:3*r+1], buf[3*r+1:3*r+1:4*r+2], buf[4*r+2:4*r+2:5*r+3]
	next := 0
	strides := func(s []int) []int { // strides of s aligned to out, 0 for broadcast dims
		st := buf[next : next+r]
		next += r
		acc := 1
		for i := len(out) - 1; i >= 0; i-- {
			j := i - len(out) + len(s)
			if j >= 0 && s[j] != 1 {
				st[i] = acc
				acc *= s[j]
			}
		}
		return st
	}
	fa, fb := strides(a), strides(b)
	for i, d := range out {
		if d == 1 {
			continue
		}
		if k := len(bc.dims) - 1; k >= 0 && bc.sa[k] == fa[i]*d && bc.sb[k] == fb[i]*d {
			bc.dims[k] *= d
			bc.sa[k], bc.sb[k] = fa[i], fb[i]
			continue
		}
		bc.dims = append(bc.dims, d)
		bc.sa = append(bc.sa, fa[i])
		bc.sb = append(bc.sb, fb[i])
	}
	if len(bc.dims) == 0 { // one element (or none)
		bc.dims, bc.sa, bc.sb = append(bc.dims, bc.n), append(bc.sa, 1), append(bc.sb, 1)
	}
	k := len(bc.dims) - 1
	bc.inner, bc.ia, bc.ib = bc.dims[k], bc.sa[k], bc.sb[k]
	if bc.inner > 0 {
		bc.rows = bc.n / bc.inner
	}
	return bc
}

// offsets returns the offsets in a and b of row r (whose offset in out is r·inner).
func (bc *bcast) offsets(r int) (ao, bo int) {
	for d := len(bc.dims) - 2; d >= 0; d-- {
		i := r % bc.dims[d]
		r /= bc.dims[d]
		ao += i * bc.sa[d]
		bo += i * bc.sb[d]
	}
	return ao, bo
}

// binKernel computes dst[i] = f(x[i], y[i]) for one row, with either side possibly a single
// broadcast value.
type binKernel struct {
	vv func(dst, x, y []float32)
	vs func(dst, x []float32, y float32)
	sv func(dst []float32, x float32, y []float32)
}

// applyBinary fills dst (of shape out) with k applied to a and b broadcast to out.
func applyBinary(dst []float32, out []int, a, b []float32, as, bs []int, k *binKernel) {
	if len(a) == len(dst) && len(b) == len(dst) { // same shape
		par.For(len(dst), grainElem, func(lo, hi int) { k.vv(dst[lo:hi], a[lo:hi], b[lo:hi]) })
		return
	}
	if len(b) == 1 && len(a) == len(dst) {
		par.For(len(dst), grainElem, func(lo, hi int) { k.vs(dst[lo:hi], a[lo:hi], b[0]) })
		return
	}
	if len(a) == 1 && len(b) == len(dst) {
		par.For(len(dst), grainElem, func(lo, hi int) { k.sv(dst[lo:hi], a[0], b[lo:hi]) })
		return
	}
	bc := newBcast(out, as, bs)
	in := bc.inner
	par.For(bc.rows, max(1, grainElem/max(in, 1)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ao, bo := bc.offsets(r)
			d := dst[r*in : (r+1)*in]
			switch {
			case bc.ia == 1 && bc.ib == 1:
				k.vv(d, a[ao:ao+in], b[bo:bo+in])
			case bc.ia == 1:
				k.vs(d, a[ao:ao+in], b[bo])
			default:
				k.sv(d, a[ao], b[bo:bo+in])
			}
		}
	})
}

// sumTo adds scale·src, of shape big, into dst, of shape small that broadcasts to big, summing
// over the broadcast dimensions: the backward of broadcasting and the forward of Sum.
func sumTo(dst []float32, small []int, src []float32, big []int, scale float32) {
	if len(dst) == len(src) {
		par.For(len(dst), grainElem, func(lo, hi int) {
			d, s := dst[lo:hi], src[lo:hi]
			for i := range d {
				d[i] += scale * s[i]
			}
		})
		return
	}
	bc := newBcast(big, big, small)
	in := bc.inner
	if bc.ib == 1 {
		// Rows may add into the same part of dst, so split the columns instead.
		par.For(in, max(1, grainElem/max(bc.rows, 1)), func(lo, hi int) {
			for r := 0; r < bc.rows; r++ {
				_, bo := bc.offsets(r)
				d, s := dst[bo+lo:bo+hi], src[r*in+lo:r*in+hi]
				for i := range d {
					d[i] += scale * s[i]
				}
			}
		})
		return
	}
	if len(dst) == 1 {
		// A full sum: in parts of grainElem values, a split fixed by the length alone (not by
		// par.Workers or GOMAXPROCS), added in order, so that the sum is the same on any
		// number of cores.
		parts := (len(src) + grainElem - 1) / grainElem
		sums := make([]float64, parts)
		par.For(parts, 1, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				var s float64
				for _, v := range src[p*grainElem : min((p+1)*grainElem, len(src))] {
					s += float64(v)
				}
				sums[p] = s
			}
		})
		var s float64
		for _, v := range sums {
			s += v
		}
		dst[0] += scale * float32(s)
		return
	}
	// Each row sums into one element of dst, accumulating in float64 for accuracy. Rows go to
	// distinct elements (and may run in parallel) unless dst is broadcast along an outer
	// dimension too.
	rowSum := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			_, bo := bc.offsets(r)
			var s float64
			for _, v := range src[r*in : (r+1)*in] {
				s += float64(v)
			}
			dst[bo] += scale * float32(s)
		}
	}
	if slices.Contains(bc.sb[:len(bc.sb)-1], 0) {
		rowSum(0, bc.rows)
		return
	}
	par.For(bc.rows, max(1, grainElem/max(in, 1)), rowSum)
}

// broadcastTo adds scale·src, of shape small, broadcast to big, into dst of shape big: the
// backward of Sum and the forward of BroadcastTo.
func broadcastTo(dst []float32, big []int, src []float32, small []int, scale float32) {
	if len(dst) == len(src) {
		sumTo(dst, big, src, small, scale)
		return
	}
	if len(src) == 1 {
		v := scale * src[0]
		par.For(len(dst), grainElem, func(lo, hi int) {
			for i := range dst[lo:hi] {
				dst[lo+i] += v
			}
		})
		return
	}
	bc := newBcast(big, big, small)
	in := bc.inner
	par.For(bc.rows, max(1, grainElem/max(in, 1)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			_, bo := bc.offsets(r)
			d := dst[r*in : (r+1)*in]
			if bc.ib == 1 {
				for i, v := range src[bo : bo+in] {
					d[i] += scale * v
				}
			} else {
				v := scale * src[bo]
				for i := range d {
					d[i] += v
				}
			}
		}
	})
}

// BroadcastTo returns t stretched to shape as NumPy broadcasting does (see the package doc),
// as a new tensor: y[i] = t[i with broadcast coordinates set to 0]. Its gradient sums over the
// stretched dimensions. BroadcastTo panics with a *ShapeError if t does not broadcast to shape.
func (t *Tensor) BroadcastTo(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	checkShape("BroadcastTo", shape)
	if b := broadcastShape("BroadcastTo", t.shape, shape); !slices.Equal(b, shape) {
		panic(&ShapeError{Op: "BroadcastTo", A: t.shape, B: shape, Msg: "shapes do not broadcast"})
	}
	out := Zeros(shape...)
	broadcastTo(out.data, shape, t.data, t.shape, 1)
	return newOp("BroadcastTo", out.data, shape, func(out *Tensor) {
		sumTo(t.gradData(), t.shape, out.grad.data, out.shape, 1)
	}, t)
}
