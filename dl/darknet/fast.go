package darknet

import (
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// Inference without gradients takes a faster path than dl's general operations for the layers
// that cost the time. A convolution is one of:
//   - 3×3, stride 1, padding 1, at least 128 channels (Tiny YOLO's 26×26 and 13×13 layers, two
//     thirds of its multiply-adds): Winograd's F(2×2, 3×3), 16 GEMMs with 2.25 times fewer
//     multiply-adds, on filters transformed once and kept with the layer (convWinograd);
//   - weights of at most 512 KiB on a large map: im2col and one GEMM per band of output rows, in
//     parallel, with the bias and activation applied to the band while it is in cache;
//   - otherwise one im2col and one GEMM that reads the weights once.
//
// Max pooling computes no argmax for a backward pass, and the 2×2 windows and the bias and
// activation run in AVX2 (dl/internal/vec). Outputs that do not leave the call are written into
// buffers the Net keeps between calls (see Net.Forward). The tests check both paths against
// each other and against Darknet, and each convolution path against dl.Conv2D.

// needsGrad reports whether a forward pass from x must record the graph: x is not marked
// no-grad (dl.Tensor.NoGrad) and x or a parameter requires a gradient.
func (n *Net) needsGrad(x *dl.Tensor) bool {
	if x.IsNoGrad() {
		return false
	}
	if x.RequiresGrad() {
		return true
	}
	for _, p := range n.Parameters() {
		if p.RequiresGrad() {
			return true
		}
	}
	return false
}

// bandFloats is the size of the im2col matrix built and multiplied at once (512 KiB).
const bandFloats = 128 << 10

// bandWeights is the largest weight matrix (F·C·k·k floats, 512 KiB) for which a layer is
// computed band by band: each band's GEMM reads all the weights again, which pays only while
// they stay in cache. Larger layers (the 26×26 and 13×13 ones of Tiny YOLO, whose weights are
// megabytes) build the whole im2col matrix and run one GEMM, so that the weights are read once.
const bandWeights = 128 << 10

// convInfer computes the convolutional layer l on x [N, C, H, W] into out (N·F·OH·OW floats).
func convInfer(l *Layer, x *dl.Tensor, out []float32) *dl.Tensor {
	s := x.Shape()
	N, C, H, W := s[0], s[1], s[2], s[3]
	F, k, st, p := l.Filters, l.Size, l.Stride, l.Padding
	OH, OW := l.Out[1], l.Out[2]
	P, K := OH*OW, C*k*k
	xd, wd, bd := x.Data(), l.Weight.Data(), l.Bias.Data()
	identity := k == 1 && st == 1 && p == 0
	act := l.Activation
	for n := range N {
		img := xd[n*C*H*W : (n+1)*C*H*W]
		o := out[n*F*P : (n+1)*F*P]
		if winogradOK(l) {
			convWinograd(l, img, o, C, H, W)
			continue
		}
		rows := max(1, bandFloats/max(1, K*OW)) // output rows per band
		if F*K <= bandWeights && P >= 64*par.Workers && (OH+rows-1)/rows >= 2*par.Workers {
			// Large maps, small weights: bands of output rows, in parallel, each with its own
			// columns, the bias and activation applied while the band is in cache.
			nb := (OH + rows - 1) / rows
			par.For(nb, 1, func(lo, hi int) {
				var col []float32
				if !identity {
					buf := par.GetScratch(K * rows * OW)
					defer par.PutScratch(buf)
					col = *buf
				}
				for b := lo; b < hi; b++ {
					oy0, oy1 := b*rows, min(OH, (b+1)*rows)
					cols := (oy1 - oy0) * OW
					src, ldb := img[oy0*OW:], P
					if !identity {
						im2col(img, col, 0, C, H, W, k, st, p, OW, oy0, oy1)
						src, ldb = col, cols
					}
					gemm.SgemmSerial(false, false, F, cols, K, 1, wd, K, src, ldb, 0, o[oy0*OW:], P)
					epilogue(o, bd, act, P, 0, F, oy0*OW, cols)
				}
			})
			continue
		}
		// Small maps, large weights: one im2col (in parallel over channels) and one GEMM,
		// which gemm.Sgemm splits between the workers itself.
		src, ldb := img, P
		var buf *[]float32
		if !identity {
			buf = par.GetScratch(K * P)
			col := *buf
			par.For(C, max(1, 16384/max(1, k*k*P)), func(c0, c1 int) {
				im2col(img, col, c0, c1, H, W, k, st, p, OW, 0, OH)
			})
			src = col
		}
		gemm.Sgemm(false, false, F, P, K, 1, wd, K, src, ldb, 0, o, P)
		if buf != nil {
			par.PutScratch(buf)
		}
		par.For(F, max(1, 16384/P), func(f0, f1 int) { epilogue(o, bd, act, P, f0, f1, 0, P) })
	}
	return dl.New(out, N, F, OH, OW)
}

// epilogue adds the bias bd and applies the activation act to rows f0…f1 of columns
// [c0, c0+cols) of o, a matrix with row stride P.
func epilogue(o, bd []float32, act string, P, f0, f1, c0, cols int) {
	for f := f0; f < f1; f++ {
		row := o[f*P+c0 : f*P+c0+cols]
		switch act {
		case "leaky":
			vec.BiasLeaky(row, bd[f], 0.1)
		case "relu":
			vec.BiasLeaky(row, bd[f], 0)
		default:
			vec.BiasLeaky(row, bd[f], 1)
		}
	}
	if act == "logistic" {
		for f := f0; f < f1; f++ {
			t := dl.New(o[f*P+c0:f*P+c0+cols], cols).Sigmoid()
			copy(o[f*P+c0:], t.Data())
		}
	}
}

// im2col writes the columns of output rows [oy0, oy1) of a convolution (k×k, stride s,
// padding p) of img [C, H, W] into col, a (C·k·k)×((oy1−oy0)·OW) matrix, for the channels
// [c0, c1) (rows c0·k·k to c1·k·k); taps outside the image read 0.
func im2col(img, col []float32, c0, c1, H, W, k, s, p, OW, oy0, oy1 int) {
	cols := (oy1 - oy0) * OW
	r := c0 * k * k
	for c := c0; c < c1; c++ {
		plane := img[c*H*W : (c+1)*H*W]
		for u := range k {
			for v := range k {
				dst := col[r*cols : (r+1)*cols]
				r++
				// Output columns whose tap falls inside the image: 0 ≤ ox·s − p + v < W.
				lo := 0
				if v < p {
					lo = (p - v + s - 1) / s
				}
				hi := OW
				if last := W - 1 + p - v; last < 0 {
					hi = 0
				} else {
					hi = min(OW, last/s+1)
				}
				lo = min(lo, hi)
				for oy := oy0; oy < oy1; oy++ {
					d := dst[(oy-oy0)*OW : (oy-oy0+1)*OW]
					iy := oy*s - p + u
					if iy < 0 || iy >= H {
						clear(d)
						continue
					}
					clear(d[:lo])
					clear(d[hi:])
					src := plane[iy*W:]
					if s == 1 {
						if lo < hi { // a tap that misses the image has lo = hi and would slice before src
							copy(d[lo:hi], src[lo-p+v:hi-p+v])
						}
						continue
					}
					for ox := lo; ox < hi; ox++ {
						d[ox] = src[ox*s-p+v]
					}
				}
			}
		}
	}
}

// poolInfer computes the maxpool layer l on x into out: Darknet's windows, reading only the
// pixels inside the image (the −∞ padding), with no record of where the maxima were.
func poolInfer(l *Layer, x *dl.Tensor, out []float32) *dl.Tensor {
	s := x.Shape()
	N, C, H, W := s[0], s[1], s[2], s[3]
	OH, OW := l.Out[1], l.Out[2]
	k, st, off := l.Size, l.Stride, -(l.PadTotal / 2)
	xd := x.Data()
	par.For(N*C, max(1, 4096/max(1, OH*OW)), func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			in := xd[pl*H*W : (pl+1)*H*W]
			o := out[pl*OH*OW : (pl+1)*OH*OW]
			if k == 2 && st == 2 && off == 0 && 2*OH <= H && 2*OW <= W {
				vec.MaxPool2x2(o, in, H, W, OH, OW)
				continue
			}
			if k == 2 && st == 1 && off == 0 && OH == H && OW == W && W >= 2 {
				// Tiny YOLO's size-2 stride-1 pool: windows (i…i+1, j…j+1), the last row and
				// column clipped to the image.
				for i := range OH {
					r0, r1 := in[i*W:(i+1)*W], in[min(i+1, H-1)*W:][:W]
					oi := o[i*OW : (i+1)*OW]
					a := max(r0[0], r1[0]) // column 0
					for j := range W - 1 {
						b := max(r0[j+1], r1[j+1])
						oi[j] = max(a, b)
						a = b
					}
					oi[W-1] = a
				}
				continue
			}
			for i := range OH {
				y0 := i*st + off
				for j := range OW {
					x0 := j*st + off
					best := float32(-3.4028235e38)
					for y := max(0, y0); y < min(H, y0+k); y++ {
						for xx := max(0, x0); xx < min(W, x0+k); xx++ {
							best = max(best, in[y*W+xx])
						}
					}
					o[i*OW+j] = best
				}
			}
		}
	})
	return dl.New(out, N, C, OH, OW)
}
