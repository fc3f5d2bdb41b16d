package backbone

import (
	"fmt"
	"math"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// TestConvBatchedMatchesConv2D: the batched convolution gives dl.Conv2D's outputs and its
// gradients for x, w and b (dl.Conv2D is the oracle), on the trunk's kernel sizes and the map
// sizes it sees, with and without padding, and passes a gradient check of its own.
func TestConvBatchedMatchesConv2D(t *testing.T) {
	for i, tc := range []struct{ n, c, f, h, w, k, pad int }{
		{3, 4, 5, 1, 1, 3, 1}, {2, 3, 4, 1, 3, 3, 1}, {2, 2, 3, 1, 1, 5, 2}, {2, 3, 4, 2, 2, 3, 1}, {4, 2, 3, 3, 2, 3, 1}, {2, 5, 2, 4, 4, 3, 0}, {3, 4, 6, 2, 3, 1, 0},
	} {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			rng := newRand(uint64(i + 1))
			x := dl.RandN(rng, tc.n, tc.c, tc.h, tc.w).SetRequiresGrad(true)
			w := dl.RandN(rng, tc.f, tc.c, tc.k, tc.k).SetRequiresGrad(true)
			b := dl.RandN(rng, tc.f).SetRequiresGrad(true)
			r := dl.RandN(rng, tc.n, tc.f, tc.h+2*tc.pad-tc.k+1, tc.w+2*tc.pad-tc.k+1)
			grads := func(y *dl.Tensor) [][]float32 {
				for _, p := range []*dl.Tensor{x, w, b} {
					p.ZeroGrad()
				}
				y.Mul(r).Sum().Backward()
				return [][]float32{y.Data(), x.Grad().Data(), w.Grad().Data(), b.Grad().Data()}
			}
			want := grads(dl.Conv2D(x, w, b, dl.ConvOpts{Stride: 1, Padding: tc.pad}))
			got := grads(convBatched(x, w, b, tc.pad))
			for j, name := range []string{"y", "dx", "dw", "db"} {
				if len(got[j]) != len(want[j]) {
					t.Fatalf("%s: %d values, Conv2D %d", name, len(got[j]), len(want[j]))
				}
				for k := range want[j] {
					if d := math.Abs(float64(got[j][k] - want[j][k])); d > 1e-4*(1+math.Abs(float64(want[j][k]))) {
						t.Fatalf("%s[%d] = %g, Conv2D %g", name, k, got[j][k], want[j][k])
					}
				}
			}
			if e, rep := dl.GradCheck(func(xs ...*dl.Tensor) *dl.Tensor { return convBatched(xs[0], xs[1], xs[2], tc.pad) }, x, w, b); e > dl.GradCheckTol {
				t.Errorf("gradient check: %.3g\n%s", e, rep)
			}
		})
	}
}
