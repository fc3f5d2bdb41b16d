package dl

import (
	"cmp"
	"fmt"

	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
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
// the flipped kernel (see dxByCorrelation), with the same structure. Small maps are the
// exception: with stride 1 and at most 16 output positions (OH·OW), both passes run one GEMM
// over the whole batch's im2col matrix instead of one per image (which would read the weights
// once per image for a few multiply-adds each), leaving out the kernel taps that read only
// padding. Which way runs depends on the shapes alone, never on the number of cores.
//
// Conv2D panics with a *ShapeError if x or w is not 4-D, the channels do not match
// (C ≠ G·w.Dim(1)), F or C is not divisible by G, b is not [F], an option is negative, or the
// kernel does not fit in the padded input. The result owns new memory.
func Conv2D(x, w, b *Tensor, opts ConvOpts) *Tensor {
	c := newConv2D(x, w, b, opts)
	return newOp("Conv2D", c.forward(), []int{c.N, c.F, c.g.oh, c.g.ow}, c.backward, x, w, b)
}

// conv2D is one call of Conv2D: its operands, geometry and band split, and the im2col
// matrices the forward pass keeps for the backward pass.
type conv2D struct {
	x, w, b              *Tensor
	g                    convGeom   // one group of one image
	N, C, F, G, Fg, K, P int        // batch, channels, filters, groups, filters per group, im2col rows, OH·OW
	R, nch, band         int        // output rows per band, bands per image, floats per band's im2col
	saved                *[]float32 // im2col matrices kept by forward for backward
	small                *smallTaps // the batched small-map path's layout when it applies (useSmallMaps), else nil
}

// newConv2D checks Conv2D's operands (see Conv2D for the panics) and sets up its geometry.
func newConv2D(x, w, b *Tensor, opts ConvOpts) *conv2D {
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
	c := &conv2D{x: x, w: w, b: b, g: g, N: N, C: C, F: F, G: G, Fg: F / G, K: g.k(), P: OH * OW}
	c.R, c.nch = g.bands(N)
	c.band = c.K * c.R * OW
	if useSmallMaps(&g) {
		c.small = newSmallTaps(&g, c.P)
	}
	return c
}

// keepCols is the largest im2col matrix, in floats, that forward keeps for the backward pass;
// larger ones are rebuilt there band by band, in cache. Keeping the cnn workload's second
// layer's 20 MB matrix (5M floats) saved no measurable time but added some 90 MiB to the peak
// RSS of its training (the matrix is live when the collector sets its heap goal); its first
// layer's 5 MB one (1.25M floats) is kept.
var keepCols = 1 << 21 // a variable for TestConv2DKeptCols

// forward computes y = w·im2col(x) + b, one GEMM per band of output rows and group, in
// parallel over the bands. When dw will be wanted and the im2col matrices (one per band and
// group) hold at most keepCols floats, they are kept for the backward pass instead of being
// rebuilt there.
func (c *conv2D) forward() []float32 {
	if c.small != nil {
		return c.smallForward()
	}
	g, N, C, F, G, Fg, K, P := &c.g, c.N, c.C, c.F, c.G, c.Fg, c.K, c.P
	H, W, Cg, OH, OW, R, nch, band := g.h, g.w, g.c, g.oh, g.ow, c.R, c.nch, c.band
	xd, wd := c.x.data, c.w.data
	var bd []float32
	if c.b != nil {
		bd = c.b.data
	}
	out := make([]float32, N*F*P)
	if c.w.requiresGrad && !c.x.noGrad && !g.identity() && N*nch*G*band <= keepCols {
		c.saved = par.GetScratch(N * nch * G * band)
	}
	saved := c.saved
	sgemm := sgemmIn(N * nch)
	par.ForWorkers(N*nch, 1, func(_, lo, hi int) {
		var col []float32
		if !g.identity() && saved == nil {
			buf := par.GetScratch(band)
			defer par.PutScratch(buf)
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
				sgemm(false, false, Fg, cols, K, 1, wd[gi*Fg*K:], K, src, ldb, 0, out[off:], P)
				if bd != nil {
					for f := range Fg {
						vec.BiasLeaky(out[off+f*P:off+f*P+cols], bd[gi*Fg+f], 1)
					}
				}
			}
		}
	})
	return out
}

