package dl

import (
	"cmp"
	"fmt"
	"math/bits"
	"sync"

	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
)

// ConvOpts configures Conv2D. The zero value is a stride-1, unpadded, undilated, ungrouped
// convolution. The same value applies to height and width.
type ConvOpts struct {
	Stride   int // step between windows; 0 means 1
	Padding  int // zeros added on each side of H and W
	Dilation int // spacing between kernel taps (1 = dense kernel); 0 means 1
	Groups   int // channel groups: input and output channels split into Groups independent convolutions; 0 means 1
}

// ConvTransposeOpts configures ConvTranspose2D. Stride, Padding, Dilation and Groups are those
// of the Conv2D that ConvTranspose2D is the adjoint of; OutputPadding (smaller than Stride)
// adds rows and columns at the bottom and right of the output, choosing among the output sizes
// that the forward convolution maps to the same input size.
type ConvTransposeOpts struct {
	Stride        int // 0 means 1
	Padding       int
	OutputPadding int
	Dilation      int // 0 means 1
	Groups        int // 0 means 1
}

// Conv2D returns the 2-D cross-correlation of x with the filters w plus the bias b, in NCHW
// layout:
//
//	x [N, C, H, W], w [F, C/G, KH, KW], b [F] or nil  →  y [N, F, OH, OW]
//	y[n,f,i,j] = b[f] + Σ_{c,u,v} w[f,c,u,v] · x[n, g·C/G + c, i·s − p + u·d, j·s − p + v·d]
//
// with s = Stride, p = Padding, d = Dilation, G = Groups, g = f / (F/G) the filter's group,
// x read as 0 outside the image, and OH = ⌊(H + 2p − d·(KH−1) − 1)/s⌋ + 1 (OW likewise).
//
// It computes one GEMM per image (or per band of output rows for large images) on the im2col
// matrix, in parallel over the batch; the backward pass computes dw = dy·colᵀ (reusing the
// forward pass's im2col matrices), db = Σ dy, and dx either as dcol = wᵀ·dy folded back by
// col2im or, for stride 1 and at least 32 channels per group, as the correlation of dy with
// the flipped kernel (see dxByCorrelation), with the same structure.
//
// Conv2D panics with a *ShapeError if x or w is not 4-D, the channels do not match
// (C ≠ G·w.Dim(1)), F or C is not divisible by G, b is not [F], an option is negative, or the
// kernel does not fit in the padded input. The result owns new memory.
func Conv2D(x, w, b *Tensor, opts ConvOpts) *Tensor {
	const op = "Conv2D"
	if x.Dims() != 4 || w.Dims() != 4 {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: "want x [N C H W] and w [F C/G KH KW]"})
	}
	s, p, d, G := convOpts(op, x, w, opts.Stride, opts.Padding, opts.Dilation, opts.Groups)
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	F, Cg, KH, KW := w.shape[0], w.shape[1], w.shape[2], w.shape[3]
	if C%G != 0 || F%G != 0 || Cg*G != C {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: fmt.Sprintf("channels do not match (groups %d)", G)})
	}
	if b != nil && (b.Dims() != 1 || b.shape[0] != F) {
		panic(&ShapeError{Op: op, A: w.shape, B: b.shape, Msg: "bias must be [F]"})
	}
	OH := (H+2*p-d*(KH-1)-1)/s + 1
	OW := (W+2*p-d*(KW-1)-1)/s + 1
	if H+2*p-d*(KH-1)-1 < 0 || W+2*p-d*(KW-1)-1 < 0 {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: fmt.Sprintf("kernel larger than padded input (padding %d, dilation %d)", p, d)})
	}
	g := convGeom{c: Cg, h: H, w: W, kh: KH, kw: KW, s: s, p: p, d: d, oh: OH, ow: OW}
	Fg, K, P := F/G, g.k(), OH*OW
	xd, wd := x.data, w.data
	var bd []float32
	if b != nil {
		bd = b.data
	}
	out := make([]float32, N*F*P)
	R, nch := g.bands(N)
	// When dw will be wanted, the im2col matrices are kept for the backward pass (one per band
	// and group, band = K×R·OW floats) instead of being rebuilt there.
	var saved *[]float32
	band := K * R * OW
	if w.requiresGrad && GradEnabled() && !g.identity() {
		saved = getScratch(N * nch * G * band)
	}
	forWorkers(N*nch, 1, func(_, lo, hi int) {
		var col []float32
		if !g.identity() && saved == nil {
			buf := getScratch(band)
			defer putScratch(buf)
			col = *buf
		}
		for it := lo; it < hi; it++ {
			n, ch := it/nch, it%nch
			oy0, oy1 := ch*R, min(OH, (ch+1)*R)
			cols := (oy1 - oy0) * OW
			for gi := range G {
				img := xd[(n*C+gi*Cg)*H*W:]
				if saved != nil {
					col = (*saved)[(it*G+gi)*band : (it*G+gi+1)*band]
				}
				src, ldb := g.cols(img, col, oy0, oy1)
				off := (n*F+gi*Fg)*P + oy0*OW
				gemm.Sgemm(false, false, Fg, cols, K, 1, wd[gi*Fg*K:], K, src, ldb, 0, out[off:], P)
				if bd != nil {
					for f := range Fg {
						bv := bd[gi*Fg+f]
						row := out[off+f*P : off+f*P+cols]
						for i := range row {
							row[i] += bv
						}
					}
				}
			}
		}
	})
	inputs := []*Tensor{x, w}
	if b != nil {
		inputs = append(inputs, b)
	}
	backward := func(o *Tensor) {
		dy := o.grad.data
		needX, needW, needB := x.requiresGrad, w.requiresGrad, b != nil && b.requiresGrad
		var dx []float32
		if needX {
			dx = x.gradData()
		}
		acc := newAccs(needW, F*K, needB, F)
		defer acc.release()
		if saved != nil {
			// The graph may be walked once only: the columns go back to the pool.
			defer func() { putScratch(saved); saved = nil }()
		}
		// dw is accumulated per worker, as dwᵀ = col·dyᵀ [K, Fg] per group when K ≥ 4·Fg (then
		// col, the big operand, packs faster as A; measured on the cnn workload's shapes), else
		// as dw = dy·colᵀ [Fg, K].
		wT := K >= 4*Fg
		// dx comes either from the correlation of dy with the flipped kernel (after the loop) or,
		// in the loop, from dcol = wᵀ·dy folded back by col2im.
		corr := needX && dxByCorrelation(&g)
		colX := needX && !corr
		// Bands of the same image overlap in dx; even bands never overlap each other (see
		// bands), so with col2im the bands run in two phases.
		phases := 1
		if colX && nch > 1 {
			phases = 2
		}
		if !needW && !needB && !colX {
			phases = 0
		}
		for ph := range phases {
			per := (nch - ph + phases - 1) / phases // bands in this phase per image
			forWorkers(N*per, 1, func(wk, lo, hi int) {
				var col, dcol []float32
				if !g.identity() {
					if needW && saved == nil {
						buf := getScratch(K * R * OW)
						defer putScratch(buf)
						col = *buf
					}
					if colX {
						buf := getScratch(K * R * OW)
						defer putScratch(buf)
						dcol = *buf
					}
				}
				for it := lo; it < hi; it++ {
					n, ch := it/per, (it%per)*phases+ph
					oy0, oy1 := ch*R, min(OH, (ch+1)*R)
					cols := (oy1 - oy0) * OW
					for gi := range G {
						dyg := dy[(n*F+gi*Fg)*P+oy0*OW:]
						if needW {
							var src []float32
							var ldb int
							if saved != nil {
								base := (n*nch + ch) * G
								src, ldb = (*saved)[(base+gi)*band:], cols
							} else {
								src, ldb = g.cols(xd[(n*C+gi*Cg)*H*W:], col, oy0, oy1)
							}
							if wT {
								gemm.Sgemm(false, true, K, Fg, cols, 1, src, ldb, dyg, P, 1, acc.w[wk][gi*K*Fg:], Fg)
							} else {
								gemm.Sgemm(false, true, Fg, K, cols, 1, dyg, P, src, ldb, 1, acc.w[wk][gi*Fg*K:], K)
							}
						}
						if colX {
							img := dx[(n*C+gi*Cg)*H*W:]
							if g.identity() {
								gemm.Sgemm(true, false, K, cols, Fg, 1, wd[gi*Fg*K:], K, dyg, P, 1, img[oy0*OW:], P)
							} else {
								gemm.Sgemm(true, false, K, cols, Fg, 1, wd[gi*Fg*K:], K, dyg, P, 0, dcol, cols)
								g.col2im(dcol, img, oy0, oy1)
							}
						}
						if needB {
							ab := acc.b[wk][gi*Fg:]
							for f := range Fg {
								ab[f] += sumSlice(dyg[f*P : f*P+cols])
							}
						}
					}
				}
			})
		}
		if corr {
			convDxCorrelation(dy, wd, dx, &g, N, F, G)
		}
		if needW && !wT {
			acc.reduceW(w.gradData())
		}
		if needW && wT {
			dw := w.gradData()
			for _, part := range acc.w {
				for gi := range G {
					pg := part[gi*K*Fg : (gi+1)*K*Fg]
					for f := range Fg {
						row := dw[(gi*Fg+f)*K : (gi*Fg+f+1)*K]
						for r := range row {
							row[r] += pg[r*Fg+f]
						}
					}
				}
			}
		}
		if needB {
			acc.reduceB(b.gradData())
		}
	}
	return newOp(op, out, []int{N, F, OH, OW}, backward, inputs...)
}

