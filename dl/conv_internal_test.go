package dl

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestConv2DDxPaths checks that Conv2D's two ways of computing dx (correlation with the
// flipped kernel, and col2im of wᵀ·dy) agree wherever the first applies.
func TestConv2DDxPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	saved := dxByCorrelation
	defer func() { dxByCorrelation = saved }()
	for i, tc := range []struct {
		x, w []int
		opts ConvOpts
	}{
		{[]int{2, 3, 9, 7}, []int{4, 3, 3, 3}, ConvOpts{Padding: 1}},
		{[]int{1, 2, 11, 10}, []int{3, 2, 3, 3}, ConvOpts{Padding: 3, Dilation: 2}},
		{[]int{3, 4, 8, 9}, []int{6, 2, 5, 5}, ConvOpts{Padding: 0, Groups: 2}},
		{[]int{1, 32, 40, 12}, []int{5, 32, 3, 3}, ConvOpts{Padding: 2}},
	} {
		x := RandN(rng, tc.x...)
		w := RandN(rng, tc.w...)
		var dx [2][]float32
		for k, corr := range []bool{false, true} {
			dxByCorrelation = func(g *convGeom) bool {
				if corr && !(g.s == 1 && g.kh == g.kw && g.p <= g.d*(g.kh-1)) {
					t.Fatalf("case %d: not a correlation case", i)
				}
				return corr
			}
			x.SetRequiresGrad(true).ZeroGrad()
			y := Conv2D(x, w, nil, tc.opts)
			y.BackwardWith(RandN(rand.New(rand.NewPCG(1, uint64(i))), y.shape...))
			dx[k] = x.Grad().Data()
		}
		for j := range dx[0] {
			if d := dx[0][j] - dx[1][j]; d > 1e-4 || d < -1e-4 {
				t.Errorf("case %d: dx[%d]: col2im %v, correlation %v", i, j, dx[0][j], dx[1][j])
				break
			}
		}
	}
}

// TestConv2DKeptCols checks that Conv2D's dw, db and dx are the same, bit for bit, whether
// forward keeps the im2col matrices for the backward pass or backward rebuilds them (what it
// does for matrices over keepCols floats).
func TestConv2DKeptCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 2))
	saved := keepCols
	defer func() { keepCols = saved }()
	for i, tc := range []struct {
		x, w []int
		opts ConvOpts
	}{
		{[]int{2, 3, 9, 7}, []int{4, 3, 3, 3}, ConvOpts{Padding: 1}},
		{[]int{3, 4, 8, 9}, []int{6, 2, 5, 5}, ConvOpts{Padding: 2, Groups: 2, Stride: 2}},
		{[]int{5, 16, 14, 14}, []int{32, 16, 5, 5}, ConvOpts{Padding: 2}}, // the cnn workload's conv2
		{[]int{4, 6, 2, 2}, []int{8, 6, 3, 3}, ConvOpts{Padding: 1}},      // small maps: batched
		{[]int{3, 4, 1, 1}, []int{6, 2, 3, 3}, ConvOpts{Padding: 1, Groups: 2}},
	} {
		x := RandN(rng, tc.x...)
		w := RandN(rng, tc.w...)
		b := RandN(rng, tc.w[0])
		dy := RandN(rng, Conv2D(x, w, b, tc.opts).shape...)
		var grads [2][3][]float32
		for k, keep := range []int{1 << 40, 0} {
			keepCols = keep
			for _, p := range []*Tensor{x, w, b} {
				p.SetRequiresGrad(true).ZeroGrad()
			}
			Conv2D(x, w, b, tc.opts).BackwardWith(dy)
			grads[k] = [3][]float32{x.Grad().Data(), w.Grad().Data(), b.Grad().Data()}
		}
		for j, name := range []string{"dx", "dw", "db"} {
			for e := range grads[0][j] {
				if grads[0][j][e] != grads[1][j][e] {
					t.Errorf("case %d: %s[%d]: kept %v, rebuilt %v", i, name, e, grads[0][j][e], grads[1][j][e])
					break
				}
			}
		}
	}
}

// conv2DPerImage is Conv2D forced onto its per-image path (a GEMM per image or band), the
// oracle of its batched small-map path.
func conv2DPerImage(x, w, b *Tensor, opts ConvOpts) *Tensor {
	c := newConv2D(x, w, b, opts)
	c.small = nil
	return newOp("Conv2D", c.forward(), []int{c.N, c.F, c.g.oh, c.g.ow}, c.backward, x, w, b)
}