// backward adds dx, dw and db for the output gradient o.grad: dw = dy·colᵀ and db = Σ dy
// accumulated per worker, and dx either as col2im(wᵀ·dy) or by correlation (dxByCorrelation).
func (c *conv2D) backward(o *Tensor) {
	if c.small != nil {
		c.smallBackward(o.grad.data)
		return
	}
	x, w, b, g, N, C, F, G, Fg, K, P := c.x, c.w, c.b, &c.g, c.N, c.C, c.F, c.G, c.Fg, c.K, c.P
	H, W, Cg, OH, OW, R, nch, band := g.h, g.w, g.c, g.oh, g.ow, c.R, c.nch, c.band
	xd, wd, saved := x.data, w.data, c.saved
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
		defer func() { par.PutScratch(saved); c.saved = nil }()
	}
	// dw is accumulated per worker, as dwᵀ = col·dyᵀ [K, Fg] per group when K ≥ 4·Fg (then
	// col, the big operand, packs faster as A; measured on the cnn workload's shapes), else
	// as dw = dy·colᵀ [Fg, K].
	wT := K >= 4*Fg
	// dx comes either from the correlation of dy with the flipped kernel (after the loop) or,
	// in the loop, from dcol = wᵀ·dy folded back by col2im.
	corr := needX && dxByCorrelation(g)
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
		sgemm := sgemmIn(N * per)
		par.ForWorkers(N*per, 1, func(wk, lo, hi int) {
			var col, dcol []float32
			if !g.identity() {
				if needW && saved == nil {
					buf := par.GetScratch(K * R * OW)
					defer par.PutScratch(buf)
					col = *buf
				}
				if colX {
					buf := par.GetScratch(K * R * OW)
					defer par.PutScratch(buf)
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
							sgemm(false, true, K, Fg, cols, 1, src, ldb, dyg, P, 1, acc.w[wk][gi*K*Fg:], Fg)
						} else {
							sgemm(false, true, Fg, K, cols, 1, dyg, P, src, ldb, 1, acc.w[wk][gi*Fg*K:], K)
						}
					}
					if colX {
						img := dx[(n*C+gi*Cg)*H*W:]
						if g.identity() {
							sgemm(true, false, K, cols, Fg, 1, wd[gi*Fg*K:], K, dyg, P, 1, img[oy0*OW:], P)
						} else {
							sgemm(true, false, K, cols, Fg, 1, wd[gi*Fg*K:], K, dyg, P, 0, dcol, cols)
							g.col2im(dcol, img, oy0, oy1)
						}
					}
					if needB {
						ab := acc.b[wk][gi*Fg:]
						for f := range Fg {
							ab[f] += vec.Sum(dyg[f*P : f*P+cols])
						}
					}
				}
			}
		})
	}
	if corr {
		convDxCorrelation(dy, wd, dx, g, N, F, G)
	}
	if needW && !wT {
		acc.reduceW(w.gradData())
	}
	if needW && wT {
		acc.reduceWT(w.gradData(), G, K, Fg)
	}
	if needB {
		acc.reduceB(b.gradData())
	}
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
// output's shape. Per image and group it is y = col2im(wᵀ·x) + b, with im2col and col2im of the
// Conv2D it is the adjoint of (one GEMM per band of input rows).
//
// ConvTranspose2D panics with a *ShapeError if x or w is not 4-D, x.Dim(1) ≠ w.Dim(0), the
// channels are not divisible by G, b is not [F], an option is negative, OutputPadding ≥
// Stride, or the output would be empty. The result owns new memory.
func ConvTranspose2D(x, w, b *Tensor, opts ConvTransposeOpts) *Tensor {
	c := newConvTranspose2D(x, w, b, opts)
	return newOp("ConvTranspose2D", c.forward(), []int{c.N, c.F, c.g.h, c.g.w}, c.backward, x, w, b)
}

// convTranspose2D is one call of ConvTranspose2D: its operands and the geometry g of the
// Conv2D whose adjoint it is (g's image is the output, g's output positions are the input
// pixels), split into bands of input rows.
type convTranspose2D struct {
	x, w, b               *Tensor
	g                     convGeom // one group of one image
	N, C, F, G, Cg, Fg, K int      // batch, input channels, output channels, groups, per group, im2col rows
	R, nch                int      // input rows per band, bands per image
}

