package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
)

// Conv2D is a 2-D convolution layer over images [N, C, H, W] (see dl.Conv2D for the equation and
// the output size). Weight is [Out, In/Groups, K, K] and Bias is [Out] (nil for no bias),
// PyTorch's layout and names. The options are exported fields: Stride (default 1), Padding
// (default 0), Dilation (default 1), Groups (default 1); WithPadding and WithStride set them in
// the constructor's expression:
//
//	conv := nn.NewConv2D(rng, 1, 16, 5).WithPadding(2)
//
// NewConv2D initializes Weight and Bias from U(−1/√fan_in, 1/√fan_in) with fan_in =
// In/Groups·K², as PyTorch does.
type Conv2D struct {
	Weight                            *dl.Tensor // [Out, In/Groups, K, K]
	Bias                              *dl.Tensor // [Out], or nil
	Stride, Padding, Dilation, Groups int
}

// NewConv2D returns a k×k convolution from in to out channels with stride 1, no padding and a
// bias; chain WithPadding (e.g. k/2 for "same" size) or WithStride, or set the fields after
// (Groups > 1 also needs a Weight of shape [out, in/Groups, k, k]). It panics with a
// *dl.ArgError if a size is not positive.
func NewConv2D(rng *rand.Rand, in, out, k int) *Conv2D {
	if in <= 0 || out <= 0 || k <= 0 {
		panic(&dl.ArgError{Op: "NewConv2D", Arg: "sizes", Value: []int{in, out, k}, Msg: "must be positive"})
	}
	b := float32(1 / math.Sqrt(float64(in*k*k)))
	return &Conv2D{
		Weight: param(Uniform(rng, b, out, in, k, k)),
		Bias:   param(Uniform(rng, b, out)),
		Stride: 1, Dilation: 1, Groups: 1,
	}
}

// WithPadding sets Padding to p (zeros added on every side) and returns c.
func (c *Conv2D) WithPadding(p int) *Conv2D { c.Padding = p; return c }

// WithStride sets Stride to s and returns c.
func (c *Conv2D) WithStride(s int) *Conv2D { c.Stride = s; return c }

// Forward returns the convolution of x [N, In, H, W]; it panics as dl.Conv2D does.
func (c *Conv2D) Forward(x *dl.Tensor) *dl.Tensor {
	return dl.Conv2D(x, c.Weight, c.Bias, dl.ConvOpts{Stride: c.Stride, Padding: c.Padding, Dilation: c.Dilation, Groups: c.Groups})
}

// Parameters returns [Weight, Bias] (or [Weight]).
func (c *Conv2D) Parameters() []*dl.Tensor { return wb(c.Weight, c.Bias) }

// NamedParameters returns "weight" and "bias".
func (c *Conv2D) NamedParameters() []Named { return namedWB(c.Weight, c.Bias) }

// ConvTranspose2D is a transposed convolution layer (the adjoint of Conv2D, used to upsample;
// see dl.ConvTranspose2D). Weight is [In, Out/Groups, K, K] and Bias is [Out], PyTorch's layout.
// Options: Stride (default 1), Padding (0), OutputPadding (0), Dilation (1), Groups (1).
// NewConvTranspose2D initializes from U(−1/√fan_in, 1/√fan_in) with fan_in = Out/Groups·K², as
// PyTorch does.
type ConvTranspose2D struct {
	Weight                                           *dl.Tensor // [In, Out/Groups, K, K]
	Bias                                             *dl.Tensor // [Out], or nil
	Stride, Padding, OutputPadding, Dilation, Groups int
}

// NewConvTranspose2D returns a k×k transposed convolution from in to out channels with stride 1;
// a typical 2× upsampler is NewConvTranspose2D(rng, in, out, 4).WithStride(2).WithPadding(1)
// (or k = 2 with stride 2). It panics with a *dl.ArgError if a size is not positive.
func NewConvTranspose2D(rng *rand.Rand, in, out, k int) *ConvTranspose2D {
	if in <= 0 || out <= 0 || k <= 0 {
		panic(&dl.ArgError{Op: "NewConvTranspose2D", Arg: "sizes", Value: []int{in, out, k}, Msg: "must be positive"})
	}
	b := float32(1 / math.Sqrt(float64(out*k*k)))
	return &ConvTranspose2D{
		Weight: param(Uniform(rng, b, in, out, k, k)),
		Bias:   param(Uniform(rng, b, out)),
		Stride: 1, Dilation: 1, Groups: 1,
	}
}

// WithPadding sets Padding to p and returns c.
func (c *ConvTranspose2D) WithPadding(p int) *ConvTranspose2D { c.Padding = p; return c }