// TestConv2DSmallMapsMatchPerImage checks Conv2D's batched path for small maps (one GEMM over
// the batch, taps that read only padding left out) against its per-image path: outputs and the
// gradients for x, w and b, on random shapes (groups, dilation, padding up to beyond the kernel's
// reach) and on chosen ones: 1×1 maps whose padded 3×3 and 5×5 kernels have one useful tap, a
// map on which no tap reads the image (y is the bias), and a batch too large for one GEMM
// (chunks).
func TestConv2DSmallMapsMatchPerImage(t *testing.T) {
	type shape struct {
		x, w []int
		opts ConvOpts
	}
	cases := []shape{
		{[]int{3, 4, 1, 1}, []int{5, 4, 3, 3}, ConvOpts{Padding: 1}},              // 1 tap of 9
		{[]int{2, 3, 1, 1}, []int{4, 3, 5, 5}, ConvOpts{Padding: 2}},              // 1 tap of 25
		{[]int{2, 3, 1, 3}, []int{4, 3, 3, 3}, ConvOpts{Padding: 1}},              // 1×3 of 9
		{[]int{4, 6, 2, 2}, []int{8, 6, 3, 3}, ConvOpts{Padding: 1}},              // all 9 taps
		{[]int{2, 4, 4, 4}, []int{6, 2, 3, 3}, ConvOpts{Padding: 1, Groups: 2}},   // 16 positions
		{[]int{3, 5, 4, 7}, []int{6, 5, 1, 1}, ConvOpts{Padding: 0}},              // 4×7 = 28: per image
		{[]int{2, 2, 1, 1}, []int{3, 2, 2, 2}, ConvOpts{Padding: 2, Dilation: 3}}, // no useful tap
		{[]int{60, 256, 4, 4}, []int{4, 256, 3, 3}, ConvOpts{Padding: 1}},         // two chunks
		{[]int{1, 3, 3, 3}, []int{2, 3, 3, 3}, ConvOpts{Padding: 3, Dilation: 2}}, // taps beyond the image
		{[]int{3, 2, 2, 1}, []int{2, 2, 3, 3}, ConvOpts{Padding: 1, Dilation: 1}}, // 2×1
	}
	rng := rand.New(rand.NewPCG(9, 3))
	for len(cases) < 60 {
		G := 1 + rng.IntN(2)
		c := shape{
			x:    []int{1 + rng.IntN(4), G * (1 + rng.IntN(3)), 1 + rng.IntN(5), 1 + rng.IntN(5)},
			w:    []int{G * (1 + rng.IntN(3)), 0, 1 + rng.IntN(5), 1 + rng.IntN(5)},
			opts: ConvOpts{Padding: rng.IntN(4), Dilation: 1 + rng.IntN(2), Groups: G},
		}
		c.w[1] = c.x[1] / G
		oh := c.x[2] + 2*c.opts.Padding - c.opts.Dilation*(c.w[2]-1)
		ow := c.x[3] + 2*c.opts.Padding - c.opts.Dilation*(c.w[3]-1)
		if oh >= 1 && ow >= 1 && oh*ow <= smallMaps {
			cases = append(cases, c)
		}
	}
	var skipped, none, chunked int
	for i, tc := range cases {
		x := RandN(rng, tc.x...).SetRequiresGrad(true)
		w := RandN(rng, tc.w...).SetRequiresGrad(true)
		b := RandN(rng, tc.w[0]).SetRequiresGrad(true)
		c := newConv2D(x, w, b, tc.opts)
		if s := c.small; s != nil {
			if s.nu*s.nv < c.g.kh*c.g.kw {
				skipped++
			}
			if s.K == 0 {
				none++
			}
			if s.nb < c.N {
				chunked++
			}
		} else if c.P <= smallMaps {
			t.Fatalf("case %d %v: %d positions at stride 1, not batched", i, tc, c.P)
		}
		dy := RandN(rng, c.N, c.F, c.g.oh, c.g.ow)
		var res [2][4][]float32
		for k, conv := range []func(x, w, b *Tensor, o ConvOpts) *Tensor{Conv2D, conv2DPerImage} {
			for _, p := range []*Tensor{x, w, b} {
				p.ZeroGrad()
			}
			y := conv(x, w, b, tc.opts)
			y.BackwardWith(dy)
			res[k] = [4][]float32{y.Data(), x.Grad().Data(), w.Grad().Data(), b.Grad().Data()}
		}
		for j, name := range []string{"y", "dx", "dw", "db"} {
			got, want := res[0][j], res[1][j]
			for e := range want {
				if d := math.Abs(float64(got[e] - want[e])); d > 1e-4*(1+math.Abs(float64(want[e]))) {
					t.Errorf("case %d %v: %s[%d]: batched %v, per image %v", i, tc, name, e, got[e], want[e])
					break
				}
			}
		}
	}
	if skipped < 10 || none < 1 || chunked < 1 {
		t.Errorf("%d cases left out taps, %d had none, %d ran in chunks: want ≥ 10, ≥ 1, ≥ 1", skipped, none, chunked)
	}
}
