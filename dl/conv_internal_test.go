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
