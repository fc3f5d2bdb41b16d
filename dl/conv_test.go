package dl_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// naiveConv2D is the slow oracle: the defining sum of Conv2D, accumulated in float64.
func naiveConv2D(x, w, b *dl.Tensor, o dl.ConvOpts) (data []float32, shape []int) {
	s, p, d, G := max(o.Stride, 1), o.Padding, max(o.Dilation, 1), max(o.Groups, 1)
	N, C, H, W := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	F, Cg, KH, KW := w.Dim(0), w.Dim(1), w.Dim(2), w.Dim(3)
	OH := (H+2*p-d*(KH-1)-1)/s + 1
	OW := (W+2*p-d*(KW-1)-1)/s + 1
	Fg := F / G
	out := make([]float32, 0, N*F*OH*OW)
	for n := range N {
		for f := range F {
			g := f / Fg
			for i := range OH {
				for j := range OW {
					var sum float64
					if b != nil {
						sum = float64(b.At(f))
					}
					for c := range Cg {
						for u := range KH {
							for v := range KW {
								y, xx := i*s-p+u*d, j*s-p+v*d
								if y < 0 || y >= H || xx < 0 || xx >= W {
									continue
								}
								sum += float64(w.At(f, c, u, v)) * float64(x.At(n, g*Cg+c, y, xx))
							}
						}
					}
					out = append(out, float32(sum))
				}
			}
		}
	}
	_ = C
	return out, []int{N, F, OH, OW}
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestConv2DGolden(t *testing.T) {
	// 1×1×3×3 input 1..9, 2×2 kernel [[1 0] [0 −1]]: y = x[i,j] − x[i+1,j+1] = −4 everywhere.
	x := dl.New([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	w := dl.New([]float32{1, 0, 0, -1}, 1, 1, 2, 2)
	for i, tc := range []struct {
		b     *dl.Tensor
		opts  dl.ConvOpts
		shape []int
		want  []float32
	}{
		{nil, dl.ConvOpts{}, []int{1, 1, 2, 2}, []float32{-4, -4, -4, -4}},
		{dl.New([]float32{0.5}, 1), dl.ConvOpts{}, []int{1, 1, 2, 2}, []float32{-3.5, -3.5, -3.5, -3.5}},
		// Padding 1: 4×4 output; corners see one tap each.
		{nil, dl.ConvOpts{Padding: 1}, []int{1, 1, 4, 4}, []float32{
			-1, -2, -3, 0,
			-4, -4, -4, 3,
			-7, -4, -4, 6,
			0, 7, 8, 9}},
		{nil, dl.ConvOpts{Padding: 1, Stride: 2}, []int{1, 1, 2, 2}, []float32{-1, -3, -7, -4}},
		// Dilation 2: taps (0,0) and (2,2): 1 − 9.
		{nil, dl.ConvOpts{Dilation: 2}, []int{1, 1, 1, 1}, []float32{-8}},
	} {
		y := dl.Conv2D(x, w, tc.b, tc.opts)
		if fmt.Sprint(y.Shape()) != fmt.Sprint(tc.shape) {
			t.Errorf("case %d: Conv2D shape: got %v, want %v", i, y.Shape(), tc.shape)
			continue
		}
		numtest.Close(t, fmt.Sprintf("case %d: Conv2D", i), y.Data(), tc.want, numtest.Exact, 0)
	}
}

func TestConv2DMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for i, tc := range []struct {
		x, w []int
		opts dl.ConvOpts
		bias bool
	}{
		{[]int{2, 3, 7, 6}, []int{4, 3, 3, 3}, dl.ConvOpts{}, true},
		{[]int{2, 3, 7, 6}, []int{4, 3, 3, 3}, dl.ConvOpts{Padding: 1}, false},
		{[]int{3, 2, 9, 8}, []int{5, 2, 3, 2}, dl.ConvOpts{Stride: 2, Padding: 1}, true},
		{[]int{1, 2, 11, 10}, []int{3, 2, 3, 3}, dl.ConvOpts{Dilation: 2, Padding: 2}, true},
		{[]int{2, 3, 10, 9}, []int{2, 3, 3, 3}, dl.ConvOpts{Stride: 2, Dilation: 2, Padding: 1}, false},
		{[]int{2, 4, 6, 6}, []int{6, 2, 3, 3}, dl.ConvOpts{Groups: 2, Padding: 1}, true},
		{[]int{2, 4, 5, 5}, []int{4, 1, 3, 3}, dl.ConvOpts{Groups: 4, Padding: 1, Stride: 2}, true}, // depthwise
		{[]int{3, 5, 4, 7}, []int{6, 5, 1, 1}, dl.ConvOpts{}, true},                                 // 1×1: no im2col
		{[]int{2, 1, 28, 28}, []int{16, 1, 5, 5}, dl.ConvOpts{Padding: 2}, true},
		{[]int{1, 3, 70, 64}, []int{8, 3, 3, 3}, dl.ConvOpts{Padding: 1}, true},                         // several row bands
		{[]int{1, 2, 40, 30}, []int{3, 2, 5, 4}, dl.ConvOpts{Padding: 3, Stride: 3, Dilation: 2}, true}, // padding beyond taps
		// Small maps (stride 1, at most 16 positions): one GEMM over the batch.
		{[]int{3, 4, 1, 1}, []int{5, 4, 3, 3}, dl.ConvOpts{Padding: 1}, true}, // one useful tap of 9
		{[]int{2, 2, 2, 3}, []int{3, 2, 3, 3}, dl.ConvOpts{Padding: 1}, false},
		{[]int{2, 4, 3, 3}, []int{4, 2, 3, 3}, dl.ConvOpts{Padding: 1, Groups: 2}, true},
		{[]int{2, 2, 1, 1}, []int{3, 2, 2, 2}, dl.ConvOpts{Padding: 2, Dilation: 3}, true}, // no tap reads the image
	} {
		x := dl.RandN(rng, tc.x...)
		w := dl.RandN(rng, tc.w...)
		var b *dl.Tensor
		if tc.bias {
			b = dl.RandN(rng, tc.w[0])
		}
		y := dl.Conv2D(x, w, b, tc.opts)
		want, shape := naiveConv2D(x, w, b, tc.opts)
		if fmt.Sprint(y.Shape()) != fmt.Sprint(shape) {
			t.Errorf("case %d: Conv2D shape: got %v, want %v", i, y.Shape(), shape)
			continue
		}
		numtest.Close(t, fmt.Sprintf("case %d: Conv2D vs naive", i), y.Data(), want, 1e-4, 1e-4)
	}
}

// TestConv2DBackwardAdjoint checks dx and dw on larger shapes than a gradient check can afford:
// for y = Conv2D(x, w) and a seed g, ⟨g, y⟩ is bilinear, so ⟨dx, x⟩ = ⟨dw, w⟩ = ⟨g, y⟩ (no bias).
func TestConv2DBackwardAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i, tc := range []struct {
		x, w []int
		opts dl.ConvOpts
	}{
		{[]int{3, 16, 70, 33}, []int{5, 16, 3, 3}, dl.ConvOpts{Padding: 1}}, // several row bands
		{[]int{1, 32, 33, 40}, []int{4, 32, 5, 5}, dl.ConvOpts{Padding: 2, Stride: 2}},
		{[]int{3, 4, 50, 21}, []int{6, 2, 5, 3}, dl.ConvOpts{Padding: 2, Stride: 2, Groups: 2}},
		{[]int{2, 2, 64, 20}, []int{3, 2, 3, 3}, dl.ConvOpts{Dilation: 3, Padding: 2}},
		{[]int{5, 6, 9, 9}, []int{4, 6, 1, 1}, dl.ConvOpts{}},
		// 32 channels per group, stride 1: dx by correlation with the flipped kernel.
		{[]int{2, 32, 20, 17}, []int{8, 32, 3, 3}, dl.ConvOpts{Padding: 1}},
		{[]int{1, 32, 15, 16}, []int{4, 32, 3, 3}, dl.ConvOpts{Padding: 1, Dilation: 2}},
		{[]int{1, 64, 9, 9}, []int{6, 32, 3, 3}, dl.ConvOpts{Padding: 2, Groups: 2}},
	} {
		x := dl.RandN(rng, tc.x...).SetRequiresGrad(true)
		w := dl.RandN(rng, tc.w...).SetRequiresGrad(true)
		y := dl.Conv2D(x, w, nil, tc.opts)
		g := dl.RandN(rng, y.Shape()...)
		y.BackwardWith(g)
		gy := dot(g.Data(), y.Data())
		for name, got := range map[string]float64{"x": dot(x.Grad().Data(), x.Data()), "w": dot(w.Grad().Data(), w.Data())} {
			if d := got - gy; d > 1e-3*max(1, gy, -gy) || -d > 1e-3*max(1, gy, -gy) {
				t.Errorf("case %d: ⟨d%s, %s⟩ = %v, want ⟨g, y⟩ = %v", i, name, name, got, gy)
			}
		}
	}
}

// TestConv2DBackwardTwice walks the same graph twice: the second pass cannot reuse the im2col
// matrices the first one released and rebuilds them, so the gradients simply double; on
// per-image and on small maps (one GEMM over the batch).
func TestConv2DBackwardTwice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 6))
	for _, tc := range []struct {
		x    []int
		opts dl.ConvOpts
	}{
		{[]int{2, 3, 9, 8}, dl.ConvOpts{Padding: 1, Stride: 2}},
		{[]int{3, 3, 2, 2}, dl.ConvOpts{Padding: 1}},
	} {
		x := dl.RandN(rng, tc.x...).SetRequiresGrad(true)
		w := dl.RandN(rng, 4, 3, 3, 3).SetRequiresGrad(true)
		b := dl.RandN(rng, 4).SetRequiresGrad(true)
		y := dl.Conv2D(x, w, b, tc.opts)
		g := dl.RandN(rng, y.Shape()...)
		y.BackwardWith(g)
		once := [][]float32{slices.Clone(x.Grad().Data()), slices.Clone(w.Grad().Data()), slices.Clone(b.Grad().Data())}
		y.ZeroGrad() // y keeps its own gradient between passes
		y.BackwardWith(g)
		for i, p := range []*dl.Tensor{x, w, b} {
			want := make([]float32, len(once[i]))
			for j, v := range once[i] {
				want[j] = 2 * v
			}
			numtest.Close(t, fmt.Sprintf("x %v, input %d: gradient after two passes", tc.x, i), p.Grad().Data(), want, 1e-6, 1e-5)
		}
	}
}