// WithStride sets Stride to s and returns c.
func (c *ConvTranspose2D) WithStride(s int) *ConvTranspose2D { c.Stride = s; return c }

// Forward returns the transposed convolution of x [N, In, H, W]; it panics as
// dl.ConvTranspose2D does.
func (c *ConvTranspose2D) Forward(x *dl.Tensor) *dl.Tensor {
	return dl.ConvTranspose2D(x, c.Weight, c.Bias, dl.ConvTransposeOpts{
		Stride: c.Stride, Padding: c.Padding, OutputPadding: c.OutputPadding, Dilation: c.Dilation, Groups: c.Groups})
}

// Parameters returns [Weight, Bias] (or [Weight]).
func (c *ConvTranspose2D) Parameters() []*dl.Tensor { return wb(c.Weight, c.Bias) }

// NamedParameters returns "weight" and "bias".
func (c *ConvTranspose2D) NamedParameters() []Named { return namedWB(c.Weight, c.Bias) }

func wb(w, b *dl.Tensor) []*dl.Tensor {
	if b == nil {
		return []*dl.Tensor{w}
	}
	return []*dl.Tensor{w, b}
}

func namedWB(w, b *dl.Tensor) []Named {
	if b == nil {
		return []Named{{"weight", w}}
	}
	return []Named{{"weight", w}, {"bias", b}}
}

// MaxPool2D takes the maximum over K×K windows every Stride pixels (0 means Stride = K) of
// images [N, C, H, W] padded by Padding; see dl.MaxPool2D. It has no parameters.
type MaxPool2D struct{ K, Stride, Padding int }

// NewMaxPool2D returns a k×k max pooling with stride k and no padding.
func NewMaxPool2D(k int) *MaxPool2D { return &MaxPool2D{K: k, Stride: k} }

// Forward pools x; it panics as dl.MaxPool2D does.
func (p *MaxPool2D) Forward(x *dl.Tensor) *dl.Tensor {
	return dl.MaxPool2D(x, p.K, p.Stride, p.Padding)
}

// Parameters returns nil.
func (p *MaxPool2D) Parameters() []*dl.Tensor { return nil }

// AvgPool2D averages over K×K windows every Stride pixels (0 means Stride = K) of images
// [N, C, H, W] padded by Padding (zeros counted); see dl.AvgPool2D. It has no parameters.
type AvgPool2D struct{ K, Stride, Padding int }

// NewAvgPool2D returns a k×k average pooling with stride k and no padding.
func NewAvgPool2D(k int) *AvgPool2D { return &AvgPool2D{K: k, Stride: k} }

// Forward pools x; it panics as dl.AvgPool2D does.
func (p *AvgPool2D) Forward(x *dl.Tensor) *dl.Tensor {
	return dl.AvgPool2D(x, p.K, p.Stride, p.Padding)
}

// Parameters returns nil.
func (p *AvgPool2D) Parameters() []*dl.Tensor { return nil }

// Upsample2D repeats each pixel of images [N, C, H, W] Scale×Scale times (nearest neighbour);
// see dl.Upsample2D. It has no parameters.
type Upsample2D struct{ Scale int }

// Forward upsamples x; it panics as dl.Upsample2D does.
func (u *Upsample2D) Forward(x *dl.Tensor) *dl.Tensor { return dl.Upsample2D(x, u.Scale) }

// Parameters returns nil.
func (u *Upsample2D) Parameters() []*dl.Tensor { return nil }

// BatchNorm normalizes each channel over the batch (and the pixels, for images), then scales by
// Weight (γ) and shifts by Bias (β); see dl.BatchNorm for the equations. In training mode it
// uses the batch statistics and updates RunningMean and RunningVar (buffers, saved with the
// parameters as running_mean and running_var); in evaluation mode (SetTrain(false)) it uses the
// running statistics. Momentum defaults to 0.1 and Eps to 1e-5, as in PyTorch.
type BatchNorm struct {
	Weight, Bias            *dl.Tensor // γ and β [C], initialized to 1 and 0
	RunningMean, RunningVar *dl.Tensor // [C], initialized to 0 and 1
	Momentum, Eps           float32
	Train                   bool // training mode; true after construction
	dims                    int  // expected input dimensions: 2 or 3 for 1-D, 4 for 2-D
}

// NewBatchNorm1D returns a BatchNorm for inputs [N, C] or [N, C, L] with c channels.
func NewBatchNorm1D(c int) *BatchNorm { return newBatchNorm(c, 1) }

