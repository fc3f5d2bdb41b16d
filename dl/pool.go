package dl

import (
	"fmt"
	"math"

	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// poolGeom validates a pooling window over x [N, C, H, W] and returns the output size.
// stride 0 means stride = k.
func poolGeom(op string, x *Tensor, k, stride, pad int) (s, oh, ow int) {
	if x.Dims() != 4 {
		panic(&ShapeError{Op: op, A: x.shape, Msg: "want x [N C H W]"})
	}
	s = stride
	if s == 0 {
		s = k
	}
	if k < 1 || s < 1 || pad < 0 || 2*pad > k {
		panic(&ArgError{Op: op, Arg: "window", Value: fmt.Sprintf("(kernel %d, stride %d, padding %d)", k, stride, pad), Msg: "is bad: need kernel ≥ 1, stride ≥ 1, 0 ≤ padding ≤ kernel/2"})
	}
	H, W := x.shape[2], x.shape[3]
	if H+2*pad < k || W+2*pad < k {
		panic(&ShapeError{Op: op, A: x.shape, B: []int{k, k}, Msg: fmt.Sprintf("window larger than padded input (padding %d)", pad)})
	}
	return s, (H+2*pad-k)/s + 1, (W+2*pad-k)/s + 1
}

// MaxPool2D returns the maximum of each k×k window of x [N, C, H, W], windows placed every
// stride pixels (stride 0 means stride = k) on the input padded by pad pixels of −∞:
//
//	y[n,c,i,j] = max_{0≤u,v<k} x[n, c, i·s − p + u, j·s − p + v]   →  y [N, C, OH, OW]
//
// with OH = ⌊(H + 2p − k)/s⌋ + 1 (OW likewise). The gradient flows to the first maximum of each
// window (in row-major order) only; when windows overlap, a pixel collects the gradient of every
// window it is the maximum of.
//
// MaxPool2D panics with a *ShapeError if x is not 4-D, k or the stride is below 1, pad is
// negative or more than k/2, or the window does not fit in the padded input.
func MaxPool2D(x *Tensor, k, stride, pad int) *Tensor {
	s, OH, OW := poolGeom("MaxPool2D", x, k, stride, pad)
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	HW, P := H*W, OH*OW
	out := make([]float32, N*C*P)
	// Where each maximum is, for the backward pass only: without a graph to record (inference,
	// evaluation) it is neither kept nor computed. For 2×2 windows with stride 2 and no
	// padding, the position in the window (a byte, col + 2·row); otherwise the index in the
	// input plane.
	fast := k == 2 && s == 2 && pad == 0
	var arg []int32
	var code []uint8
	if x.requiresGrad && !x.noGrad {
		if fast {
			code = make([]uint8, N*C*P)
		} else {
			arg = make([]int32, N*C*P)
		}
	}
	xd := x.data
	par.For(N*C, max(1, 8192/max(1, P*k*k)), func(lo, hi int) {
		if fast {
			// All the chunk's planes in one call, eight outputs at a time with AVX2, ties
			// keeping the earlier element.
			if code == nil {
				vec.MaxPool2x2(out[lo*P:hi*P], xd[lo*HW:hi*HW], H, W, OH, OW)
			} else {
				vec.MaxPool2x2Arg(out[lo*P:hi*P], code[lo*P:hi*P], xd[lo*HW:hi*HW], H, W, OH, OW)
			}
			return
		}
		for pl := lo; pl < hi; pl++ {
			in := xd[pl*HW : (pl+1)*HW]
			o := out[pl*P : (pl+1)*P]
			var a []int32
			if arg != nil {
				a = arg[pl*P : (pl+1)*P]
			}
			for i := range OH {
				y0 := i*s - pad
				u0, u1 := max(0, -y0), min(k, H-y0)
				for j := range OW {
					x0 := j*s - pad
					v0, v1 := max(0, -x0), min(k, W-x0)
					best, bi := float32(math.Inf(-1)), int32(-1)
					for u := u0; u < u1; u++ {
						row := (y0 + u) * W
						for v := v0; v < v1; v++ {
							if val := in[row+x0+v]; val > best || bi < 0 {
								best, bi = val, int32(row+x0+v)
							}
						}
					}
					o[i*OW+j] = best
					if a != nil {
						a[i*OW+j] = bi
					}
				}
			}
		}
	})
	backward := func(o *Tensor) {
		dy, dx := o.grad.data, x.gradData()
		par.For(N*C, max(1, 16384/max(1, P)), func(lo, hi int) {
			if fast {
				// Walks the input gradient a block at a time, adding where code points and
				// keeping the other elements' bits: no scatter.
				vec.MaxPool2x2Back(dx[lo*HW:hi*HW], dy[lo*P:hi*P], code[lo*P:hi*P], H, W, OH, OW)
				return
			}
			for pl := lo; pl < hi; pl++ {
				g := dx[pl*HW : (pl+1)*HW]
				d := dy[pl*P : (pl+1)*P]
				for i, ai := range arg[pl*P : (pl+1)*P] {
					g[ai] += d[i]
				}
			}
		})
	}
	return newOp("MaxPool2D", out, []int{N, C, OH, OW}, backward, x)
}

// AvgPool2D returns the mean of each k×k window of x [N, C, H, W], windows placed every stride
// pixels (stride 0 means stride = k) on the input padded by pad pixels of 0:
//
//	y[n,c,i,j] = (1/k²) Σ_{0≤u,v<k} x[n, c, i·s − p + u, j·s − p + v]   →  y [N, C, OH, OW]
//
// with OH = ⌊(H + 2p − k)/s⌋ + 1. The divisor is always k², padding included (PyTorch's
// count_include_pad=True). AvgPool2D panics as MaxPool2D does.
func AvgPool2D(x *Tensor, k, stride, pad int) *Tensor {
	s, OH, OW := poolGeom("AvgPool2D", x, k, stride, pad)
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	HW, P := H*W, OH*OW
	inv := 1 / float32(k*k)
	out := make([]float32, N*C*P)
	xd := x.data
	// window returns output pixel (i, j)'s window origin and its rows [u0, u1) and columns
	// [v0, v1) inside the image.
	window := func(i, j int) (y0, x0, u0, u1, v0, v1 int) {
		y0, x0 = i*s-pad, j*s-pad
		return y0, x0, max(0, -y0), min(k, H-y0), max(0, -x0), min(k, W-x0)
	}
	par.For(N*C, max(1, 8192/max(1, P*k*k)), func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			in := xd[pl*HW : (pl+1)*HW]
			o := out[pl*P : (pl+1)*P]
			for i := range OH {
				for j := range OW {
					y0, x0, u0, u1, v0, v1 := window(i, j)
					var sum float32
					for u := u0; u < u1; u++ {
						base := (y0+u)*W + x0
						for _, v := range in[base+v0 : base+v1] {
							sum += v
						}
					}
					o[i*OW+j] = sum * inv
				}
			}
		}
	})
	backward := func(o *Tensor) {
		dy, dx := o.grad.data, x.gradData()
		par.For(N*C, max(1, 8192/max(1, P*k*k)), func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				g := dx[pl*HW : (pl+1)*HW]
				d := dy[pl*P : (pl+1)*P]
				for i := range OH {
					for j := range OW {
						y0, x0, u0, u1, v0, v1 := window(i, j)
						gv := d[i*OW+j] * inv
						for u := u0; u < u1; u++ {
							base := (y0+u)*W + x0
							row := g[base+v0 : base+v1]
							for t := range row {
								row[t] += gv
							}
						}
					}
				}
			}
		})
	}
	return newOp("AvgPool2D", out, []int{N, C, OH, OW}, backward, x)
}

