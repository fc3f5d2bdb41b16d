package nn

import (
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
)

// Fans returns the fan-in and fan-out of a weight of the given shape, with PyTorch's convention:
// a Linear weight [out, in] has fan-in in and fan-out out; a convolution weight
// [out, in, kh, kw] has fan-in in·kh·kw and fan-out out·kh·kw. A 1-D shape [n] has both n.
// Fans panics with a *dl.ShapeError for a scalar shape.
func Fans(shape ...int) (fanIn, fanOut int) {
	switch len(shape) {
	case 0:
		panic(&dl.ShapeError{Op: "Fans", A: shape, Msg: "need at least one dimension"})
	case 1:
		return shape[0], shape[0]
	}
	rf := 1
	for _, d := range shape[2:] {
		rf *= d
	}
	return shape[1] * rf, shape[0] * rf
}

// KaimingNormal returns a tensor of the given shape drawn from N(0, σ²) with σ = √(2/fan_in)
// (He et al. 2015, for layers followed by ReLU). The same rng state gives the same values.
func KaimingNormal(rng *rand.Rand, shape ...int) *dl.Tensor {
	in, _ := Fans(shape...)
	return Normal(rng, float32(math.Sqrt(2/float64(in))), shape...)
}

// KaimingUniform returns a tensor of the given shape drawn from U(−b, b) with b = √(6/fan_in),
// which has the same variance as KaimingNormal.
func KaimingUniform(rng *rand.Rand, shape ...int) *dl.Tensor {
	in, _ := Fans(shape...)
	return Uniform(rng, float32(math.Sqrt(6/float64(in))), shape...)
}

// XavierNormal returns a tensor of the given shape drawn from N(0, σ²) with
// σ = √(2/(fan_in + fan_out)) (Glorot and Bengio 2010, for tanh and sigmoid layers).
func XavierNormal(rng *rand.Rand, shape ...int) *dl.Tensor {
	in, out := Fans(shape...)
	return Normal(rng, float32(math.Sqrt(2/float64(in+out))), shape...)
}

// XavierUniform returns a tensor of the given shape drawn from U(−b, b) with
// b = √(6/(fan_in + fan_out)).
func XavierUniform(rng *rand.Rand, shape ...int) *dl.Tensor {
	in, out := Fans(shape...)
	return Uniform(rng, float32(math.Sqrt(6/float64(in+out))), shape...)
}

// Uniform returns a tensor of the given shape drawn from U(−bound, bound). PyTorch initializes
// Linear, Conv2D and the recurrent layers with bound = 1/√fan_in; the constructors here do the same.
func Uniform(rng *rand.Rand, bound float32, shape ...int) *dl.Tensor {
	return dl.RandU(rng, -bound, bound, shape...)
}

// Normal returns a tensor of the given shape drawn from N(0, std²).
func Normal(rng *rand.Rand, std float32, shape ...int) *dl.Tensor {
	t := dl.RandN(rng, shape...)
	d := t.Data()
	for i := range d {
		d[i] *= std
	}
	return t
}

// param marks t as a trainable parameter and returns it.
func param(t *dl.Tensor) *dl.Tensor { return t.SetRequiresGrad(true) }
