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
	if !haveAVX2 {
		maxPairsGeneric(dst, r0, r1)
		return
	}
	n := len(dst) &^ 7
	if n > 0 {
		maxPairsAVX2(&dst[0], &r0[0], &r1[0], n)
	}
	if r := len(dst) - n; r > 0 {
		// The last few outputs (all of them for rows narrower than eight, such as the 7-wide
		// rows of a 14×14 map's pooling) through the same kernel, padded to eight.
		var d [8]float32
		var p0, p1 [16]float32
		copy(p0[:], r0[2*n:])
		copy(p1[:], r1[2*n:])
		maxPairsAVX2(&d[0], &p0[0], &p1[0], 8)
		copy(dst[n:], d[:r])
	}
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
func maxPool2x2AVX2(out, in *float32, planes, rows, w, ow, nfull, tail, inStride, outStride int)

// MaxPool2x2 pools consecutive planes of H×W (in) into planes of OH×OW (out), 2×2 windows
// with stride 2, 2·OH ≤ H and 2·OW ≤ W: for each plane, out's row i is MaxPairs of input rows
// 2i and 2i+1, bit for bit. It panics if the lengths do not match the geometry (len(in) =
// n·H·W, len(out) = n·OH·OW).
func MaxPool2x2(out, in []float32, H, W, OH, OW int) {
	n := poolPlanes(len(in), len(out), len(out), H, W, OH, OW)
	if !haveAVX2 || OW < 4 || n == 0 {
		maxPool2x2Rows(out, in, H, W, OH, OW)
		return
	}
	HW, P := H*W, OH*OW
	planes2x2(n, OH, OW, func(pl, planes, rows, nfull, tail int) {
		maxPool2x2AVX2(&out[pl*P], &in[pl*HW], planes, rows, W, OW, nfull, tail, HW, P)
	}, func() {
		x := in[(n-1)*HW+2*(OH-1)*W:]
		MaxPairs(out[len(out)-OW:], x[:2*OW], x[W:W+2*OW])
	})
}

// planes2x2 runs a 2×2 plane kernel over n planes of OH output rows, OW ≥ 4 outputs wide:
// kernel(pl, planes, rows, nfull, tail) from plane pl, with nfull blocks of eight outputs a row
// and, if tail ≥ 0, one more block from output tail. Rows narrower than eight run their block
// past their end and write past it into the next row, which is computed after it; the last
// row of all has no next row, and is left to lastRow.
func planes2x2(n, OH, OW int, kernel func(pl, planes, rows, nfull, tail int), lastRow func()) {
	nfull, tail := OW/8, -1
	if OW%8 != 0 {
		tail = max(OW-8, 0)
	}
	if OW >= 8 {
		kernel(0, n, OH, nfull, tail)
		return
	}
	if n > 1 {
		kernel(0, n-1, OH, nfull, tail)
	}
	if OH > 1 {
		kernel(n-1, 1, OH-1, nfull, tail)
	}
	lastRow()
}

//go:noescape
func maxPool2x2ArgAVX2(out *float32, code *uint8, in *float32, planes, rows, w, ow, nfull, tail, inStride, outStride int)

//go:noescape
func maxPool2x2BackAVX2(gr, d *float32, code *uint8, planes, rows, w, ow, nloop, r, inStride, outStride int)

// MaxPool2x2Arg is MaxPool2x2 that also records where each maximum is: code[o] = col + 2·row,
// the position in its 2×2 window of the window's first maximum in row-major order (out's row i
// has the values MaxPairs gives for input rows 2i and 2i+1, bit for bit). It panics if the
// lengths do not match the geometry (len(in) = n·H·W, len(out) = len(code) = n·OH·OW).
func MaxPool2x2Arg(out []float32, code []uint8, in []float32, H, W, OH, OW int) {
	n := poolPlanes(len(in), len(out), len(code), H, W, OH, OW)
	if !haveAVX2 || n == 0 {
		maxPool2x2ArgGeneric(out, code, in, H, W, OH, OW)
		return
	}
	HW, P := H*W, OH*OW
	if OW < 4 {
		for pl := range n {
			x := in[pl*HW:]
			for i := range OH {
				o := pl*P + i*OW
				maxPairsCodePadded(out[o:o+OW], code[o:o+OW], x[2*i*W:2*i*W+2*OW], x[(2*i+1)*W:(2*i+1)*W+2*OW])
			}
		}
		return
	}
	planes2x2(n, OH, OW, func(pl, planes, rows, nfull, tail int) {
		maxPool2x2ArgAVX2(&out[pl*P], &code[pl*P], &in[pl*HW], planes, rows, W, OW, nfull, tail, HW, P)
	}, func() {
		x := in[(n-1)*HW+2*(OH-1)*W:]
		maxPairsCodePadded(out[len(out)-OW:], code[len(code)-OW:], x[:2*OW], x[W:W+2*OW])
	})
}

// maxPairsCodePadded is one row of MaxPool2x2Arg narrower than eight outputs through the
// kernel, its input rows copied into a padded pair of rows.
func maxPairsCodePadded(dst []float32, code []uint8, r0, r1 []float32) {
	var p [32]float32
	var d [8]float32
	var c [8]uint8
	copy(p[:16], r0)
	copy(p[16:], r1)
	maxPool2x2ArgAVX2(&d[0], &c[0], &p[0], 1, 1, 16, 8, 1, -1, 32, 8)
	copy(dst, d[:])
	copy(code, c[:])
}

// MaxPool2x2Back is the backward pass of MaxPool2x2Arg: for each plane, adds d[o] into the
// element of g (planes H×W) at position code[o] of output o's window (d and code planes OH×OW).
// Elements of g that get nothing keep their bits (−0 stays −0). It panics if the lengths do not
// match the geometry.
func MaxPool2x2Back(g, d []float32, code []uint8, H, W, OH, OW int) {
	n := poolPlanes(len(g), len(d), len(code), H, W, OH, OW)
	if !haveAVX2 || OW < 4 || n == 0 {
		maxPool2x2BackGeneric(g, d, code, H, W, OH, OW)
		return
	}
	r := OW % 4
	nloop := OW / 4
	if r != 0 {
		nloop-- // the row's last full block goes with the tail
	}
	maxPool2x2BackAVX2(&g[0], &d[0], &code[0], n, OH, W, OW, nloop, r, H*W, OH*OW)
}