// Upsample2D enlarges x [N, C, H, W] by an integer factor with nearest-neighbour sampling:
//
//	y[n,c,i,j] = x[n, c, ⌊i/scale⌋, ⌊j/scale⌋]   →  y [N, C, scale·H, scale·W]
//
// The gradient of each input pixel is the sum over its scale×scale block. Upsample2D panics
// with a *ShapeError if x is not 4-D or scale < 1.
func Upsample2D(x *Tensor, scale int) *Tensor {
	if x.Dims() != 4 || scale < 1 {
		panic(&ShapeError{Op: "Upsample2D", A: x.shape, Msg: fmt.Sprintf("want x [N C H W] and scale ≥ 1, got scale %d", scale)})
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	OH, OW := H*scale, W*scale
	HW, P := H*W, OH*OW
	out := make([]float32, N*C*P)
	xd := x.data
	par.For(N*C, max(1, 16384/max(1, P)), func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			in, o := xd[pl*HW:(pl+1)*HW], out[pl*P:(pl+1)*P]
			for i := range H {
				row := o[i*scale*OW : (i*scale+1)*OW]
				for j, v := range in[i*W : (i+1)*W] {
					seg := row[j*scale : (j+1)*scale]
					for t := range seg {
						seg[t] = v
					}
				}
				for r := 1; r < scale; r++ {
					copy(o[(i*scale+r)*OW:(i*scale+r+1)*OW], row)
				}
			}
		}
	})
	backward := func(o *Tensor) {
		dy, dx := o.grad.data, x.gradData()
		par.For(N*C, max(1, 16384/max(1, P)), func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				g, d := dx[pl*HW:(pl+1)*HW], dy[pl*P:(pl+1)*P]
				for i := range OH {
					gi := g[(i/scale)*W : (i/scale+1)*W]
					for j, v := range d[i*OW : (i+1)*OW] {
						gi[j/scale] += v
					}
				}
			}
		})
	}
	return newOp("Upsample2D", out, []int{N, C, OH, OW}, backward, x)
}

