//go:build amd64 && !purego

package vec

//go:noescape
func maxPairsAVX2(dst, r0, r1 *float32, n int)

//go:noescape
func biasLeakyAVX2(x *float32, n int, b, slope float32)

// MaxPairs sets dst[j] = max(r0[2j], r0[2j+1], r1[2j], r1[2j+1]) for j < len(dst): one output
// row of a 2×2, stride-2 max pooling from two input rows. With a NaN among the four the result
// is one of them (not necessarily the NaN). It panics if r0 or r1 is shorter than 2·len(dst).
func MaxPairs(dst, r0, r1 []float32) {
	r0, r1 = r0[:2*len(dst)], r1[:2*len(dst)]
	n := 0
	if haveAVX2 {
		if n = len(dst) &^ 7; n > 0 {
			maxPairsAVX2(&dst[0], &r0[0], &r1[0], n)
		}
	}
	maxPairsGeneric(dst[n:], r0[2*n:], r1[2*n:])
}

// BiasLeaky sets x[i] = max(x[i] + b, slope·(x[i] + b)) for i < len(x): a bias followed by the
// leaky ReLU for 0 < slope < 1, the ReLU for slope = 0, no activation for slope = 1.
func BiasLeaky(x []float32, b, slope float32) {
	n := 0
	if haveAVX2 {
		if n = len(x) &^ 7; n > 0 {
			biasLeakyAVX2(&x[0], n, b, slope)
		}
	}
	biasLeakyGeneric(x[n:], b, slope)
}

//go:noescape
func maxPairsArgAVX2(dst *float32, arg *int32, r0, r1 *float32, n int, base, w int32)

// MaxPairsArg is MaxPairs that also records where each maximum is: arg[j] = base + 2j + col +
// row·w for the window's first maximum in row-major order (r0[2j], r0[2j+1], r1[2j],
// r1[2j+1]), with (row, col) its position in the window; with r0 and r1 rows y and y+1 of a
// plane w wide, base = y·w makes arg the index in the plane. It panics if arg is shorter than
// dst or r0 or r1 shorter than 2·len(dst).
func MaxPairsArg(dst []float32, arg []int32, r0, r1 []float32, base, w int32) {
	arg = arg[:len(dst)]
	r0, r1 = r0[:2*len(dst)], r1[:2*len(dst)]
	n := 0
	if haveAVX2 {
		if n = len(dst) &^ 7; n > 0 {
			maxPairsArgAVX2(&dst[0], &arg[0], &r0[0], &r1[0], n, base, w)
		}
	}
	maxPairsArgGeneric(dst[n:], arg[n:], r0[2*n:], r1[2*n:], base+2*int32(n), w)
}