func TestConv2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	for _, tc := range []struct {
		x, w []int
		opts dl.ConvOpts
	}{
		{[]int{2, 2, 5, 4}, []int{3, 2, 3, 3}, dl.ConvOpts{Padding: 1}},
		{[]int{1, 2, 7, 6}, []int{2, 2, 3, 2}, dl.ConvOpts{Stride: 2, Padding: 1, Dilation: 2}},
		{[]int{2, 4, 4, 4}, []int{4, 2, 2, 2}, dl.ConvOpts{Groups: 2}},
		{[]int{2, 3, 3, 3}, []int{2, 3, 1, 1}, dl.ConvOpts{}},
		// Small maps (stride 1, at most 16 positions): one GEMM over the batch.
		{[]int{3, 2, 1, 1}, []int{3, 2, 3, 3}, dl.ConvOpts{Padding: 1}}, // one useful tap of 9
		{[]int{2, 2, 2, 3}, []int{2, 1, 3, 3}, dl.ConvOpts{Padding: 1, Groups: 2}},
		{[]int{2, 2, 1, 2}, []int{2, 2, 3, 3}, dl.ConvOpts{Padding: 2, Dilation: 2}},
	} {
		x := dl.RandN(rng, tc.x...)
		w := dl.RandN(rng, tc.w...)
		b := dl.RandN(rng, tc.w[0])
		opts := tc.opts
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.Conv2D(xs[0], xs[1], xs[2], opts) }, x, w, b)
	}
}

