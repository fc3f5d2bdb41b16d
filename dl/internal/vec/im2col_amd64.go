//go:build amd64 && !purego

package vec

import (
	"unsafe"

	"github.com/deepnb/deepnb/dl/internal/par"
)

//go:noescape
func im2colS1AVX512(dst, src *float32, tab *uint32, c, hw, h, w, kh, kw, d, p, ytop, nr, ow, nb int)

//go:noescape
func im2colS1RowsAVX2(dst, src, scr *float32, tab *uint64, c, hw, w, kh, kw, d, p, nr, cpSrc, cpDst, cpN, ctail int)

//go:noescape
func im2colS1AVX2(dst, src *float32, tab *im2colBlock, c, hw, h, w, kh, kw, d, p, ytop, nr, ow, nb int)

// im2colBlock is one block of 8 output columns of one tap column for im2colS1AVX2 (which
// reads its fields at these offsets: 96 bytes).
type im2colBlock struct {
	idx  [8]int32 // the lane of the loaded image columns that each lane takes (VPERMPS)
	keep [8]int32 // −1 for the lanes that read the image, 0 for those that are zero
	src  int      // byte offset in the image row of the first image column loaded
	dst  int      // byte offset in the output row of the block's first column
	edge int      // 1 if some lane reads outside the image, else 0 (idx is the identity)
	_    int
}

// The assembly's offsets: a compile error here if they change.
var (
	_ = [1]int{}[unsafe.Sizeof(im2colBlock{})-96]
	_ = [1]int{}[unsafe.Offsetof(im2colBlock{}.keep)-32]
	_ = [1]int{}[unsafe.Offsetof(im2colBlock{}.src)-64]
	_ = [1]int{}[unsafe.Offsetof(im2colBlock{}.dst)-72]
	_ = [1]int{}[unsafe.Offsetof(im2colBlock{}.edge)-80]
)

// Im2colS1 writes into col the im2col matrix of a stride-1 convolution for the nr output rows
// from oy0: the image img, c planes of h×w, read through kh×kw taps with dilation d and
// padding p at ow output columns. Row (ch·kh + u)·kw + v of col, nr·ow floats long (the rows
// follow each other), holds at column i·ow + j the pixel img[ch, oy0 + i + u·d − p, j + v·d − p],
// or 0 where that is outside the image. It copies straight from the image in one call for the
// whole matrix: with AVX-512 each block of 16 columns as one masked load and store, with AVX2
// in blocks of 8 with the image's edges moved into place; for the cnn's 14- and 28-wide "same"
// convolutions with long taps, with either, each tap as a stream of aligned vectors. It reports
// false, writing nothing, where it has no kernel for the shape (the portable set; AVX2 unless
// w ≥ 8 and 8 ≤ ow ≤ 16, or a long stream; very wide rows for a wide kernel), and the caller
// builds the matrix itself. It panics if col or img is too short.
func Im2colS1(col, img []float32, c, h, w, kh, kw, d, p, ow, oy0, nr int) bool {
	if c <= 0 || kh <= 0 || kw <= 0 || nr <= 0 || ow <= 0 || h <= 0 || w <= 0 {
		return false
	}
	switch {
	case haveAVX2 && haveBMI2 && ow == w && (w == 14 || w == 28) && nr*w >= 512 && nr*w < 1<<15 && kw <= 16:
		// The cnn's "same" convolutions with long taps: stream copies from a plane of the
		// rows read, between zero rows (see im2colS1RowsAVX2), with AVX2 or AVX-512. On
		// short taps (cnn2's 196 floats) the per-tap set-up and the vectors at both ends cost
		// more than the aligned stores saved (BenchmarkIm2col, Zen 4, a version with masked
		// AVX-512 loads and stores: cnn2 5.0 → 5.6 µs); on cnn1's 784 floats, AVX-512
		// 1.03 → 0.90 µs, AVX2 1.3 (the caller's copy) → 0.90.
		_ = col[c*kh*kw*nr*ow-1]
		_ = img[c*h*w-1]
		var tab [16]uint64
		for v := range kw {
			lo, hi := Inside(v*d-p, w, ow)
			cols := uint64(1)<<hi - uint64(1)<<lo
			for r := 0; r < w+16; r += w {
				tab[v] |= cols << r
			}
		}
		r0 := oy0 - p                    // the image row of the plane's first row
		r1 := r0 + (kh-1)*d + nr         // and past its last
		y0, y1 := max(0, r0), min(h, r1) // the image rows in it
		slack := p + 16                  // AVX2's unmasked loads reach p floats beyond the plane
		buf := par.GetScratch((r1-r0)*w + 2*slack)
		scr := (*buf)[slack : slack+(r1-r0)*w]
		if y1 <= y0 {
			clear(scr)
			y1 = y0
		} else {
			clear(scr[:(y0-r0)*w])
			clear(scr[(y1-r0)*w:])
		}
		ctail := (nr*w - 16) % w
		im2colS1RowsAVX2(&col[0], &img[0], &scr[0], &tab[0], c, h*w, w, kh, kw, d, p, nr, y0*w, (y0-r0)*w, (y1-y0)*w, ctail)
		par.PutScratch(buf)
		return true
	case haveAVX512 && kw*((ow+15)/16) <= 128:
		// The kernels read pixels of the image's c·h·w only (the masked loads may point
		// before or after a row but load only the lanes inside it).
		_ = col[c*kh*kw*nr*ow-1]
		_ = img[c*h*w-1]
		nb := (ow + 15) / 16
		var tab [128]uint32
		for v := range kw {
			lo, hi := Inside(v*d-p, w, ow)
			for k := range nb {
				j0 := 16 * k
				load := laneMask(hi-j0) &^ laneMask(lo-j0)
				tab[v*nb+k] = load | laneMask(ow-j0)<<16
			}
		}
		im2colS1AVX512(&col[0], &img[0], &tab[0], c, h*w, h, w, kh, kw, d, p, oy0-p, nr, ow, nb)
		return true
	case haveAVX2 && w >= 8 && ow >= 8 && ow <= 16 && kw <= 16:
		// Two blocks a row at most: on wider rows (the cnn's 28) the blocks went down the rows
		// one after the other, and were slower than the caller's copy (BenchmarkIm2col, cnn1,
		// AMD EPYC Zen 4: 1.7 against 1.3 µs).
		_ = col[c*kh*kw*nr*ow-1]
		_ = img[c*h*w-1]
		nb := (ow + 7) / 8
		var tab [32]im2colBlock
		for v := range kw {
			xoff := v*d - p
			for k := range nb {
				j0 := min(8*k, ow-8)
				b := &tab[v*nb+k]
				b.dst = 4 * j0
				sc := xoff + j0 // the image column that the block's first lane reads
				if sc >= 0 && sc+8 <= w {
					b.src = 4 * sc
					for l := range 8 { // for the two-block rows, which permute every block
						b.idx[l], b.keep[l] = int32(l), -1
					}
					continue
				}
				so := min(max(sc, 0), w-8) // the 8 columns loaded: all in the row
				b.src, b.edge = 4*so, 1
				for l := range 8 {
					b.idx[l] = int32((sc + l - so) & 7)
					if x := sc + l; x >= 0 && x < w {
						b.keep[l] = -1
					}
				}
			}
		}
		im2colS1AVX2(&col[0], &img[0], &tab[0], c, h*w, h, w, kh, kw, d, p, oy0-p, nr, ow, nb)
		return true
	}
	return false
}

// laneMask returns the mask of the first n of 16 lanes, n clamped to [0, 16].
func laneMask(n int) uint32 {
	return 1<<min(max(n, 0), 16) - 1
}