// NewBatchNorm2D returns a BatchNorm for images [N, C, H, W] with c channels.
func NewBatchNorm2D(c int) *BatchNorm { return newBatchNorm(c, 2) }

func newBatchNorm(c, d int) *BatchNorm {
	if c <= 0 {
		panic(&dl.ArgError{Op: "NewBatchNorm", Arg: "channels", Value: c, Msg: "must be positive"})
	}
	return &BatchNorm{
		Weight: param(dl.Ones(c)), Bias: param(dl.Zeros(c)),
		RunningMean: dl.Zeros(c), RunningVar: dl.Ones(c),
		Momentum: 0.1, Eps: 1e-5, Train: true, dims: d,
	}
}

// Forward normalizes x. It panics with a *dl.ShapeError if x's rank does not suit the layer
// (1-D: [N C] or [N C L]; 2-D: [N C H W]) or its channels differ, and as dl.BatchNorm does.
func (b *BatchNorm) Forward(x *dl.Tensor) *dl.Tensor {
	ok := x.Dims() == 4
	if b.dims == 1 {
		ok = x.Dims() == 2 || x.Dims() == 3
	}
	if !ok {
		panic(&dl.ShapeError{Op: fmt.Sprintf("BatchNorm%dD", b.dims), A: x.Shape(), B: b.Weight.Shape(), Msg: "wrong input rank"})
	}
	return dl.BatchNorm(x, b.Weight, b.Bias, b.RunningMean, b.RunningVar, b.Train, b.Momentum, b.Eps)
}

// Parameters returns [Weight, Bias].
func (b *BatchNorm) Parameters() []*dl.Tensor { return []*dl.Tensor{b.Weight, b.Bias} }

// NamedParameters returns "weight" and "bias".
func (b *BatchNorm) NamedParameters() []Named { return namedWB(b.Weight, b.Bias) }

// NamedBuffers returns "running_mean" and "running_var".
func (b *BatchNorm) NamedBuffers() []Named {
	return []Named{{"running_mean", b.RunningMean}, {"running_var", b.RunningVar}}
}

// SetTrain selects batch statistics (true) or the running statistics (false).
func (b *BatchNorm) SetTrain(train bool) { b.Train = train }

// LayerNorm normalizes over the last dimensions of its input (the normalized shape), then scales
// by Weight and shifts by Bias, both of the normalized shape; see dl.LayerNorm. Eps defaults to
// 1e-5.
type LayerNorm struct {
	Weight, Bias *dl.Tensor // the normalized shape; initialized to 1 and 0
	Eps          float32
}

// NewLayerNorm returns a LayerNorm over trailing dimensions of the given shape, e.g.
// NewLayerNorm(512) for features [..., 512]. It panics if shape is empty or not positive.
func NewLayerNorm(shape ...int) *LayerNorm {
	if len(shape) == 0 {
		panic(&dl.ShapeError{Op: "NewLayerNorm", A: shape, Msg: "need a normalized shape"})
	}
	for _, d := range shape {
		if d <= 0 {
			panic(&dl.ArgError{Op: "NewLayerNorm", Arg: "shape", Value: shape, Msg: "must be positive"})
		}
	}
	return &LayerNorm{Weight: param(dl.Ones(shape...)), Bias: param(dl.Zeros(shape...)), Eps: 1e-5}
}

// Forward normalizes x [..., shape]; it panics as dl.LayerNorm does.
func (l *LayerNorm) Forward(x *dl.Tensor) *dl.Tensor {
	return dl.LayerNorm(x, l.Weight.Dims(), l.Weight, l.Bias, l.Eps)
}

// Parameters returns [Weight, Bias].
func (l *LayerNorm) Parameters() []*dl.Tensor { return []*dl.Tensor{l.Weight, l.Bias} }

// NamedParameters returns "weight" and "bias".
func (l *LayerNorm) NamedParameters() []Named { return namedWB(l.Weight, l.Bias) }

// Dropout zeroes each element with probability P during training and scales the others by
// 1/(1 − P); in evaluation mode it passes its input through (see dl.Dropout). Masks are drawn from
// RNG, so a seeded RNG gives reproducible training.
type Dropout struct {
	P     float32
	RNG   *rand.Rand
	Train bool // training mode; true after construction
}

// NewDropout returns a Dropout with probability p drawing its masks from rng.
func NewDropout(rng *rand.Rand, p float32) *Dropout { return &Dropout{P: p, RNG: rng, Train: true} }

// Forward applies dropout in training mode and returns x unchanged otherwise.
func (d *Dropout) Forward(x *dl.Tensor) *dl.Tensor { return dl.Dropout(x, d.RNG, d.P, d.Train) }

