package vec

import "math"

// reluGeneric is ReLU's portable loop.
func reluGeneric(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = max(v, 0)
	}
}

// reluBackGeneric is ReLUBack's portable loop. It is branch-free: the sign of a network's
// pre-activations is a coin toss that a branch predictor loses half the time.
func reluBackGeneric(gx, g, x []float32) {
	g, x = g[:len(gx)], x[:len(gx)]
	for i, v := range x {
		b := math.Float32bits(v)
		// x > 0 ⇔ 0 < bits ≤ +Inf's: drop is all ones for zero, negative values and NaN.
		drop := uint32(int32(b-1)>>31) | uint32(int32(0x7f800000-b)>>31)
		gx[i] += math.Float32frombits(math.Float32bits(g[i]) &^ drop)
	}
}
