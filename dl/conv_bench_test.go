//go:build unix

package dl

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/deepnb/deepnb/dl/internal/vec"
)

// cpuSeconds is the process's user+system CPU time. The benchmarks report CPU-ms/op next to
// wall time because the development machine is shared: on a loaded machine wall time
// overstates the cost, while CPU time (summed over both cores) stays closer to it.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// loop runs f b.N times and reports CPU-ms/op.
func loop(b *testing.B, f func()) {
	b.ReportAllocs()
	t0 := cpuSeconds()
	for b.Loop() {
		f()
	}
	b.ReportMetric((cpuSeconds()-t0)*1e3/float64(b.N), "cpu-ms/op")
}

// convCase is one convolution of the reference workloads (../shared/bench/README.md, beside
// the repository; scripts/bench.sh runs them).
type convCase struct {
	name         string
	x, w         []int
	pad          int
	needX, needW bool // which gradients the workload asks for
}

var convCases = []convCase{
	// cnn: batch 64 MNIST; the first layer's input needs no gradient.
	{"cnn1", []int{64, 1, 28, 28}, []int{16, 1, 5, 5}, 2, false, true},
	{"cnn2", []int{64, 16, 14, 14}, []int{32, 16, 5, 5}, 2, true, true},
	// style: one 3×128×128 image; the weights are fixed, the gradient goes to the image.
	{"style1", []int{1, 3, 128, 128}, []int{32, 3, 3, 3}, 1, true, false},
	{"style2", []int{1, 32, 128, 128}, []int{32, 32, 3, 3}, 1, true, false},
	{"style3", []int{1, 32, 64, 64}, []int{64, 32, 3, 3}, 1, true, false},
	{"style4", []int{1, 64, 64, 64}, []int{64, 64, 3, 3}, 1, true, false},
}

func (c convCase) flops() float64 {
	N, H, W := c.x[0], c.x[2], c.x[3]
	F, C, KH, KW := c.w[0], c.w[1], c.w[2], c.w[3]
	return 2 * float64(N*H*W*F*C*KH*KW) // stride 1, "same" padding: OH·OW = H·W
}

func (c convCase) tensors() (x, w, b *Tensor) {
	rng := rand.New(rand.NewPCG(1, 1))
	x = RandN(rng, c.x...).SetRequiresGrad(c.needX)
	w = RandN(rng, c.w...).SetRequiresGrad(c.needW)
	b = RandN(rng, c.w[0]).SetRequiresGrad(c.needW)
	return x, w, b
}

