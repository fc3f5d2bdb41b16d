//go:build !amd64 || purego

package vec

// MaxPairs sets dst[j] = max(r0[2j], r0[2j+1], r1[2j], r1[2j+1]) for j < len(dst): one output
// row of a 2×2, stride-2 max pooling from two input rows. With a NaN among the four the result
// is one of them (not necessarily the NaN). It panics if r0 or r1 is shorter than 2·len(dst).
func MaxPairs(dst, r0, r1 []float32) { maxPairsGeneric(dst, r0[:2*len(dst)], r1[:2*len(dst)]) }

// BiasLeaky sets x[i] = max(x[i] + b, slope·(x[i] + b)) for i < len(x): a bias followed by the
// leaky ReLU for 0 < slope < 1, the ReLU for slope = 0, no activation for slope = 1.
func BiasLeaky(x []float32, b, slope float32) { biasLeakyGeneric(x, b, slope) }

// MaxPool2x2Arg is MaxPool2x2 that also records where each maximum is: code[o] = col + 2·row,
// the position in its 2×2 window of the window's first maximum in row-major order (out's row i
// has the values MaxPairs gives for input rows 2i and 2i+1, bit for bit). It panics if the
// lengths do not match the geometry (len(in) = n·H·W, len(out) = len(code) = n·OH·OW).
func MaxPool2x2Arg(out []float32, code []uint8, in []float32, H, W, OH, OW int) {
	poolPlanes(len(in), len(out), len(code), H, W, OH, OW)
	maxPool2x2ArgGeneric(out, code, in, H, W, OH, OW)
}

// MaxPool2x2Back is the backward pass of MaxPool2x2Arg: for each plane, adds d[o] into the
// element of g (planes H×W) at position code[o] of output o's window (d and code planes OH×OW).
// Elements of g that get nothing keep their bits (−0 stays −0). It panics if the lengths do not
// match the geometry.
func MaxPool2x2Back(g, d []float32, code []uint8, H, W, OH, OW int) {
	poolPlanes(len(g), len(d), len(code), H, W, OH, OW)
	maxPool2x2BackGeneric(g, d, code, H, W, OH, OW)
}

// MaxPool2x2 pools consecutive planes of H×W (in) into planes of OH×OW (out), 2×2 windows
// with stride 2, 2·OH ≤ H and 2·OW ≤ W: for each plane, out's row i is MaxPairs of input rows
// 2i and 2i+1, bit for bit. It panics if the lengths do not match the geometry (len(in) =
// n·H·W, len(out) = n·OH·OW).
func MaxPool2x2(out, in []float32, H, W, OH, OW int) {
	poolPlanes(len(in), len(out), len(out), H, W, OH, OW)
	maxPool2x2Rows(out, in, H, W, OH, OW)
}
