package dl

import (
	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// smallMaps is the largest number of output positions (OH·OW) at which a stride-1 Conv2D runs
// as one GEMM over the whole batch (see smallTaps) instead of one per image. On such maps a
// GEMM per image multiplies the weights by a handful of columns: Tiny YOLO's conv_13 (512×9216
// weights, 19 MB) on the 1×1 and 2×2 maps of 32- and 64-pixel images read its weights once per
// image and pass, for 1 to 4 multiply-adds per weight; over the batch it reads them once. The
// choice depends on the shapes alone, never on the number of cores; no map of lectures 02 and
// 03 (28×28, 14×14, 7×7) or of Tiny YOLO at 416 pixels (13×13) is that small.
const smallMaps = 16

// smallMapsCols bounds the im2col matrix of one GEMM of the batched path, in floats (8 MiB):
// a larger batch runs in chunks of whole images, a GEMM per chunk and group, each still reading
// the weights once for many images. A constant, so that the chunks (and the order in which dw
// is summed over them) depend on the shapes alone.
const smallMapsCols = 1 << 21

// useSmallMaps reports whether Conv2D with geometry g takes the batched small-map path.
func useSmallMaps(g *convGeom) bool {
	return g.s == 1 && g.oh*g.ow <= smallMaps
}

// smallTaps is the layout of Conv2D's batched path for small maps (useSmallMaps): per chunk of
// images and group, the im2col matrix [C/G·taps, n·OH·OW], image n's columns at n·OH·OW…, is
// multiplied by the weights' matching columns [F/G, C/G·taps] in one GEMM. Kernel taps that
// read only padding at every output position are left out of both (on a 1×1 map a padded 3×3
// kernel has one useful tap, not 9): they add nothing to y and receive no gradient.
type smallTaps struct {
	u0, nu, v0, nv int // the useful taps: rows u0…u0+nu−1, columns v0…v0+nv−1
	K              int // C/G·nu·nv: rows of the im2col matrix per group
	nb             int // images per chunk
}

// usefulTaps returns the taps t of a kernel k wide with dilation d that read some image pixel
// (of n, with padding p) at one of the m output positions of a stride-1 convolution: those
// with 0 ≤ t·d − p + i < n for some i < m. They are consecutive: [t0, t0+nt).
func usefulTaps(k, d, p, n, m int) (t0, nt int) {
	for t := range k {
		if off := t*d - p; off < n && off+m-1 >= 0 {
			if nt == 0 {
				t0 = t
			}
			nt++
		}
	}
	return t0, nt
}

func newSmallTaps(g *convGeom, P int) *smallTaps {
	s := &smallTaps{}
	s.u0, s.nu = usefulTaps(g.kh, g.d, g.p, g.h, g.oh)
	s.v0, s.nv = usefulTaps(g.kw, g.d, g.p, g.w, g.ow)
	s.K = g.c * s.nu * s.nv
	s.nb = max(1, smallMapsCols/max(1, s.K*P))
	return s
}

// smallWeights returns the weights as the batched path multiplies them, [F, K]: w itself when
// every tap is useful, else the useful taps' weights gathered into a scratch buffer, which
// release returns to the pool.
func (c *conv2D) smallWeights() (w []float32, release func()) {
	g, s, wd := &c.g, c.small, c.w.data
	if s.nu*s.nv == g.kh*g.kw {
		return wd, func() {}
	}
	buf := par.GetScratch(c.F * s.K)
	for fc := range c.F * g.c { // (filter, channel) pairs
		src, dst := wd[fc*g.kh*g.kw:], (*buf)[fc*s.nu*s.nv:]
		for u := range s.nu {
			copy(dst[u*s.nv:(u+1)*s.nv], src[(s.u0+u)*g.kw+s.v0:])
		}
	}
	return *buf, func() { par.PutScratch(buf) }
}

// smallChunks calls f for each chunk of images [n0, n1), in order.
func (c *conv2D) smallChunks(f func(n0, n1 int)) {
	for n0 := 0; n0 < c.N; n0 += c.small.nb {
		f(n0, min(c.N, n0+c.small.nb))
	}
}

// smallPlanes calls f for every (image, channel) plane of images [n0, n1), in parallel over
// the planes, with the plane's offset in x (or dx) and, for each of its useful taps in order,
// the offset of its columns in the chunk's im2col matrices [G, K, (n1−n0)·P] and its offsets
// (dy, dx) from an output position to the pixel it reads.
func (c *conv2D) smallPlanes(n0, n1 int, f func(plane, row, dy, dx int)) {
	g, s, P := &c.g, c.small, c.P
	cols := (n1 - n0) * P
	par.For((n1-n0)*c.C, max(1, 4096/max(1, s.nu*s.nv*P)), func(lo, hi int) {
		for it := lo; it < hi; it++ {
			n, ch := n0+it/c.C, it%c.C
			gi, ci := ch/g.c, ch%g.c
			for u := range s.nu {
				for v := range s.nv {
					r := gi*s.K + ci*s.nu*s.nv + u*s.nv + v
					f((n*c.C+ch)*g.h*g.w, r*cols+(n-n0)*P, (s.u0+u)*g.d-g.p, (s.v0+v)*g.d-g.p)
				}
			}
		}
	})
}

// smallIm2col writes the im2col matrices of images [n0, n1) of xd, one per group, into col
// [G, K, (n1−n0)·P]; taps outside the image give 0. It does not use convGeom.im2col, whose
// layout differs: here only the useful taps, and each matrix row holds the whole chunk's
// columns, image after image. Per plane and tap it copies the output rows and columns at which
// the tap reads the image (vec.Inside) in a plain loop: the rows are at most 16 floats (1 or 2 on
// lecture 04's maps), where a call per row (vec.CopyRows, copy) made the batched 1×1 step
// 10–20% slower.
func (c *conv2D) smallIm2col(xd, col []float32, n0, n1 int) {
	g := &c.g
	c.smallPlanes(n0, n1, func(plane, row, dy, dx int) {
		dst := col[row:][:c.P]
		y0, y1 := vec.Inside(dy, g.h, g.oh)
		x0, x1 := vec.Inside(dx, g.w, g.ow)
		if y1-y0 < g.oh || x1-x0 < g.ow {
			clear(dst) // some positions read padding
		}
		for oy := y0; oy < y1; oy++ {
			out, src := dst[oy*g.ow:][:g.ow], xd[plane+(oy+dy)*g.w:][:g.w]
			for ox := x0; ox < x1; ox++ {
				out[ox] = src[ox+dx]
			}
		}
	})
}

// smallCol2im adds the columns dcol [G, K, (n1−n0)·P] of images [n0, n1) back into dx: the
// adjoint of smallIm2col. One goroutine sums each plane, in tap order. It tests each position
// rather than looping over inside's ranges as smallIm2col does: the range form made the batched
// 2×2 step 4–8% slower (BenchmarkConv2DSmallMaps, AMD EPYC, one core), this one is not.
func (c *conv2D) smallCol2im(dcol, dxd []float32, n0, n1 int) {
	g := &c.g
	c.smallPlanes(n0, n1, func(plane, row, dy, dx int) {
		src := dcol[row:][:c.P]
		for oy := range g.oh {
			y := oy + dy
			if y < 0 || y >= g.h {
				continue
			}
			dst := dxd[plane+y*g.w:][:g.w]
			for ox, val := range src[oy*g.ow : (oy+1)*g.ow] {
				if x := ox + dx; x >= 0 && x < g.w {
					dst[x] += val
				}
			}
		}
	})
}

// smallForward computes y = w·im2col(x) + b per chunk of images and group, keeping the im2col
// matrices for the backward pass when there is one chunk that fits in keepCols and dw will be
// wanted.
func (c *conv2D) smallForward() []float32 {
	s, P, F, Fg, G := c.small, c.P, c.F, c.Fg, c.G
	K, nb := s.K, min(c.N, s.nb)
	out := make([]float32, c.N*F*P)
	if K > 0 && c.N > 0 {
		if c.w.requiresGrad && !c.x.noGrad && nb == c.N && G*K*c.N*P <= keepCols {
			c.saved = par.GetScratch(G * K * c.N * P)
		}
		colBuf := c.saved
		if colBuf == nil {
			colBuf = par.GetScratch(G * K * nb * P)
			defer par.PutScratch(colBuf)
		}
		yBuf := par.GetScratch(F * nb * P)
		defer par.PutScratch(yBuf)
		w, release := c.smallWeights()
		defer release()
		c.smallChunks(func(n0, n1 int) {
			cols := (n1 - n0) * P
			col, y := (*colBuf)[:G*K*cols], (*yBuf)[:F*cols]
			c.smallIm2col(c.x.data, col, n0, n1)
			for gi := range G {
				gemm.Sgemm(false, false, Fg, cols, K, 1, w[gi*Fg*K:], K, col[gi*K*cols:], cols, 0, y[gi*Fg*cols:], cols)
			}
			c.smallTranspose(out, y, n0, n1, false)
		})
	}
	if c.b != nil {
		addChannelBias(out, c.b.data, c.N, F, P)
	}
	return out
}

// smallTranspose copies between a [N, F, P] array a (images [n0, n1)) and a chunk's
// [F, (n1−n0)·P] matrix m: from m into a, or with toM from a into m.
func (c *conv2D) smallTranspose(a, m []float32, n0, n1 int, toM bool) {
	F, P, cols := c.F, c.P, (n1-n0)*c.P
	par.For((n1-n0)*F, max(1, 4096/P), func(lo, hi int) {
		for it := lo; it < hi; it++ {
			n, f := it/F, it%F
			ai, mi := a[((n0+n)*F+f)*P:][:P], m[f*cols+n*P:][:P]
			if toM {
				copy(mi, ai)
			} else {
				copy(ai, mi)
			}
		}
	})
}

// smallBackward adds, for the output gradient dy [N, F, P], db = Σ dy and per chunk and group
// dw += dy·colᵀ (the chunks in order) and dx += col2im(wᵀ·dy).
func (c *conv2D) smallBackward(dy []float32) {
	x, w, b, s, P, F, Fg, G := c.x, c.w, c.b, c.small, c.P, c.F, c.Fg, c.G
	K, nb := s.K, min(c.N, s.nb)
	needX, needW, needB := x.requiresGrad, w.requiresGrad, b != nil && b.requiresGrad
	if saved := c.saved; saved != nil {
		// The graph may be walked once only: the columns go back to the pool.
		defer func() { par.PutScratch(saved); c.saved = nil }()
	}
	if needB {
		channelSums(b.gradData(), dy, c.N, F, P)
	}
	var wd, dx, dw, dwc []float32
	if needX {
		dx = x.gradData()
	}
	if needW {
		dw = w.gradData()
	}
	if K == 0 || c.N == 0 || !needX && !needW {
		return // no tap reads the image: y is the bias
	}
	dyBuf := par.GetScratch(F * nb * P)
	defer par.PutScratch(dyBuf)
	var colBuf, dcolBuf *[]float32
	if needX {
		var release func()
		wd, release = c.smallWeights()
		defer release()
		dcolBuf = par.GetScratch(G * K * nb * P)
		defer par.PutScratch(dcolBuf)
	}
	if needW {
		buf := par.GetScratch(F * K)
		defer par.PutScratch(buf)
		dwc = *buf
		clear(dwc)
		if colBuf = c.saved; colBuf == nil {
			colBuf = par.GetScratch(G * K * nb * P)
			defer par.PutScratch(colBuf)
		}
	}
	c.smallChunks(func(n0, n1 int) {
		cols := (n1 - n0) * P
		dyc := (*dyBuf)[:F*cols]
		c.smallTranspose(dy, dyc, n0, n1, true)
		if needW {
			col := (*colBuf)[:G*K*cols]
			if c.saved == nil {
				c.smallIm2col(x.data, col, n0, n1)
			}
			for gi := range G {
				gemm.Sgemm(false, true, Fg, K, cols, 1, dyc[gi*Fg*cols:], cols, col[gi*K*cols:], cols, 1, dwc[gi*Fg*K:], K)
			}
		}
		if needX {
			dcol := (*dcolBuf)[:G*K*cols]
			for gi := range G {
				gemm.Sgemm(true, false, K, cols, Fg, 1, wd[gi*Fg*K:], K, dyc[gi*Fg*cols:], cols, 0, dcol[gi*K*cols:], cols)
			}
			c.smallCol2im(dcol, dx, n0, n1)
		}
	})
	if needW {
		c.smallAddDW(dw, dwc)
	}
}

// smallAddDW adds the gradient dwc [F, K] of the useful taps' weights into dw [F, C/G, KH, KW].
func (c *conv2D) smallAddDW(dw, dwc []float32) {
	g, s := &c.g, c.small
	if s.nu*s.nv == g.kh*g.kw {
		addSlice(dw, dwc)
		return
	}
	for fc := range c.F * g.c {
		src, dst := dwc[fc*s.nu*s.nv:], dw[fc*g.kh*g.kw:]
		for u := range s.nu {
			addSlice(dst[(s.u0+u)*g.kw+s.v0:][:s.nv], src[u*s.nv:(u+1)*s.nv])
		}
	}
}
