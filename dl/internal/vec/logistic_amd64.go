//go:build amd64 && !purego

package vec

//go:noescape
func logisticAVX2(dst, src *float32, n int, ns, a, b float32)

//go:noescape
func expShiftAVX2(dst, src *float32, n int, shift float32)

// ExpShift sets dst[i] = e^(src[i] − shift) for every i < len(dst) (src may be dst), with
// Expf's accuracy, eight at a time with AVX2. It panics if src is shorter than dst.
func ExpShift(dst, src []float32, shift float32) {
	src = src[:len(dst)]
	n := 0
	if haveAVX2 {
		n = len(dst) &^ 7
		if n > 0 {
			expShiftAVX2(&dst[0], &src[0], n, shift)
		}
	}
	if r := len(dst) - n; r > 0 && haveAVX2 {
		// The tail through the same kernel, padded to eight (see Axpy).
		var d [8]float32
		copy(d[:], src[n:])
		expShiftAVX2(&d[0], &d[0], 8, shift)
		copy(dst[n:], d[:r])
		return
	}
	for i := n; i < len(dst); i++ {
		dst[i] = Expf(src[i] - shift)
	}
}

// Logistic sets dst[i] = a/(1 + e^(−s·src[i])) + b for every i < len(dst) (src may be dst):
// σ(x) with (s, a, b) = (1, 1, 0) and tanh(x) = 2σ(2x) − 1 with (2, 2, −1). Eight elements at a
// time with AVX2 when the CPU has it, the rest with Expf. It panics if src is shorter than dst.
func Logistic(dst, src []float32, s, a, b float32) {
	src = src[:len(dst)]
	n := 0
	if haveAVX2 {
		n = len(dst) &^ 7
		if n > 0 {
			logisticAVX2(&dst[0], &src[0], n, -s, a, b)
		}
	}
	if r := len(dst) - n; r > 0 && haveAVX2 {
		// The tail through the same kernel, padded to eight (see Axpy).
		var d [8]float32
		copy(d[:], src[n:])
		logisticAVX2(&d[0], &d[0], 8, -s, a, b)
		copy(dst[n:], d[:r])
		return
	}
	for i := n; i < len(dst); i++ {
		dst[i] = a/(1+Expf(-s*src[i])) + b
	}
}
