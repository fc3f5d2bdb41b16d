//go:build !amd64 || purego

package vec

// Logistic sets dst[i] = a/(1 + e^(−s·src[i])) + b for every i < len(dst) (src may be dst):
// σ(x) with (s, a, b) = (1, 1, 0) and tanh(x) = 2σ(2x) − 1 with (2, 2, −1).
// It panics if src is shorter than dst.
func Logistic(dst, src []float32, s, a, b float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = a/(1+Expf(-s*src[i])) + b
	}
}

// ExpShift sets dst[i] = e^(src[i] − shift) for every i < len(dst) (src may be dst).
// It panics if src is shorter than dst.
func ExpShift(dst, src []float32, shift float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = Expf(src[i] - shift)
	}
}