// ConvTranspose2D returns the transposed convolution (the adjoint of Conv2D with the same
// options, sometimes called a fractionally strided convolution or "deconvolution") of x with
// w, plus the bias b:
//
//	x [N, C, H, W], w [C, F/G, KH, KW], b [F] or nil  →  y [N, F, OH, OW]
//	OH = (H−1)·s − 2p + d·(KH−1) + op + 1   (OW likewise)
//	y[n, g·F/G + f, i·s − p + u·d, j·s − p + v·d] += w[g·C/G + c, f, u, v] · x[n, g·C/G + c, i, j]
//
// plus b[f] everywhere, with s = Stride, p = Padding, d = Dilation, op = OutputPadding and
// G = Groups: each input pixel scatters a copy of the kernel, scaled by its value, into the
// output. Without bias, ⟨Conv2D(y, w), x⟩ = ⟨y, ConvTranspose2D(x, w)⟩ for every y of the
// output's shape. It is computed as col = wᵀ·x followed by col2im, one GEMM per image.
//
// ConvTranspose2D panics with a *ShapeError if x or w is not 4-D, x.Dim(1) ≠ w.Dim(0), the
// channels are not divisible by G, b is not [F], an option is negative, OutputPadding ≥
// Stride, or the output would be empty. The result owns new memory.
func ConvTranspose2D(x, w, b *Tensor, opts ConvTransposeOpts) *Tensor {
	const op = "ConvTranspose2D"
	if x.Dims() != 4 || w.Dims() != 4 {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: "want x [N C H W] and w [C F/G KH KW]"})
	}
	s, p, d, G := convOpts(op, x, w, opts.Stride, opts.Padding, opts.Dilation, opts.Groups)
	opad := opts.OutputPadding
	if opad < 0 || opad >= s {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: fmt.Sprintf("output padding %d not in [0, stride %d)", opad, s)})
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	Cw, Fg, KH, KW := w.shape[0], w.shape[1], w.shape[2], w.shape[3]
	if Cw != C || C%G != 0 {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: fmt.Sprintf("channels do not match (groups %d)", G)})
	}
	F, Cg := Fg*G, C/G
	if b != nil && (b.Dims() != 1 || b.shape[0] != F) {
		panic(&ShapeError{Op: op, A: w.shape, B: b.shape, Msg: fmt.Sprintf("bias must be [%d]", F)})
	}
	OH := (H-1)*s - 2*p + d*(KH-1) + opad + 1
	OW := (W-1)*s - 2*p + d*(KW-1) + opad + 1
	if OH <= 0 || OW <= 0 || H == 0 || W == 0 {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: fmt.Sprintf("empty output (padding %d)", p)})
	}
	// The Conv2D geometry whose adjoint this is: image = our output, columns = our input.
	g := convGeom{c: Fg, h: OH, w: OW, kh: KH, kw: KW, s: s, p: p, d: d, oh: H, ow: W}
	K, P, OP := g.k(), H*W, OH*OW
	xd, wd := x.data, w.data
	out := make([]float32, N*F*OP)
	R, nch := g.bands(N)
	phases := 1
	if nch > 1 {
		phases = 2
	}
	for ph := range phases {
		per := (nch - ph + phases - 1) / phases
		forWorkers(N*per, 1, func(_, lo, hi int) {
			var col []float32
			if !g.identity() {
				buf := getScratch(K * R * W)
				defer putScratch(buf)
				col = *buf
			}
			for it := lo; it < hi; it++ {
				n, ch := it/per, (it%per)*phases+ph
				iy0, iy1 := ch*R, min(H, (ch+1)*R)
				cols := (iy1 - iy0) * W
				for gi := range G {
					xg := xd[(n*C+gi*Cg)*P+iy0*W:]
					img := out[(n*F+gi*Fg)*OP:]
					if g.identity() {
						gemm.Sgemm(true, false, K, cols, Cg, 1, wd[gi*Cg*K:], K, xg, P, 0, img[iy0*W:], OP)
					} else {
						gemm.Sgemm(true, false, K, cols, Cg, 1, wd[gi*Cg*K:], K, xg, P, 0, col, cols)
						g.col2im(col, img, iy0, iy1)
					}
				}
			}
		})
	}
	if b != nil {
		addChannelBias(out, b.data, N, F, OP)
	}
	inputs := []*Tensor{x, w}
	if b != nil {
		inputs = append(inputs, b)
	}
	backward := func(o *Tensor) {
		dy := o.grad.data
		needX, needW, needB := x.requiresGrad, w.requiresGrad, b != nil && b.requiresGrad
		var dx []float32
		if needX {
			dx = x.gradData()
		}
		acc := newAccs(needW, C*K, false, 0)
		defer acc.release()
		if needX || needW {
			forWorkers(N*nch, 1, func(wk, lo, hi int) {
				var col []float32
				if !g.identity() {
					buf := getScratch(K * R * W)
					defer putScratch(buf)
					col = *buf
				}
				for it := lo; it < hi; it++ {
					n, ch := it/nch, it%nch
					iy0, iy1 := ch*R, min(H, (ch+1)*R)
					cols := (iy1 - iy0) * W
					for gi := range G {
						src, ldb := g.cols(dy[(n*F+gi*Fg)*OP:], col, iy0, iy1)
						xo := (n*C+gi*Cg)*P + iy0*W
						if needX {
							gemm.Sgemm(false, false, Cg, cols, K, 1, wd[gi*Cg*K:], K, src, ldb, 1, dx[xo:], P)
						}
						if needW {
							gemm.Sgemm(false, true, Cg, K, cols, 1, xd[xo:], P, src, ldb, 1, acc.w[wk][gi*Cg*K:], K)
						}
					}
				}
			})
		}
		if needW {
			acc.reduceW(w.gradData())
		}
		if needB {
			channelSums(b.gradData(), dy, N, F, OP)
		}
	}
	return newOp(op, out, []int{N, F, OH, OW}, backward, inputs...)
}

