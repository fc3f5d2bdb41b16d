package optim

import (
	"math"

	"github.com/deepnb/deepnb/dl"
)

// ClipGradNorm scales the gradients of ps together so that their global L2 norm is at most
// maxNorm, and returns the norm before clipping (as torch.nn.utils.clip_grad_norm_).
// Parameters without a gradient are ignored.
func ClipGradNorm(ps []*dl.Tensor, maxNorm float32) float32 {
	var ss float64
	for _, p := range ps {
		if g := p.Grad(); g != nil {
			for _, v := range g.Data() {
				ss += float64(v) * float64(v)
			}
		}
	}
	norm := float32(math.Sqrt(ss))
	if norm > maxNorm && norm > 0 {
		scale := maxNorm / (norm + 1e-6)
		for _, p := range ps {
			if g := p.Grad(); g != nil {
				gd := g.Data()
				for i := range gd {
					gd[i] *= scale
				}
			}
		}
	}
	return norm
}

// ClipGradValue clamps every gradient element of ps into [−limit, limit].
func ClipGradValue(ps []*dl.Tensor, limit float32) {
	for _, p := range ps {
		if g := p.Grad(); g != nil {
			gd := g.Data()
			for i, v := range gd {
				gd[i] = min(max(v, -limit), limit)
			}
		}
	}
}
