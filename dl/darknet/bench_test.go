package darknet_test

import (
	"testing"

	"github.com/deepnb/deepnb/dl/darknet"
)

// BenchmarkTinyYOLOv2Forward times one 416×416 forward pass of Tiny YOLOv2 (no gradients), the
// figure scripts/bench.sh compares with PyTorch (scripts/tinyyolo_torch.py).
func BenchmarkTinyYOLOv2Forward(b *testing.B) {
	net := tinyYOLO(b, 2)
	x := darknet.Letterbox(photo(b, "dog"), net.Width, net.Height).NoGrad()
	net.Forward(x)
	b.ResetTimer()
	for range b.N {
		net.Forward(x)
	}
}