// dxByCorrelation decides how Conv2D's backward pass computes dx for geometry g. For stride 1,
// square kernels and padding within the kernel's reach it uses the correlation of dy with the
// flipped, transposed kernel (convDxCorrelation): an im2col of dy (copies) and a GEMM shaped
// like the forward one, instead of a thin GEMM (inner dimension F/G) and col2im (scattered
// adds). That pays when there are enough channels per group to fill the GEMM's rows. It is a
// variable so that tests can force either path.
var dxByCorrelation = func(g *convGeom) bool {
	return g.s == 1 && g.kh == g.kw && g.p <= g.d*(g.kh-1) && g.c >= 32 && !g.identity()
}

// convDxCorrelation adds into dx [N, C, H, W] the gradient of Conv2D with geometry g (stride 1,
// kh = kw) for the output gradient dy [N, F, OH, OW] and weights wd [F, C/G, KH, KW]:
//
//	dx[n, c, a, b] = Σ_{f,u,v} w[f, c, KH−1−u, KW−1−v] · dy[n, f, a − p′ + u·d, b − p′ + v·d]
//
// with p′ = d·(KH−1) − p: a stride-1 convolution of dy, padded by p′, with the kernel flipped
// in space and with its channel axes swapped (per group).
func convDxCorrelation(dy, wd, dx []float32, g *convGeom, N, F, G int) {
	Cg, Fg, KH, KW := g.c, F/G, g.kh, g.kw
	KK := KH * KW
	K2 := Fg * KK
	fb := getScratch(G * Cg * K2)
	defer putScratch(fb)
	wf := *fb
	for gi := range G {
		for f := range Fg {
			for c := range Cg {
				src := wd[((gi*Fg+f)*Cg+c)*KK:][:KK]
				dst := wf[((gi*Cg+c)*Fg+f)*KK:][:KK]
				for i, v := range src {
					dst[KK-1-i] = v // (u, v) → (KH−1−u, KW−1−v)
				}
			}
		}
	}
	g2 := convGeom{c: Fg, h: g.oh, w: g.ow, kh: KH, kw: KW, s: 1, p: g.d*(KH-1) - g.p, d: g.d, oh: g.h, ow: g.w}
	R, nch := g2.bands(N)
	C, HW, P := Cg*G, g.h*g.w, g.oh*g.ow
	forWorkers(N*nch, 1, func(_, lo, hi int) {
		buf := getScratch(K2 * R * g.w)
		defer putScratch(buf)
		for it := lo; it < hi; it++ {
			n, ch := it/nch, it%nch
			y0, y1 := ch*R, min(g.h, (ch+1)*R)
			cols := (y1 - y0) * g.w
			for gi := range G {
				src, ldb := g2.cols(dy[(n*F+gi*Fg)*P:], *buf, y0, y1)
				gemm.Sgemm(false, false, Cg, cols, K2, 1, wf[gi*Cg*K2:], K2, src, ldb, 1, dx[(n*C+gi*Cg)*HW+y0*g.w:], HW)
			}
		}
	})
}

