//go:build unix

package darknet

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// tinyYOLOv2Convs are the convolutional layers of Tiny YOLOv2 (COCO) on a 416×416 image: input
// [C, H, W], filters, kernel size and padding (all stride 1).
var tinyYOLOv2Convs = []struct {
	name       string
	c, h, w    int
	f, k, pad  int
	activation string
}{
	{"conv0", 3, 416, 416, 16, 3, 1, "leaky"},
	{"conv2", 16, 208, 208, 32, 3, 1, "leaky"},
	{"conv4", 32, 104, 104, 64, 3, 1, "leaky"},
	{"conv6", 64, 52, 52, 128, 3, 1, "leaky"},
	{"conv8", 128, 26, 26, 256, 3, 1, "leaky"},
	{"conv10", 256, 13, 13, 512, 3, 1, "leaky"},
	{"conv12", 512, 13, 13, 1024, 3, 1, "leaky"},
	{"conv13", 1024, 13, 13, 512, 3, 1, "leaky"},
	{"conv14", 512, 13, 13, 425, 1, 0, "linear"},
}

// cpuSeconds is the process's user+system CPU time. The benchmarks report CPU-ms/op next to
// wall time because the development machine is shared: on a loaded machine wall time
// overstates the cost, while CPU time (summed over the cores) stays closer to it.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// loop runs f once to warm up (caches, transformed weights), then b.N times, and reports
// CPU-ms/op.
func loop(b *testing.B, f func()) {
	f()
	t0 := cpuSeconds()
	for b.Loop() {
		f()
	}
	b.ReportMetric((cpuSeconds()-t0)*1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkTinyYOLOv2Conv times each convolutional layer of Tiny YOLOv2 on the inference path
// (convInfer), with random weights: a regression in one shape shows in a benchmark diff.
func BenchmarkTinyYOLOv2Conv(b *testing.B) {
	for _, c := range tinyYOLOv2Convs {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			l := randConvLayer(rng, c.c, c.h, c.w, c.f, c.k, 1, c.pad, c.activation)
			x := dl.RandN(rng, 1, c.c, c.h, c.w)
			out := make([]float32, l.Out[0]*l.Out[1]*l.Out[2])
			loop(b, func() { convInfer(l, x, out) })
			flops := 2 * float64(c.f*c.c*c.k*c.k*l.Out[1]*l.Out[2])
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTinyYOLOv2Pool times the max-pooling layers of Tiny YOLOv2 on the inference path.
func BenchmarkTinyYOLOv2Pool(b *testing.B) {
	for _, c := range []struct{ ch, hw, stride int }{{16, 416, 2}, {32, 208, 2}, {64, 104, 2}, {128, 52, 2}, {256, 26, 2}, {512, 13, 1}} {
		b.Run(fmt.Sprintf("%dx%dx%d_s%d", c.ch, c.hw, c.hw, c.stride), func(b *testing.B) {
			l := &Layer{Kind: MaxPool, Size: 2, Stride: c.stride, PadTotal: 1, In: [3]int{c.ch, c.hw, c.hw}}
			l.Out = [3]int{c.ch, (c.hw+1-2)/c.stride + 1, (c.hw+1-2)/c.stride + 1}
			x := dl.RandN(rand.New(rand.NewPCG(1, 2)), 1, c.ch, c.hw, c.hw)
			out := make([]float32, l.Out[0]*l.Out[1]*l.Out[2])
			loop(b, func() { poolInfer(l, x, out) })
		})
	}
}
