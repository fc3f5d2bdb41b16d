package backbone_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
	"github.com/deepnb/deepnb/lessons/backbone"
)

func tinyYOLO(t testing.TB) *darknet.Net {
	t.Helper()
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestMatchesDarknet: with max-pooling, the trunk's outputs at 416×416 are darknet's
// (ForwardUntil), layer by layer, including the stride-1 pool of layer 11.
func TestMatchesDarknet(t *testing.T) {
	net := tinyYOLO(t)
	b := backbone.New(net, backbone.MaxPool)
	if len(b.Layers) != 14 || b.Layers[13].Name != "conv_13" {
		t.Fatalf("trunk has %d layers, last %s; want 14 ending in conv_13", len(b.Layers), b.Layers[len(b.Layers)-1].Name)
	}
	photo, err := datasets.Image("chelsea")
	if err != nil {
		t.Fatal(err)
	}
	x := darknet.Letterbox(photo, 416, 416).NoGrad()
	last := 13
	if testing.Short() {
		last = 8
	}
	var outs []*dl.Tensor
	b.Run(x, 0, last, func(i int, y *dl.Tensor) { outs = append(outs, y) })
	for _, i := range []int{0, 1, 4, 8, 11, 13} {
		if i > last {
			continue
		}
		want := net.ForwardUntil(x, i).Data()
		got := outs[i].Data()
		if len(got) != len(want) {
			t.Fatalf("layer %d: %d values, darknet %d", i, len(got), len(want))
		}
		var worst float64
		for k := range got {
			worst = max(worst, math.Abs(float64(got[k]-want[k])))
		}
		if worst > 1e-3 {
			t.Errorf("layer %d (%s): max |Δ| %.3g from darknet", i, b.Layers[i].Name, worst)
		}
	}
}

// TestSizesAndPools: any multiple of 32 goes through; average pooling keeps the shapes and
// gives different values; Trainable copies only the layers asked for.
func TestSizesAndPools(t *testing.T) {
	net := tinyYOLO(t)
	for _, tc := range []struct {
		size, out int
	}{{32, 1}, {64, 2}, {96, 3}} {
		x := dl.Full(0.5, 1, 3, tc.size, tc.size).NoGrad()
		ym := backbone.New(net, backbone.MaxPool).Forward(x, 0, 13)
		ya := backbone.New(net, backbone.AvgPool).Forward(x, 0, 13)
		if s := ym.Shape(); s[1] != 512 || s[2] != tc.out || s[3] != tc.out {
			t.Errorf("size %d: output %v, want [1 512 %d %d]", tc.size, s, tc.out, tc.out)
		}
		if len(ya.Data()) != len(ym.Data()) {
			t.Errorf("size %d: avg-pool output %v", tc.size, ya.Shape())
		}
	}
	b := backbone.New(net, backbone.MaxPool)
	tr := b.Trainable(12, false, 1)
	if n := len(tr.Parameters()); n != 4 {
		t.Errorf("Trainable(12): %d parameter tensors, want 4 (conv_12, conv_13)", n)
	}
	if tr.Layers[12].W == b.Layers[12].W || tr.Layers[10].W != b.Layers[10].W {
		t.Error("Trainable(12) must copy conv_12 on and share the layers before")
	}
	if len(b.Parameters()) != 0 {
		t.Error("the pretrained trunk's weights must not require gradients")
	}
	if b.ConvLayers()[7] != 13 || b.Channels(11) != 512 {
		t.Errorf("ConvLayers %v, Channels(11) %d", b.ConvLayers(), b.Channels(11))
	}
}

// TestBatchMatchesSingle: a batch of 64-px images (whose top layers dl.Conv2D runs as one product
// over the batch) gives every layer's output of each image run alone.
func TestBatchMatchesSingle(t *testing.T) {
	b := backbone.New(tinyYOLO(t), backbone.MaxPool)
	x := dl.RandU(rand.New(rand.NewPCG(3, 3)), 0, 1, 3, 3, 64, 64).NoGrad()
	var batch []*dl.Tensor
	b.Run(x, 0, b.Last(), func(i int, y *dl.Tensor) { batch = append(batch, y) })
	for n := range 3 {
		var one []*dl.Tensor
		b.Run(x.Slice(0, n, n+1).NoGrad(), 0, b.Last(), func(i int, y *dl.Tensor) { one = append(one, y) })
		for i, y := range one {
			want, got := y.Data(), batch[i].Slice(0, n, n+1).Data()
			for k := range want {
				if d := math.Abs(float64(got[k] - want[k])); d > 1e-3*(1+math.Abs(float64(want[k]))) {
					t.Fatalf("image %d, layer %s: value %d is %g in the batch, %g alone", n, b.Layers[i].Name, k, got[k], want[k])
				}
			}
		}
	}
}