// convOpts validates and defaults stride, padding, dilation and groups.
func convOpts(op string, x, w *Tensor, s, p, d, g int) (int, int, int, int) {
	if s < 0 || p < 0 || d < 0 || g < 0 {
		panic(&ArgError{Op: op, Arg: "options", Value: fmt.Sprintf("(stride %d, padding %d, dilation %d, groups %d)", s, p, d, g), Msg: "include a negative one"})
	}
	return cmp.Or(s, 1), p, cmp.Or(d, 1), cmp.Or(g, 1)
}

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

// bands splits the oh output rows into nch bands of R rows whose im2col columns are built
// and multiplied at once: about 512 KiB of columns per band (to stay in cache), and at least
// (kh−1)·d/s rows, so that bands two apart never touch the same image rows (col2im then runs
// even and odd bands in two parallel phases). With fewer images than 2·par.Workers the band
// count is rounded up to a multiple of 2·par.Workers so that both phases split evenly.
func (g *convGeom) bands(n int) (R, nch int) {
	const target = 128 << 10 // floats
	oh := max(1, g.oh)
	cols := max(256, target/max(1, g.k()))
	r := max(1, (cols+g.ow-1)/max(1, g.ow))
	rmin := max(1, ((g.kh-1)*g.d+g.s-1)/g.s)
	nch = (oh + r - 1) / r
	if q := 2 * par.Workers; n < q {
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
// row-major matrix; taps outside the image give 0. Each channel's rows are first copied into a
// zero-bordered scratch band, so that the inner loop is a plain copy with no edge tests.
func (g *convGeom) im2col(img, col []float32, oy0, oy1 int) {
	ow, hw := g.ow, g.h*g.w
	nr := oy1 - oy0
	cols := nr * ow
	y0, bh, wp := g.band(oy0, oy1)
	buf := getScratch(bh * wp)
	defer putScratch(buf)
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
				for oy := range nr {
					dst := row[oy*ow : (oy+1)*ow]
					src := pad[(oy*g.s+u*g.d)*wp+v*g.d:]
					if g.s == 1 {
						copy(dst, src[:ow])
					} else {
						src = src[:(ow-1)*g.s+1]
						for j := range dst {
							dst[j] = src[j*g.s]
						}
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
	buf := getScratch(bh * wp)
	defer putScratch(buf)
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

// addSlice sets dst[i] += src[i]; len(dst) must be at least len(src). Unrolled by four, which
// runs about twice as fast as the plain loop.
func addSlice(dst, src []float32) {
	dst = dst[:len(src)]
	i := 0
	for ; i+4 <= len(src); i += 4 {
		d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
		d[0] += s[0]
		d[1] += s[1]
		d[2] += s[2]
		d[3] += s[3]
	}
	for ; i < len(src); i++ {
		dst[i] += src[i]
	}
}

func sumSlice(v []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(v); i += 4 {
		q := v[i : i+4 : i+4]
		s0 += q[0]
		s1 += q[1]
		s2 += q[2]
		s3 += q[3]
	}
	for ; i < len(v); i++ {
		s0 += v[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// addChannelBias adds b[f] to every element of channel f of the [n, f, l] array y.
func addChannelBias(y, b []float32, n, f, l int) {
	par.For(n*f, max(1, 4096/max(1, l)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			bv := b[i%f]
			row := y[i*l : (i+1)*l]
			for j := range row {
				row[j] += bv
			}
		}
	})
}

// channelSums adds Σ_{n,l} y[n, f, l] into db[f].
func channelSums(db, y []float32, n, f, l int) {
	par.For(f, max(1, 4096/max(1, n*l)), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var s float32
			for i := range n {
				s += sumSlice(y[(i*f+c)*l : (i*f+c+1)*l])
			}
			db[c] += s
		}
	})
}

// forWorkers splits [0, n) into contiguous ranges of at least grain items, at most
// par.Workers of them, and runs f(worker, lo, hi) on each in parallel; worker indexes the range
// (for per-worker accumulators) and is below par.Workers.
func forWorkers(n, grain int, f func(worker, lo, hi int)) {
	nw := min(par.Workers, n/max(1, grain))
	if nw <= 1 {
		if n > 0 {
			f(0, 0, n)
		}
		return
	}
	par.For(nw, 1, func(lo, hi int) {
		for wk := lo; wk < hi; wk++ {
			f(wk, wk*n/nw, (wk+1)*n/nw)
		}
	})
}

// scratchPools holds reusable float32 buffers (im2col matrices, accumulators) for the conv and
// normalisation ops, so that steady-state training does not allocate them per call. Buffers
// are pooled by size class: scratchPools[i] holds buffers of capacity 2^i.
var scratchPools [48]sync.Pool

// getScratch returns a buffer of length n from the pool (contents undefined).
func getScratch(n int) *[]float32 {
	c := bits.Len(uint(max(n, 1) - 1))
	if p, ok := scratchPools[c].Get().(*[]float32); ok {
		*p = (*p)[:n]
		return p
	}
	b := make([]float32, n, 1<<c)
	return &b
}

// putScratch returns a buffer from getScratch to the pool.
func putScratch(p *[]float32) {
	c := bits.Len(uint(cap(*p) - 1))
	if cap(*p) == 1<<c {
		scratchPools[c].Put(p)
	}
}

// accs holds zeroed per-worker gradient accumulators for weights and biases.
type accs struct {
	w, b [][]float32
	bufs []*[]float32
}

func newAccs(needW bool, nw int, needB bool, nb int) *accs {
	a := &accs{}
	if needW {
		a.w = a.alloc(nw)
	}
	if needB {
		a.b = a.alloc(nb)
	}
	return a
}

func (a *accs) alloc(n int) [][]float32 {
	out := make([][]float32, par.Workers)
	for i := range out {
		buf := getScratch(n)
		clear(*buf)
		a.bufs = append(a.bufs, buf)
		out[i] = *buf
	}
	return out
}

func (a *accs) reduceW(dst []float32) { reduceInto(dst, a.w) }
func (a *accs) reduceB(dst []float32) { reduceInto(dst, a.b) }

func reduceInto(dst []float32, parts [][]float32) {
	for _, p := range parts {
		addSlice(dst, p)
	}
}

func (a *accs) release() {
	for _, b := range a.bufs {
		putScratch(b)
	}
}