// newConvTranspose2D checks ConvTranspose2D's operands (see ConvTranspose2D for the panics) and
// sets up its geometry.
func newConvTranspose2D(x, w, b *Tensor, opts ConvTransposeOpts) *convTranspose2D {
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
	F := Fg * G
	if b != nil && (b.Dims() != 1 || b.shape[0] != F) {
		panic(&ShapeError{Op: op, A: w.shape, B: b.shape, Msg: fmt.Sprintf("bias must be [%d]", F)})
	}
	OH := (H-1)*s - 2*p + d*(KH-1) + opad + 1
	OW := (W-1)*s - 2*p + d*(KW-1) + opad + 1
	if OH <= 0 || OW <= 0 || H == 0 || W == 0 {
		panic(&ShapeError{Op: op, A: x.shape, B: w.shape, Msg: fmt.Sprintf("empty output (padding %d)", p)})
	}
	g := convGeom{c: Fg, h: OH, w: OW, kh: KH, kw: KW, s: s, p: p, d: d, oh: H, ow: W}
	c := &convTranspose2D{x: x, w: w, b: b, g: g, N: N, C: C, F: F, G: G, Cg: C / G, Fg: Fg, K: g.k()}
	c.R, c.nch = g.bands(N)
	return c
}

// forward computes the equation of ConvTranspose2D's doc comment as y = col2im(wᵀ·x) + b per
// image, group and band of input rows: column (i, j) of wᵀ·x is the kernel scaled by the input
// pixels at (i, j), and col2im adds it into the output window that Conv2D would read for (i, j).
// Bands of one image overlap in the output and even bands never do (see bands), so the bands
// run in two phases.
func (c *convTranspose2D) forward() []float32 {
	g, xd, wd := &c.g, c.x.data, c.w.data
	out := make([]float32, c.N*c.F*g.h*g.w)
	c.eachBand(true, func(_, n, gi, iy0, iy1 int, col []float32) {
		K, cols, P, OP := c.K, (iy1-iy0)*g.ow, g.oh*g.ow, g.h*g.w
		xg := xd[(n*c.C+gi*c.Cg)*P+iy0*g.ow:]
		img := out[(n*c.F+gi*c.Fg)*OP:]
		if g.identity() {
			gemm.Sgemm(true, false, K, cols, c.Cg, 1, wd[gi*c.Cg*K:], K, xg, P, 0, img[iy0*g.ow:], OP)
		} else {
			gemm.Sgemm(true, false, K, cols, c.Cg, 1, wd[gi*c.Cg*K:], K, xg, P, 0, col, cols)
			g.col2im(col, img, iy0, iy1)
		}
	})
	if c.b != nil {
		addChannelBias(out, c.b.data, c.N, c.F, g.h*g.w)
	}
	return out
}

// backward adds the adjoints of forward for the output gradient o.grad: with dcol = im2col(dy),
// dx = w·dcol, dw = Σ x·dcolᵀ (accumulated per worker) and db = Σ dy.
func (c *convTranspose2D) backward(o *Tensor) {
	x, w, b, g := c.x, c.w, c.b, &c.g
	xd, wd, dy := x.data, w.data, o.grad.data
	needX, needW, needB := x.requiresGrad, w.requiresGrad, b != nil && b.requiresGrad
	var dx []float32
	if needX {
		dx = x.gradData()
	}
	acc := newAccs(needW, c.C*c.K, false, 0)
	defer acc.release()
	if needX || needW {
		c.eachBand(false, func(wk, n, gi, iy0, iy1 int, col []float32) {
			K, Cg, cols, P, OP := c.K, c.Cg, (iy1-iy0)*g.ow, g.oh*g.ow, g.h*g.w
			dcol, ldb := g.cols(dy[(n*c.F+gi*c.Fg)*OP:], col, iy0, iy1)
			xo := (n*c.C+gi*Cg)*P + iy0*g.ow
			if needX {
				gemm.Sgemm(false, false, Cg, cols, K, 1, wd[gi*Cg*K:], K, dcol, ldb, 1, dx[xo:], P)
			}
			if needW {
				gemm.Sgemm(false, true, Cg, K, cols, 1, xd[xo:], P, dcol, ldb, 1, acc.w[wk][gi*Cg*K:], K)
			}
		})
	}
	if needW {
		acc.reduceW(w.gradData())
	}
	if needB {
		channelSums(b.gradData(), dy, c.N, c.F, g.h*g.w)
	}
}

