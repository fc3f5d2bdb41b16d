package dl

import (
	"math/rand/v2"
	"slices"
)

// Dropout zeroes each element of x with probability p and scales the survivors by 1/(1 − p)
// (inverted dropout), so that the expected value of every element is unchanged:
//
//	y = x ⊙ m / (1 − p),   mᵢ ~ Bernoulli(1 − p)
//
// The mask is drawn from rng, one 32-bit draw per element in row-major order, so the same rng
// state gives the same mask. The gradient is dy ⊙ m / (1 − p). When train is false, or p is 0,
// Dropout returns x itself (no copy, no draw from rng); p = 1 gives zeros.
//
// Dropout panics with an *ArgError if p is not in [0, 1].
func Dropout(x *Tensor, rng *rand.Rand, p float32, train bool) *Tensor {
	if !(p >= 0 && p <= 1) {
		panic(&ArgError{Op: "Dropout", Arg: "probability", Value: p, Msg: "not in [0, 1]"})
	}
	if !train || p == 0 {
		return x
	}
	n := len(x.data)
	mask := make([]float32, n) // 0 or 1/(1−p)
	out := make([]float32, n)
	if p < 1 {
		keep := 1 / (1 - p)
		// Keep element i when its 32-bit draw is at least p·2³².
		thr := uint64(float64(p) * (1 << 32))
		xd := x.data
		for i := 0; i < n; i += 2 {
			r := rng.Uint64()
			if r&0xffffffff >= thr {
				mask[i] = keep
				out[i] = xd[i] * keep
			}
			if i+1 < n && r>>32 >= thr {
				mask[i+1] = keep
				out[i+1] = xd[i+1] * keep
			}
		}
	}
	backward := func(o *Tensor) {
		dx := x.gradData()
		for i, g := range o.grad.data {
			dx[i] += g * mask[i]
		}
	}
	return newOp("Dropout", out, slices.Clone(x.shape), backward, x)
}
