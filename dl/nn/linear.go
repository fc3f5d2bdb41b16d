package nn

import (
	"github.com/deepnb/deepnb/dl/internal/vec"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
)

// Linear is a fully connected layer: y = x·Wᵀ + b, applied to the last dimension of x.
//
// Weight is [Out, In] and Bias is [Out] (nil for no bias), PyTorch's layout and names ("weight",
// "bias"). NewLinear initializes both from U(−1/√In, 1/√In), as PyTorch does.
type Linear struct {
	Weight *dl.Tensor // [Out, In]
	Bias   *dl.Tensor // [Out], or nil
}

// NewLinear returns a Linear layer from in to out features with a bias, initialized from rng.
// NewLinear panics if in or out is not positive.
func NewLinear(rng *rand.Rand, in, out int) *Linear {
	if in <= 0 || out <= 0 {
		panic(&dl.ArgError{Op: "NewLinear", Arg: "sizes", Value: []int{in, out}, Msg: "must be positive"})
	}
	bound := float32(1 / math.Sqrt(float64(in)))
	return &Linear{
		Weight: param(Uniform(rng, bound, out, in)),
		Bias:   param(Uniform(rng, bound, out)),
	}
}

// Forward returns x·Wᵀ + b for x of shape [..., In]; the result has shape [..., Out].
// Forward panics with a *dl.ShapeError if x's last dimension is not In.
func (l *Linear) Forward(x *dl.Tensor) *dl.Tensor { return Affine(x, l.Weight, l.Bias) }

// Parameters returns [Weight, Bias] (or [Weight] without bias).
func (l *Linear) Parameters() []*dl.Tensor {
	if l.Bias == nil {
		return []*dl.Tensor{l.Weight}
	}
	return []*dl.Tensor{l.Weight, l.Bias}
}

// NamedParameters returns "weight" and "bias".
func (l *Linear) NamedParameters() []Named {
	if l.Bias == nil {
		return []Named{{"weight", l.Weight}}
	}
	return []Named{{"weight", l.Weight}, {"bias", l.Bias}}
}

// Affine returns y = x·wᵀ + b for x [..., in], w [out, in] and b [out] (or nil): Linear's op,
// fused into one GEMM plus a bias add, with its own backward (dx = dy·w, dw = dyᵀ·x, db = Σ dy).
// Affine panics with a *dl.ShapeError if the shapes do not fit. The result owns new memory.
func Affine(x, w, b *dl.Tensor) *dl.Tensor {
	const op = "Linear"
	if w.Dims() != 2 || x.Dims() < 1 || x.Dim(-1) != w.Dim(1) {
		panic(&dl.ShapeError{Op: op, A: x.Shape(), B: w.Shape(), Msg: "want x [..., in] and weight [out, in]"})
	}
	out, in := w.Dim(0), w.Dim(1)
	if b != nil && (b.Dims() != 1 || b.Dim(0) != out) {
		panic(&dl.ShapeError{Op: op, A: w.Shape(), B: b.Shape(), Msg: "bias must be [out]"})
	}
	m := x.Len() / max(in, 1)
	xd, wd := x.Data(), w.Data()
	y := make([]float32, m*out)
	if b != nil {
		bd := b.Data()
		for i := 0; i < m; i++ {
			copy(y[i*out:(i+1)*out], bd)
		}
		gemm.Sgemm(false, true, m, out, in, 1, xd, in, wd, in, 1, y, out)
	} else {
		gemm.Sgemm(false, true, m, out, in, 1, xd, in, wd, in, 0, y, out)
	}
	shape := append(append([]int{}, x.Shape()[:x.Dims()-1]...), out)
	inputs := []*dl.Tensor{x, w}
	if b != nil {
		inputs = append(inputs, b)
	}
	return dl.Custom(op, y, shape, func(g []float32, gs [][]float32) {
		if gs[0] != nil {
			gemm.Sgemm(false, false, m, in, out, 1, g, out, wd, in, 1, gs[0], in)
		}
		if gs[1] != nil {
			gemm.Sgemm(true, false, out, in, m, 1, g, out, xd, in, 1, gs[1], in)
		}
		if b != nil && gs[2] != nil {
			colSums(gs[2], g, m, out)
		}
	}, inputs...)
}

// colSums adds the column sums of the m×n row-major matrix g into dst.
func colSums(dst, g []float32, m, n int) {
	dst = dst[:n]
	for i := 0; i < m; i++ {
		vec.Axpy(dst, g[i*n:(i+1)*n], 1)
	}
}

// parFor runs f over [0, n) in chunks of at least grain, in parallel.
func parFor(n, grain int, f func(lo, hi int)) { par.For(n, grain, f) }