func BenchmarkConv2DForward(b *testing.B) {
	for _, c := range convCases {
		b.Run(c.name, func(b *testing.B) {
			x, w, bias := c.tensors()
			loop(b, func() { Conv2D(x.NoGrad(), w, bias, ConvOpts{Padding: c.pad}) })
			b.ReportMetric(c.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConv2DBackward times the backward pass alone, for the gradients the workload needs.
func BenchmarkConv2DBackward(b *testing.B) {
	for _, c := range convCases {
		b.Run(c.name, func(b *testing.B) {
			x, w, bias := c.tensors()
			y := Conv2D(x, w, bias, ConvOpts{Padding: c.pad})
			y.grad = RandN(rand.New(rand.NewPCG(2, 2)), y.shape...)
			n := 0
			if c.needX {
				n++
			}
			if c.needW {
				n++
			}
			loop(b, func() { y.backward(y) })
			b.ReportMetric(float64(n)*c.flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkCNNConvStep is the conv part of one step of the cnn workload: conv5×5(1→16, pad 2),
// ReLU, maxpool 2, conv5×5(16→32, pad 2), ReLU, maxpool 2 on a batch of 64, forward and
// backward (the linear head, loss and Adam are left out). ×938 is its share of an epoch.
func BenchmarkCNNConvStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := RandU(rng, 0, 1, 64, 1, 28, 28)
	w1, b1 := RandN(rng, 16, 1, 5, 5).SetRequiresGrad(true), Zeros(16).SetRequiresGrad(true)
	w2, b2 := RandN(rng, 32, 16, 5, 5).SetRequiresGrad(true), Zeros(32).SetRequiresGrad(true)
	g := RandN(rng, 64, 32, 7, 7)
	loop(b, func() {
		h := MaxPool2D(Conv2D(x, w1, b1, ConvOpts{Padding: 2}).ReLU(), 2, 2, 0)
		y := MaxPool2D(Conv2D(h, w2, b2, ConvOpts{Padding: 2}).ReLU(), 2, 2, 0)
		y.BackwardWith(g)
		for _, p := range []*Tensor{w1, b1, w2, b2} {
			p.ZeroGrad()
		}
	})
}

// BenchmarkStyleConvs is the conv part of one iteration of the style workload: the image
// 3×128×128 through 3×3 convs 3→32→32→maxpool→64→64 with ReLU, forward and backward to the
// image (the Gram-matrix losses and Adam are left out).
func BenchmarkStyleConvs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	img := RandU(rng, 0, 1, 1, 3, 128, 128).SetRequiresGrad(true)
	var ws, bs []*Tensor
	for _, s := range [][2]int{{32, 3}, {32, 32}, {64, 32}, {64, 64}} {
		ws = append(ws, RandN(rng, s[0], s[1], 3, 3).MulScalar(0.1))
		bs = append(bs, Zeros(s[0]))
	}
	g := RandN(rng, 1, 64, 64, 64)
	loop(b, func() {
		h := img
		for i := range ws {
			h = Conv2D(h, ws[i], bs[i], ConvOpts{Padding: 1}).ReLU()
			if i == 1 {
				h = MaxPool2D(h, 2, 2, 0)
			}
		}
		h.BackwardWith(g)
		img.ZeroGrad()
	})
}

// BenchmarkConv2DSmallMaps times one training step's convolution work (forward and backward,
// gradients for x, w and b) of Tiny YOLO's conv_13 — 1024 → 512 channels, 3×3, padding 1 —
// on a batch of 32 maps of 2×2 and 1×1 (lecture 04's 64- and 32-pixel images): "batched" is
// Conv2D (one GEMM over the batch; on 1×1 maps only the centre tap), "per-image" its per-image
// path forced (a GEMM per image, reading the 19 MB of weights each time). Compare the two
// from one run.
func BenchmarkConv2DSmallMaps(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	w := RandN(rng, 512, 1024, 3, 3).MulScalar(0.01).SetRequiresGrad(true)
	bias := Zeros(512).SetRequiresGrad(true)
	for _, side := range []int{2, 1} {
		x := RandN(rng, 32, 1024, side, side).SetRequiresGrad(true)
		for _, path := range []struct {
			name string
			conv func(x, w, b *Tensor, o ConvOpts) *Tensor
		}{{"batched", Conv2D}, {"per-image", conv2DPerImage}} {
			b.Run(fmt.Sprintf("%dx%d/%s", side, side, path.name), func(b *testing.B) {
				loop(b, func() {
					for _, p := range []*Tensor{x, w, bias} {
						p.ZeroGrad()
					}
					path.conv(x, w, bias, ConvOpts{Padding: 1}).Sum().Backward()
				})
			})
		}
	}
}

// BenchmarkMaxPool2D times the 2×2 max pooling of the cnn workload (both layers' inputs, batch
// 64) and of the style workload, forward and backward.
func BenchmarkMaxPool2D(b *testing.B) {
	for _, c := range []struct {
		name string
		x    []int
	}{{"cnn1", []int{64, 16, 28, 28}}, {"cnn2", []int{64, 32, 14, 14}}, {"style", []int{1, 32, 128, 128}}} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			x := RandN(rng, c.x...).SetRequiresGrad(true)
			g := RandN(rng, c.x[0], c.x[1], c.x[2]/2, c.x[3]/2)
			loop(b, func() {
				MaxPool2D(x, 2, 2, 0).BackwardWith(g)
				x.ZeroGrad()
			})
		})
	}
}

// im2colCases are the stride-1 im2col calls of the cnn workload, one per image: conv1's forward
// (25 rows of 784 columns), conv2's forward and its rebuild for dw (400 × 196), and the im2col
// of dy for conv2's dx by correlation (800 × 196); then, for comparison, the style workload's
// third conv (rows of 64) and Tiny YOLO's 13×13 maps.
var im2colCases = []struct {
	name string
	g    convGeom
}{
	{"cnn1", convGeom{c: 1, h: 28, w: 28, kh: 5, kw: 5, s: 1, p: 2, d: 1, oh: 28, ow: 28}},
	{"cnn2", convGeom{c: 16, h: 14, w: 14, kh: 5, kw: 5, s: 1, p: 2, d: 1, oh: 14, ow: 14}},
	{"cnn2dx", convGeom{c: 32, h: 14, w: 14, kh: 5, kw: 5, s: 1, p: 2, d: 1, oh: 14, ow: 14}},
	{"style3", convGeom{c: 32, h: 64, w: 64, kh: 3, kw: 3, s: 1, p: 1, d: 1, oh: 64, ow: 64}},
	{"yolo13", convGeom{c: 256, h: 13, w: 13, kh: 3, kw: 3, s: 1, p: 1, d: 1, oh: 13, ow: 13}},
}

// BenchmarkIm2col times convGeom.im2col on im2colCases: per op, the first band of a batch of
// 64 (bands(64): the whole image for the cnn's three), as forward and backward build it,
// with each of vec's kernel sets that the CPU runs (the last is the default).
func BenchmarkIm2col(b *testing.B) {
	for _, c := range im2colCases {
		for _, ks := range vec.Kernels() {
			b.Run(c.name+"/"+ks, func(b *testing.B) {
				restore, err := vec.SetKernels(ks)
				if err != nil {
					b.Fatal(err)
				}
				defer restore()
				g := c.g
				R, _ := g.bands(64)
				oy1 := min(g.oh, R)
				rng := rand.New(rand.NewPCG(1, 1))
				img := RandN(rng, g.c, g.h, g.w).data
				col := make([]float32, g.k()*oy1*g.ow)
				b.SetBytes(int64(4 * len(col)))
				t0 := cpuSeconds()
				for b.Loop() {
					g.im2col(img, col, 0, oy1)
				}
				b.ReportMetric((cpuSeconds()-t0)*1e9/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// BenchmarkMaxPool2DParts times the two halves of the cnn workload's 2×2 max poolings apart:
// "fwd" the forward pass that records the argmax (a graph is recorded), "eval" the forward pass
// without a graph (no argmax), "bwd" the backward pass alone, adding into an existing gradient
// (no allocation, no zeroing).
func BenchmarkMaxPool2DParts(b *testing.B) {
	for _, c := range []struct {
		name string
		x    []int
	}{{"cnn1", []int{64, 16, 28, 28}}, {"cnn2", []int{64, 32, 14, 14}}} {
		rng := rand.New(rand.NewPCG(1, 1))
		x := RandN(rng, c.x...).SetRequiresGrad(true)
		b.Run(c.name+"/fwd", func(b *testing.B) {
			loop(b, func() { MaxPool2D(x, 2, 2, 0) })
		})
		b.Run(c.name+"/eval", func(b *testing.B) {
			loop(b, func() { MaxPool2D(x.NoGrad(), 2, 2, 0) })
		})
		b.Run(c.name+"/bwd", func(b *testing.B) {
			y := MaxPool2D(x, 2, 2, 0)
			y.grad = RandN(rng, y.shape...)
			x.gradData()
			loop(b, func() { y.backward(y) })
			x.ZeroGrad()
		})
	}
}