func TestConvTranspose2DAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 4))
	for i, tc := range []struct {
		y, w []int // ConvTranspose2D input [N C H W] and weight [C F/G KH KW]
		opts dl.ConvTransposeOpts
	}{
		{[]int{2, 3, 4, 5}, []int{3, 2, 3, 3}, dl.ConvTransposeOpts{}},
		{[]int{2, 3, 4, 5}, []int{3, 2, 3, 3}, dl.ConvTransposeOpts{Stride: 2, Padding: 1, OutputPadding: 1}},
		{[]int{1, 4, 5, 3}, []int{4, 3, 2, 3}, dl.ConvTransposeOpts{Stride: 3, Dilation: 2, Padding: 2, OutputPadding: 2, Groups: 2}},
		{[]int{2, 2, 40, 40}, []int{2, 16, 4, 4}, dl.ConvTransposeOpts{Stride: 2, Padding: 1}}, // several bands
		{[]int{2, 3, 4, 4}, []int{3, 5, 1, 1}, dl.ConvTransposeOpts{}},
	} {
		y := dl.RandN(rng, tc.y...)
		w := dl.RandN(rng, tc.w...)
		z := dl.ConvTranspose2D(y, w, nil, tc.opts)
		// Conv2D of z's shape with the same options maps back to y's shape.
		co := dl.ConvOpts{Stride: tc.opts.Stride, Padding: tc.opts.Padding, Dilation: tc.opts.Dilation, Groups: tc.opts.Groups}
		x := dl.RandN(rng, z.Shape()...)
		cx := dl.Conv2D(x, w, nil, co)
		if fmt.Sprint(cx.Shape()) != fmt.Sprint(y.Shape()) {
			t.Errorf("case %d: Conv2D of ConvTranspose2D output shape %v: got %v, want %v", i, z.Shape(), cx.Shape(), y.Shape())
			continue
		}
		l, r := dot(cx.Data(), y.Data()), dot(x.Data(), z.Data())
		if d := l - r; d > 1e-4*max(1, l, -l) || -d > 1e-4*max(1, l, -l) {
			t.Errorf("case %d: ⟨Conv2D(x), y⟩ = %v, ⟨x, ConvTranspose2D(y)⟩ = %v", i, l, r)
		}
	}
}

