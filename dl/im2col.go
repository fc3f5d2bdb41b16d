package dl

import (
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// convGeom is the geometry of one group of one image of a convolution: an image of c×h×w
// read through kh×kw windows (stride s, padding p, dilation d) at oh×ow positions. Its im2col
// matrix has c·kh·kw rows, one per (channel, tap), and oh·ow columns, one per position.
type convGeom struct {
	c, h, w, kh, kw, s, p, d, oh, ow int
}

func (g *convGeom) k() int { return g.c * g.kh * g.kw }

// identity reports whether the im2col matrix is the image itself (1×1 kernel, stride 1, no
// padding), so no copy is needed.
func (g *convGeom) identity() bool {
	return g.kh == 1 && g.kw == 1 && g.s == 1 && g.p == 0
}

// smallBatchBands is the number of bands per phase that bands aims at for a small batch. A
// constant, not par.Workers: the bands decide the order in which gradients are summed, so
// that must not depend on the core count.
const smallBatchBands = 2

// bands splits the oh output rows into nch bands of R rows whose im2col columns are built
// and multiplied at once: about 512 KiB of columns per band (to stay in cache), and at least
// (kh−1)·d/s rows, so that bands two apart never touch the same image rows (col2im then runs
// even and odd bands in two parallel phases). With fewer images than 2·smallBatchBands the
// band count is rounded up to a multiple of 2·smallBatchBands so that both phases split
// evenly.
func (g *convGeom) bands(n int) (R, nch int) {
	const target = 128 << 10 // floats
	oh := max(1, g.oh)
	cols := max(256, target/max(1, g.k()))
	r := max(1, (cols+g.ow-1)/max(1, g.ow))
	rmin := max(1, ((g.kh-1)*g.d+g.s-1)/g.s)
	nch = (oh + r - 1) / r
	if q := 2 * smallBatchBands; n < q {
		nch = (nch + q - 1) / q * q
	}
	R = max(rmin, (oh+nch-1)/nch)
	return R, (oh + R - 1) / R
}

// cols returns the im2col matrix for output rows [oy0, oy1) of img and its row stride:
// img itself when the geometry is the identity, otherwise col filled by im2col.
func (g *convGeom) cols(img, col []float32, oy0, oy1 int) ([]float32, int) {
	if g.identity() {
		return img[oy0*g.ow:], g.oh * g.ow
	}
	g.im2col(img, col, oy0, oy1)
	return col, (oy1 - oy0) * g.ow
}

// span returns the output columns [lo, hi) whose tap at horizontal offset off = v·d − p
// falls inside the image: 0 ≤ j·s + off < w.
func (g *convGeom) span(off int) (lo, hi int) {
	if off < 0 {
		lo = (-off + g.s - 1) / g.s
	}
	if last := g.w - 1 - off; last >= 0 {
		hi = min(g.ow, last/g.s+1)
	}
	lo = min(lo, g.ow)
	return lo, max(lo, hi)
}

// band returns the padded image rows that output rows [oy0, oy1) read: they start at image
// row y0 (possibly negative, in the padding) and there are n of them, each w + 2p wide.
func (g *convGeom) band(oy0, oy1 int) (y0, n, wp int) {
	return oy0*g.s - g.p, (oy1-oy0-1)*g.s + (g.kh-1)*g.d + 1, g.w + 2*g.p
}

// im2col writes the columns for output rows [oy0, oy1) into col, a (c·kh·kw)×((oy1−oy0)·ow)
// row-major matrix; taps outside the image give 0. With stride 1 an assembly kernel copies the
// rows straight from the image in one call (vec.Im2colS1). Otherwise each channel's rows are
// first copied into a zero-bordered scratch band, so that the inner loop is a plain copy with
// no edge tests.
func (g *convGeom) im2col(img, col []float32, oy0, oy1 int) {
	ow, hw := g.ow, g.h*g.w
	nr := oy1 - oy0
	if g.s == 1 && vec.Im2colS1(col, img, g.c, g.h, g.w, g.kh, g.kw, g.d, g.p, ow, oy0, nr) {
		return
	}
	cols := nr * ow
	y0, bh, wp := g.band(oy0, oy1)
	buf := par.GetScratch(bh * wp)
	defer par.PutScratch(buf)
	pad := *buf
	clear(pad)
	r := 0
	for c := range g.c {
		plane := img[c*hw : (c+1)*hw]
		for i := range bh {
			if y := y0 + i; y >= 0 && y < g.h {
				copy(pad[i*wp+g.p:i*wp+g.p+g.w], plane[y*g.w:(y+1)*g.w])
			} else if c > 0 {
				continue // still zero from the first channel
			}
		}
		for u := range g.kh {
			for v := range g.kw {
				row := col[r*cols : (r+1)*cols]
				r++
				if g.s == 1 {
					// One call for the tap's nr rows (one memmove per row of 14 or 28
					// floats was a fifth of a cnn training step).
					vec.CopyRows(row, ow, pad[u*g.d*wp+v*g.d:], wp, nr, ow)
					continue
				}
				for oy := range nr {
					dst := row[oy*ow : (oy+1)*ow]
					src := pad[(oy*g.s+u*g.d)*wp+v*g.d:]
					src = src[:(ow-1)*g.s+1]
					for j := range dst {
						dst[j] = src[j*g.s]
					}
				}
			}
		}
	}
}

// col2im adds the columns for output rows [oy0, oy1) in col back into img: the adjoint of
// im2col. It sums into a zero-bordered scratch band per channel and adds the band's interior
// to the image.
func (g *convGeom) col2im(col, img []float32, oy0, oy1 int) {
	ow, hw := g.ow, g.h*g.w
	nr := oy1 - oy0
	cols := nr * ow
	y0, bh, wp := g.band(oy0, oy1)
	buf := par.GetScratch(bh * wp)
	defer par.PutScratch(buf)
	pad := *buf
	r := 0
	for c := range g.c {
		clear(pad)
		for u := range g.kh {
			for v := range g.kw {
				row := col[r*cols : (r+1)*cols]
				r++
				for oy := range nr {
					src := row[oy*ow : (oy+1)*ow]
					dst := pad[(oy*g.s+u*g.d)*wp+v*g.d:]
					if g.s == 1 {
						addSlice(dst, src)
					} else {
						dst = dst[:(ow-1)*g.s+1]
						for j, x := range src {
							dst[j*g.s] += x
						}
					}
				}
			}
		}
		plane := img[c*hw : (c+1)*hw]
		for i := range bh {
			if y := y0 + i; y >= 0 && y < g.h {
				addSlice(plane[y*g.w:(y+1)*g.w], pad[i*wp+g.p:i*wp+g.p+g.w])
			}
		}
	}
}