// Parameters returns nil.
func (d *Dropout) Parameters() []*dl.Tensor { return nil }

// SetTrain turns dropout on (true) or off (false).
func (d *Dropout) SetTrain(train bool) { d.Train = train }

// Embedding maps token ids to learned vectors: row i of Weight [V, D] is the vector of id i.
// NewEmbedding initializes Weight from N(0, 1), as PyTorch does. The parameter is named "weight".
type Embedding struct {
	Weight *dl.Tensor // [V, D]
}

// NewEmbedding returns an Embedding of vocab ids into dim-dimensional vectors.
func NewEmbedding(rng *rand.Rand, vocab, dim int) *Embedding {
	if vocab <= 0 || dim <= 0 {
		panic(&dl.ArgError{Op: "NewEmbedding", Arg: "sizes", Value: []int{vocab, dim}, Msg: "must be positive"})
	}
	return &Embedding{Weight: param(dl.RandN(rng, vocab, dim))}
}

// Lookup returns the vectors of ids, arranged as shape (e.g. [B, T]) followed by D; with no
// shape the result is [len(ids), D]. It panics as dl.Embedding does.
func (e *Embedding) Lookup(ids []int, shape ...int) *dl.Tensor {
	return dl.Embedding(e.Weight, ids, shape...)
}

// Forward looks up the ids held (as whole numbers) in x, giving [x's shape..., D], so an
// Embedding can start a Sequential. It panics with a *dl.ArgError if a value of x is not a
// whole number, and as dl.Embedding does.
func (e *Embedding) Forward(x *dl.Tensor) *dl.Tensor {
	ids := make([]int, x.Len())
	for i, v := range x.Data() {
		if v != float32(math.Trunc(float64(v))) {
			panic(&dl.ArgError{Op: "Embedding", Arg: fmt.Sprintf("id at %d", i), Value: v, Msg: "is not a whole number"})
		}
		ids[i] = int(v)
	}
	shape := x.Shape()
	if len(shape) == 0 {
		shape = []int{1}
	}
	return dl.Embedding(e.Weight, ids, shape...)
}

// Parameters returns [Weight].
func (e *Embedding) Parameters() []*dl.Tensor { return []*dl.Tensor{e.Weight} }

// NamedParameters returns "weight".
func (e *Embedding) NamedParameters() []Named { return []Named{{"weight", e.Weight}} }

// Func is a module without parameters made from a function of one tensor, as http.HandlerFunc
// makes a handler from a function: Func(f).Forward(x) is f(x). The activations below are Funcs,
// and so is any step a model needs between layers:
//
//	nn.NewSequential(nn.NewLinear(rng, 2, 8), nn.ReLU, nn.Func(func(x *dl.Tensor) *dl.Tensor { return x.MulScalar(2) }))
type Func func(x *dl.Tensor) *dl.Tensor

// Forward returns f(x).
func (f Func) Forward(x *dl.Tensor) *dl.Tensor { return f(x) }

// Parameters returns nil.
func (Func) Parameters() []*dl.Tensor { return nil }

// The parameter-free layers, as modules for a Sequential.
var (
	// Flatten merges all dimensions but the first: [N, C, H, W] → [N, C·H·W], as a view.
	Flatten = Func(func(x *dl.Tensor) *dl.Tensor { return x.Flatten(1) })
	// ReLU is y = max(x, 0), with ReLU′(0) = 0.
	ReLU = Func((*dl.Tensor).ReLU)
	// Tanh is y = tanh(x).
	Tanh = Func((*dl.Tensor).Tanh)
	// Sigmoid is σ(x) = 1/(1 + e⁻ˣ).
	Sigmoid = Func((*dl.Tensor).Sigmoid)
)

// LeakyReLU returns the module y = x for x > 0 and slope·x otherwise (PyTorch's default slope
// is 0.01).
func LeakyReLU(slope float32) Func {
	return func(x *dl.Tensor) *dl.Tensor { return x.LeakyReLU(slope) }
}

// Softmax returns the module softmax along axis (e.g. −1 for the last dimension). For training,
// feed logits to CrossEntropy instead, which is fused and more stable.
func Softmax(axis int) Func {
	return func(x *dl.Tensor) *dl.Tensor { return x.Softmax(axis) }
}

// LogSoftmax returns the module log-softmax along axis; pair it with NLLLoss.
func LogSoftmax(axis int) Func {
	return func(x *dl.Tensor) *dl.Tensor { return x.LogSoftmax(axis) }
}
