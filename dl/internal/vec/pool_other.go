//go:build !amd64 || purego

package vec

// MaxPairs sets dst[j] = max(r0[2j], r0[2j+1], r1[2j], r1[2j+1]) for j < len(dst): one output
// row of a 2×2, stride-2 max pooling from two input rows. With a NaN among the four the result
// is one of them (not necessarily the NaN). It panics if r0 or r1 is shorter than 2·len(dst).
func MaxPairs(dst, r0, r1 []float32) { maxPairsGeneric(dst, r0[:2*len(dst)], r1[:2*len(dst)]) }

// BiasLeaky sets x[i] = max(x[i] + b, slope·(x[i] + b)) for i < len(x): a bias followed by the
// leaky ReLU for 0 < slope < 1, the ReLU for slope = 0, no activation for slope = 1.
func BiasLeaky(x []float32, b, slope float32) { biasLeakyGeneric(x, b, slope) }

// MaxPairsArg is MaxPairs that also records where each maximum is: arg[j] = base + 2j + col +
// row·w for the window's first maximum in row-major order (r0[2j], r0[2j+1], r1[2j],
// r1[2j+1]), with (row, col) its position in the window; with r0 and r1 rows y and y+1 of a
// plane w wide, base = y·w makes arg the index in the plane. It panics if arg is shorter than
// dst or r0 or r1 shorter than 2·len(dst).
func MaxPairsArg(dst []float32, arg []int32, r0, r1 []float32, base, w int32) {
	maxPairsArgGeneric(dst, arg[:len(dst)], r0[:2*len(dst)], r1[:2*len(dst)], base, w)
}