func TestConvTranspose2DGolden(t *testing.T) {
	// Stride 2 scatters a copy of the 2×2 kernel per input pixel, without overlap.
	x := dl.New([]float32{1, 2, 3, 4}, 1, 1, 2, 2)
	w := dl.New([]float32{1, 10, 100, 1000}, 1, 1, 2, 2)
	y := dl.ConvTranspose2D(x, w, dl.New([]float32{0.5}, 1), dl.ConvTransposeOpts{Stride: 2})
	want := []float32{
		1, 10, 2, 20,
		100, 1000, 200, 2000,
		3, 30, 4, 40,
		300, 3000, 400, 4000,
	}
	for i := range want {
		want[i] += 0.5
	}
	if fmt.Sprint(y.Shape()) != "[1 1 4 4]" {
		t.Fatalf("ConvTranspose2D shape: got %v, want [1 1 4 4]", y.Shape())
	}
	numtest.Close(t, "ConvTranspose2D", y.Data(), want, numtest.Exact, 0)
}

func TestConvTranspose2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	for _, tc := range []struct {
		x, w []int
		opts dl.ConvTransposeOpts
	}{
		{[]int{2, 2, 3, 3}, []int{2, 3, 3, 3}, dl.ConvTransposeOpts{Stride: 2, Padding: 1, OutputPadding: 1}},
		{[]int{1, 4, 3, 2}, []int{4, 1, 2, 3}, dl.ConvTransposeOpts{Groups: 2, Dilation: 2}},
		{[]int{2, 2, 2, 2}, []int{2, 3, 1, 1}, dl.ConvTransposeOpts{}},
	} {
		x := dl.RandN(rng, tc.x...)
		w := dl.RandN(rng, tc.w...)
		b := dl.RandN(rng, tc.w[1]*max(1, tc.opts.Groups))
		opts := tc.opts
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.ConvTranspose2D(xs[0], xs[1], xs[2], opts) }, x, w, b)
	}
}

