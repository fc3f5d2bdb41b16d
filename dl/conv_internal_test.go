package dl

import (
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