// eachBand calls f for every image n, group gi and band [iy0, iy1) of input rows, in parallel
// over the bands (f's wk is the worker), with col scratch space for the band's im2col matrix
// (nil when the geometry is the identity). With apart, bands of one image that overlap in the
// output (neighbours) never run at once: even bands first, then odd ones.
func (c *convTranspose2D) eachBand(apart bool, f func(wk, n, gi, iy0, iy1 int, col []float32)) {
	g, R, nch := &c.g, c.R, c.nch
	phases := 1
	if apart && nch > 1 {
		phases = 2
	}
	for ph := range phases {
		per := (nch - ph + phases - 1) / phases // bands in this phase per image
		par.ForWorkers(c.N*per, 1, func(wk, lo, hi int) {
			var col []float32
			if !g.identity() {
				buf := par.GetScratch(c.K * R * g.ow)
				defer par.PutScratch(buf)
				col = *buf
			}
			for it := lo; it < hi; it++ {
				n, ch := it/per, (it%per)*phases+ph
				for gi := range c.G {
					f(wk, n, gi, ch*R, min(g.oh, (ch+1)*R), col)
				}
			}
		})
	}
}

// dxByCorrelation decides how Conv2D's backward pass computes dx for geometry g. For stride 1,
// square kernels and padding within the kernel's reach it uses the correlation of dy with the
// flipped, transposed kernel (convDxCorrelation): an im2col of dy (copies) and a GEMM shaped
// like the forward one, instead of a thin GEMM (inner dimension F/G) and col2im (scattered
// adds). That pays when there are enough channels per group to fill the GEMM's rows. It is a
// variable so that tests can force either path.
var dxByCorrelation = func(g *convGeom) bool {
	return g.s == 1 && g.kh == g.kw && g.p <= g.d*(g.kh-1) && g.c >= 16 && !g.identity()
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
	fb := par.GetScratch(G * Cg * K2)
	defer par.PutScratch(fb)
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
	sgemm := sgemmIn(N * nch)
	par.ForWorkers(N*nch, 1, func(_, lo, hi int) {
		buf := par.GetScratch(K2 * R * g.w)
		defer par.PutScratch(buf)
		for it := lo; it < hi; it++ {
			n, ch := it/nch, it%nch
			y0, y1 := ch*R, min(g.h, (ch+1)*R)
			cols := (y1 - y0) * g.w
			for gi := range G {
				src, ldb := g2.cols(dy[(n*F+gi*Fg)*P:], *buf, y0, y1)
				sgemm(false, false, Cg, cols, K2, 1, wf[gi*Cg*K2:], K2, src, ldb, 1, dx[(n*C+gi*Cg)*HW+y0*g.w:], HW)
			}
		}
	})
}

// sgemmIn returns the product to call inside par.ForWorkers(n, 1, …): gemm.SgemmSerial when
// the loop's ranges keep every worker busy in equal shares (a batch of 64 images), so that
// each product stays on its worker's goroutine instead of splitting across the cores again
// (nested, the goroutines of both levels took turns on the same cores: the split and the
// barriers of the shared packing cost more than they parallelised); gemm.Sgemm, which may
// use every core, when they do not (one image in a few bands). Both give the same bits.
func sgemmIn(n int) func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	parts, w := min(par.Parts, n), par.Workers
	if parts >= w && (parts%w == 0 || parts >= 2*w) {
		return gemm.SgemmSerial
	}
	return gemm.Sgemm
}

// convOpts validates and defaults stride, padding, dilation and groups.
func convOpts(op string, x, w *Tensor, s, p, d, g int) (int, int, int, int) {
	if s < 0 || p < 0 || d < 0 || g < 0 {
		panic(&ArgError{Op: op, Arg: "options", Value: fmt.Sprintf("(stride %d, padding %d, dilation %d, groups %d)", s, p, d, g), Msg: "include a negative one"})
	}
	return cmp.Or(s, 1), p, cmp.Or(d, 1), cmp.Or(g, 1)
}