func TestConvShapeErrors(t *testing.T) {
	x := dl.Zeros(1, 3, 5, 5)
	for i, tc := range []struct {
		f    func()
		want string
		kind error // dl.ErrShape when nil
	}{
		{func() { dl.Conv2D(dl.Zeros(3, 5, 5), dl.Zeros(2, 3, 3, 3), nil, dl.ConvOpts{}) }, "Conv2D: want x [N C H W] and w [F C/G KH KW] [3 5 5] × [2 3 3 3]", nil},
		{func() { dl.Conv2D(x, dl.Zeros(2, 2, 3, 3), nil, dl.ConvOpts{}) }, "Conv2D: channels do not match (groups 1) [1 3 5 5] × [2 2 3 3]", nil},
		{func() { dl.Conv2D(x, dl.Zeros(2, 3, 3, 3), dl.Zeros(3), dl.ConvOpts{}) }, "Conv2D: bias must be [F] [2 3 3 3] × [3]", nil},
		{func() { dl.Conv2D(x, dl.Zeros(2, 3, 7, 7), nil, dl.ConvOpts{}) }, "Conv2D: kernel larger than padded input", nil},
		{func() { dl.Conv2D(x, dl.Zeros(2, 3, 3, 3), nil, dl.ConvOpts{Stride: -1}) }, "Conv2D: options (stride -1, padding 0, dilation 0, groups 0) include a negative one", dl.ErrArg},
		{func() { dl.ConvTranspose2D(x, dl.Zeros(2, 3, 3, 3), nil, dl.ConvTransposeOpts{}) }, "ConvTranspose2D: channels do not match (groups 1) [1 3 5 5] × [2 3 3 3]", nil},
		{func() {
			dl.ConvTranspose2D(x, dl.Zeros(3, 3, 3, 3), nil, dl.ConvTransposeOpts{Stride: 2, OutputPadding: 2})
		}, "ConvTranspose2D: output padding 2 not in [0, stride 2)", nil},
	} {
		err := numtest.PanicsWith(tc.f)
		if kind := cmp.Or(tc.kind, dl.ErrShape); !errors.Is(err, kind) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got panic %v, want %v containing %q", i, err, kind, tc.want)
		}
	}
}

func ExampleConv2D() {
	// A 3×3 image and a 2×2 diagonal-difference kernel.
	x := dl.New([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3).SetRequiresGrad(true)
	w := dl.New([]float32{1, 0, 0, -1}, 1, 1, 2, 2)
	y := dl.Conv2D(x, w, nil, dl.ConvOpts{Padding: 1, Stride: 2})
	show := func(t *dl.Tensor) {
		vals := make([]string, t.Len())
		for i, v := range t.Data() {
			vals[i] = fmt.Sprintf("%.4f", v)
		}
		fmt.Println(t.Shape(), strings.Join(vals, " "))
	}
	show(y)
	y.BackwardWith(dl.Ones(y.Shape()...)) // dL/dy = 1 everywhere
	show(x.Grad())
	// Output:
	// [1 1 2 2] -1.0000 -3.0000 -7.0000 -4.0000
	// [1 1 3 3] -1.0000 0.0000 -1.0000 0.0000 1.0000 0.0000 -1.0000 0.0000 -1.0000
}
