package backbone

import (
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// BenchmarkSmallMaps times one training step's convolution work (forward and backward, with
// gradients for the input and the weights) of conv_13's shape — 1024 → 512 channels, 3×3,
// padding 1 — on a batch of 32 maps of 2×2 (64-px images) and 1×1 (32-px images), where
// dl.Conv2D runs one product over the batch and, on 1×1 maps, only the kernel's centre tap
// (dl's BenchmarkConv2DSmallMaps compares that with its product per image).
func BenchmarkSmallMaps(b *testing.B) {
	rng := newRand(1)
	w := dl.RandN(rng, 512, 1024, 3, 3).MulScalar(0.01).Detach().SetRequiresGrad(true)
	bias := dl.Zeros(512).SetRequiresGrad(true)
	for _, side := range []int{2, 1} {
		x := dl.RandN(rng, 32, 1024, side, side).SetRequiresGrad(true)
		b.Run(map[int]string{1: "1x1", 2: "2x2"}[side], func(b *testing.B) {
			for b.Loop() {
				x.ZeroGrad()
				w.ZeroGrad()
				bias.ZeroGrad()
				dl.Conv2D(x, w, bias, dl.ConvOpts{Stride: 1, Padding: 1}).Sum().Backward()
			}
		})
	}
}