// UpsampleBilinear2D enlarges x [N, C, H, W] by an integer factor with bilinear interpolation,
// sampling output pixel centres (PyTorch's align_corners=False): output row i reads input row
// position yᵢ = max(0, (i + ½)/scale − ½), interpolating between rows ⌊yᵢ⌋ and ⌊yᵢ⌋+1 (clamped
// to the image), and likewise for columns. The result is [N, C, scale·H, scale·W].
// UpsampleBilinear2D panics with a *ShapeError if x is not 4-D or scale < 1.
func UpsampleBilinear2D(x *Tensor, scale int) *Tensor {
	if x.Dims() != 4 || scale < 1 {
		panic(&ShapeError{Op: "UpsampleBilinear2D", A: x.shape, Msg: fmt.Sprintf("want x [N C H W] and scale ≥ 1, got scale %d", scale)})
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	OH, OW := H*scale, W*scale
	HW, P := H*W, OH*OW
	type tap struct {
		i0, i1 int
		w1     float32 // weight of i1; i0 gets 1 − w1
	}
	taps := func(n, on int) []tap {
		t := make([]tap, on)
		for i := range t {
			pos := max(0, (float64(i)+0.5)/float64(scale)-0.5)
			i0 := min(int(pos), n-1)
			i1 := min(i0+1, n-1)
			t[i] = tap{i0, i1, float32(pos - float64(i0))}
		}
		return t
	}
	ty, tx := taps(H, OH), taps(W, OW)
	out := make([]float32, N*C*P)
	xd := x.data
	par.For(N*C, max(1, 8192/max(1, P)), func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			in, o := xd[pl*HW:(pl+1)*HW], out[pl*P:(pl+1)*P]
			for i, a := range ty {
				r0, r1 := in[a.i0*W:(a.i0+1)*W], in[a.i1*W:(a.i1+1)*W]
				row := o[i*OW : (i+1)*OW]
				for j, b := range tx {
					top := r0[b.i0] + b.w1*(r0[b.i1]-r0[b.i0])
					bot := r1[b.i0] + b.w1*(r1[b.i1]-r1[b.i0])
					row[j] = top + a.w1*(bot-top)
				}
			}
		}
	})
	backward := func(o *Tensor) {
		dy, dx := o.grad.data, x.gradData()
		par.For(N*C, max(1, 8192/max(1, P)), func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				g, d := dx[pl*HW:(pl+1)*HW], dy[pl*P:(pl+1)*P]
				for i, a := range ty {
					r0, r1 := g[a.i0*W:(a.i0+1)*W], g[a.i1*W:(a.i1+1)*W]
					for j, b := range tx {
						v := d[i*OW+j]
						top, bot := v*(1-a.w1), v*a.w1
						r0[b.i0] += top * (1 - b.w1)
						r0[b.i1] += top * b.w1
						r1[b.i0] += bot * (1 - b.w1)
						r1[b.i1] += bot * b.w1
					}
				}
			}
		})
	}
	return newOp("UpsampleBilinear2D", out, []int{N, C, OH, OW}, backward, x)
}
