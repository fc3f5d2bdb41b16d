package style_test

import (
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/lessons/backbone"
	"github.com/deepnb/deepnb/lessons/style"
)

// BenchmarkStylize256 is the lecture's 256-px stylization: The Starry Night on Chelsea the cat,
// the lecture's layers and weights (style.Lecture), 50 L-BFGS iterations from noise, on Tiny
// YOLOv2's average-pooled trunk. The goal is under 2 minutes per op on 2 cores
// (GOMAXPROCS=2); it also reports how many times the total loss fell.
func BenchmarkStylize256(b *testing.B) {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		b.Fatal(err)
	}
	bb := backbone.New(net, backbone.AvgPool)
	photo, err := datasets.ImageTensor("chelsea", 256)
	if err != nil {
		b.Fatal(err)
	}
	art, err := datasets.ImageTensor("starry-night", 256)
	if err != nil {
		b.Fatal(err)
	}
	cfg := style.Lecture
	cfg.Iters = 50
	b.ResetTimer()
	for b.Loop() {
		r := style.Transfer(bb, photo.Reshape(1, 3, 256, 256), art.Reshape(1, 3, 256, 256), cfg, nil)
		b.ReportMetric(r.Trace[0].Total/r.Trace[len(r.Trace)-1].Total, "loss-fall")
	}
}
