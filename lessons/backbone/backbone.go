// Package backbone runs the convolutional trunk of Tiny YOLOv2 (trained on COCO, loaded by
// dl/darknet) on images of any size, with Darknet's max-pooling or with average pooling in its
// place (as Gatys et al. did for style transfer), and with copies of the last layers' weights
// that can be trained: the feature extractor that lecture 04's transfer learning and neural
// style share (notebooks/04-transfer-learning-and-style.ipynb).
//
// darknet.Net fixes the input at 416×416, the size its detection head was trained for; the
// trunk (layers conv_0 … conv_13) is fully convolutional and takes any size whose sides are
// multiples of 32. Its outputs match darknet.Net.ForwardUntil at 416×416 (see the tests).
package backbone

import (
	"fmt"
	"math"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// Pool chooses what the trunk's pooling layers compute.
type Pool int

const (
	// MaxPool is Darknet's max-pooling, as the network was trained.
	MaxPool Pool = iota
	// AvgPool replaces every max-pooling by an average over the same windows (Gatys et al.: it
	// gives smoother gradients for image synthesis).
	AvgPool
)

// Layer is one layer of the trunk: a convolution (W, B, stride, padding, leaky or linear
// activation) or a pooling (Size, Stride, PadTotal as Darknet pads).
type Layer struct {
	Name     string // as darknet names it: "conv_0", "maxpool_1", …
	Conv     bool
	W, B     *dl.Tensor
	Size     int
	Stride   int
	Padding  int
	PadTotal int
	Leaky    bool
}

// Net is the trunk of a Darknet network: its convolutional and pooling layers up to the last
// convolution before the detection head's 1×1 prediction layer.
type Net struct {
	Layers []*Layer
	Pool   Pool
}

// New takes the trunk of net (Tiny YOLOv2: conv_0 … conv_13, 14 layers) sharing its weights,
// with pool choosing max- or average pooling. It panics if net has a layer other than
// convolutional or max-pooling before its last convolution with a leaky activation.
func New(net *darknet.Net, pool Pool) *Net {
	last := -1
	for i, l := range net.Layers {
		if l.Kind == darknet.Conv && l.Activation == "leaky" {
			last = i
		}
	}
	if last < 0 {
		panic("backbone.New: " + net.Name + " has no leaky convolutional layer")
	}
	b := &Net{Pool: pool}
	for _, l := range net.Layers[:last+1] {
		switch l.Kind {
		case darknet.Conv:
			if l.Activation != "leaky" && l.Activation != "linear" {
				panic(fmt.Sprintf("backbone.New: %s: activation %q is not supported", l.Name, l.Activation))
			}
			b.Layers = append(b.Layers, &Layer{Name: l.Name, Conv: true, W: l.Weight, B: l.Bias, Size: l.Size,
				Stride: l.Stride, Padding: l.Padding, Leaky: l.Activation == "leaky"})
		case darknet.MaxPool:
			b.Layers = append(b.Layers, &Layer{Name: l.Name, Size: l.Size, Stride: l.Stride, PadTotal: l.PadTotal})
		default:
			panic(fmt.Sprintf("backbone.New: %s: layer kind %q inside the trunk", l.Name, l.Kind))
		}
	}
	return b
}

// Last returns the index of the trunk's last layer.
func (b *Net) Last() int { return len(b.Layers) - 1 }

// ConvLayers returns the indices of the convolutional layers, in order: the trunk's stages.
func (b *Net) ConvLayers() []int {
	var out []int
	for i, l := range b.Layers {
		if l.Conv {
			out = append(out, i)
		}
	}
	return out
}

// Channels returns the number of channels layer i outputs.
func (b *Net) Channels(i int) int {
	for ; i >= 0; i-- {
		if b.Layers[i].Conv {
			return b.Layers[i].W.Dim(0)
		}
	}
	return 3
}

// Forward runs x [N, 3, H, W] through layers from…to and returns the output of layer to; x is
// the input of layer from (the image when from = 0). The top layers' convolutions on small
// maps (1×1 to 4×4 on 32- to 128-pixel images) run as one matrix product over the batch, as
// dl.Conv2D does on maps of at most 16 positions. It panics if the range is out of bounds.
func (b *Net) Forward(x *dl.Tensor, from, to int) *dl.Tensor {
	var out *dl.Tensor
	b.Run(x, from, to, func(i int, y *dl.Tensor) { out = y })
	return out
}

// Run runs x through layers from…to and calls keep with each layer's index and output.
func (b *Net) Run(x *dl.Tensor, from, to int, keep func(i int, y *dl.Tensor)) {
	if from < 0 || to >= len(b.Layers) || from > to {
		panic(fmt.Sprintf("backbone.Run: layers %d…%d out of 0…%d", from, to, len(b.Layers)-1))
	}
	for i := from; i <= to; i++ {
		x = b.Layers[i].forward(x, b.Pool)
		if keep != nil {
			keep(i, x)
		}
	}
}

func (l *Layer) forward(x *dl.Tensor, pool Pool) *dl.Tensor {
	if l.Conv {
		y := dl.Conv2D(x, l.W, l.B, dl.ConvOpts{Stride: l.Stride, Padding: l.Padding})
		if l.Leaky {
			y = y.LeakyReLU(0.1)
		}
		return y
	}
	// Darknet's windows may run past the bottom and right edges: pad there (−∞ for max, 0 for
	// the average) only as far as some window reads.
	s := x.Shape()
	before := l.PadTotal / 2
	oh := (s[2]+l.PadTotal-l.Size)/l.Stride + 1
	ow := (s[3]+l.PadTotal-l.Size)/l.Stride + 1
	ab := max(0, (oh-1)*l.Stride+l.Size-before-s[2])
	ar := max(0, (ow-1)*l.Stride+l.Size-before-s[3])
	fill := float32(math.Inf(-1))
	if pool == AvgPool {
		fill = 0
	}
	if before > 0 || ab > 0 || ar > 0 {
		x = x.Pad([][2]int{{0, 0}, {0, 0}, {before, ab}, {before, ar}}, fill)
	}
	if pool == AvgPool {
		return dl.AvgPool2D(x, l.Size, l.Stride, 0)
	}
	return dl.MaxPool2D(x, l.Size, l.Stride, 0)
}

// Trainable returns a copy of b whose layers from first on have their own copies of the
// weights, marked to require gradients (for fine-tuning them); the earlier layers share b's.
// With random (a seeded Kaiming-normal initialisation, biases zero) the copies are drawn
// afresh instead: the same architecture trained from scratch.
func (b *Net) Trainable(first int, random bool, seed uint64) *Net {
	c := &Net{Pool: b.Pool}
	rng := newRand(seed)
	for i, l := range b.Layers {
		cp := *l
		if i >= first && l.Conv {
			if random {
				fan := float64(l.W.Dim(1) * l.W.Dim(2) * l.W.Dim(3))
				cp.W = dl.RandN(rng, l.W.Shape()...).MulScalar(float32(math.Sqrt(2 / fan))).Detach()
				cp.B = dl.Zeros(l.B.Shape()...)
			} else {
				cp.W, cp.B = l.W.Clone().Detach(), l.B.Clone().Detach()
			}
			cp.W.SetRequiresGrad(true)
			cp.B.SetRequiresGrad(true)
		}
		c.Layers = append(c.Layers, &cp)
	}
	return c
}

// Parameters returns the weights and biases that require gradients.
func (b *Net) Parameters() []*dl.Tensor {
	var ps []*dl.Tensor
	for _, l := range b.Layers {
		if l.Conv && l.W.RequiresGrad() {
			ps = append(ps, l.W, l.B)
		}
	}
	return ps
}
