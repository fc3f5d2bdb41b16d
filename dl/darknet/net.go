package darknet

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
)

// Kind is the type of a layer, named as in the .cfg file.
type Kind string

// The layer kinds the reader supports.
const (
	Conv     Kind = "convolutional"
	MaxPool  Kind = "maxpool"
	Route    Kind = "route"
	Upsample Kind = "upsample"
	Region   Kind = "region" // YOLOv2's detection head
	YOLO     Kind = "yolo"   // YOLOv3's detection head
)

// Layer is one layer of a Net. Which fields apply depends on Kind.
type Layer struct {
	Index int
	Name  string // e.g. "conv_0", "maxpool_1", "yolo_16"
	Kind  Kind
	// In and Out are the layer's input and output shapes [C, H, W] for one image.
	In, Out [3]int

	// Convolutional: Filters of Size×Size at Stride with Padding on each side, then Activation
	// ("leaky", "linear", "logistic" or "relu"). BatchNorm tells whether the file held batch
	// normalisation parameters; they are folded into Weight [Filters, C, Size, Size] and
	// Bias [Filters] when the weights are loaded.
	Filters, Size, Stride, Padding int
	Activation                     string
	BatchNorm                      bool
	Weight, Bias                   *dl.Tensor

	// Maxpool: Size×Size windows every Stride pixels; Darknet pads PadTotal pixels of −∞ in
	// all, PadTotal/2 at the top and left.
	PadTotal int

	// Route: the absolute indices of the layers whose outputs are concatenated along channels.
	Sources []int

	// Region and YOLO heads: Classes per box, the anchors (width, height pairs: in grid cells
	// for region, in input pixels for yolo), Mask (yolo: which anchors this head predicts) and
	// Num, the number of boxes per grid cell.
	Classes int
	Anchors []float32
	Mask    []int
	Num     int
	Softmax bool // region: softmax over classes (else logistic)

	wino *winoCache // convolutional: the weights transformed for Winograd (see convWinograd)
}

// Net is a Darknet network: a stack of layers built from a .cfg file. Its Forward is made of dl
// operations, so gradients flow through it to the input and to the weights.
type Net struct {
	Name          string // the cfg file's name
	Width, Height int    // input size in pixels
	Channels      int
	Layers        []*Layer

	mu    sync.Mutex  // guards arena
	arena [][]float32 // per layer: the output buffer Forward reuses between calls
}

// maxFloats bounds the size of one layer's weights and of one image's feature maps (1 GiB of
// float32), so that a corrupt .cfg gives an error rather than exhausting memory.
const maxFloats = 1 << 28

// tooLarge reports whether the product of the positive sizes xs exceeds maxFloats, without
// overflowing however large they are (a product with a factor ≤ 0 is not too large: emptiness is
// checked on its own).
func tooLarge(xs ...int) bool {
	p := int64(1)
	for _, x := range xs {
		if x <= 0 {
			return false
		}
	}
	for _, x := range xs {
		if int64(x) > maxFloats/p {
			return true
		}
		p *= int64(x)
	}
	return false
}

// NewNet builds the layers of cfg with their shapes and zero weights (see LoadWeights). It
// returns an error naming the file, line and option for a missing or inconsistent option or a
// layer type it does not support.
func NewNet(cfg *Config) (*Net, error) {
	o := &opts{cfg: cfg, s: &cfg.Sections[0]}
	n := &Net{Name: cfg.Name, Width: o.int("width", 0), Height: o.int("height", 0), Channels: o.int("channels", 0)}
	if o.err != nil {
		return nil, o.err
	}
	if n.Width <= 0 || n.Height <= 0 || n.Channels <= 0 || tooLarge(n.Width, n.Height, n.Channels) {
		o.fail("width, height and channels must be positive (and their product at most %d), got %d, %d, %d", maxFloats, n.Width, n.Height, n.Channels)
		return nil, o.err
	}
	shape := [3]int{n.Channels, n.Height, n.Width}
	for i := range cfg.Sections[1:] {
		s := &cfg.Sections[i+1]
		o := &opts{cfg: cfg, s: s}
		l := &Layer{Index: i, Kind: Kind(s.Type), In: shape}
		switch l.Kind {
		case Conv:
			l.Name = fmt.Sprintf("conv_%d", i)
			l.Filters, l.Size, l.Stride = o.int("filters", 1), o.int("size", 1), o.int("stride", 1)
			l.Padding = o.int("padding", 0)
			if o.int("pad", 0) != 0 {
				l.Padding = l.Size / 2
			}
			l.Activation = o.str("activation", "logistic")
			l.BatchNorm = o.int("batch_normalize", 0) != 0
			if g := o.int("groups", 1); g != 1 {
				o.fail("groups=%d is not supported", g)
			}
			switch l.Activation {
			case "leaky", "linear", "logistic", "relu":
			default:
				o.fail("activation %q is not supported (leaky, linear, logistic, relu)", l.Activation)
			}
			if l.Filters < 1 || l.Size < 1 || l.Stride < 1 || l.Padding < 0 {
				o.fail("filters=%d size=%d stride=%d padding=%d: want filters, size, stride ≥ 1 and padding ≥ 0", l.Filters, l.Size, l.Stride, l.Padding)
				return nil, o.err
			}
			oh := (shape[1]+2*l.Padding-l.Size)/l.Stride + 1
			ow := (shape[2]+2*l.Padding-l.Size)/l.Stride + 1
			l.Out = [3]int{l.Filters, oh, ow}
			if tooLarge(l.Filters, shape[0], l.Size, l.Size) && o.err == nil {
				o.fail("%d filters of %d×%d×%d: more than %d weights", l.Filters, shape[0], l.Size, l.Size, maxFloats)
			}
			if o.err == nil {
				l.Weight = dl.Zeros(l.Filters, shape[0], l.Size, l.Size)
				l.Bias = dl.Zeros(l.Filters)
			}
		case MaxPool:
			l.Name = fmt.Sprintf("maxpool_%d", i)
			l.Stride = o.int("stride", 1)
			l.Size = o.int("size", l.Stride)
			l.PadTotal = o.int("padding", l.Size-1)
			if l.Size < 1 || l.Stride < 1 || l.PadTotal < 0 {
				o.fail("size=%d stride=%d padding=%d: want size, stride ≥ 1 and padding ≥ 0", l.Size, l.Stride, l.PadTotal)
				return nil, o.err
			}
			l.Out = [3]int{shape[0], (shape[1]+l.PadTotal-l.Size)/l.Stride + 1, (shape[2]+l.PadTotal-l.Size)/l.Stride + 1}
		case Route:
			l.Name = fmt.Sprintf("route_%d", i)
			src := o.ints("layers")
			if len(src) == 0 && o.err == nil {
				o.fail("option layers is missing")
			}
			for _, j := range src {
				if j < 0 {
					j += i
				}
				if j < 0 || j >= i {
					o.fail("layers=%s: layer %d does not come before this one (%d)", s.Options["layers"], j, i)
					break
				}
				in := n.Layers[j].Out
				if len(l.Sources) > 0 && (in[1] != l.Out[1] || in[2] != l.Out[2]) {
					o.fail("layers=%s: layer %d is %d×%d, layer %d is %d×%d", s.Options["layers"], l.Sources[0], l.Out[1], l.Out[2], j, in[1], in[2])
					break
				}
				l.Sources = append(l.Sources, j)
				l.Out = [3]int{l.Out[0] + in[0], in[1], in[2]}
			}
		case Upsample:
			l.Name = fmt.Sprintf("upsample_%d", i)
			l.Stride = o.int("stride", 2)
			if l.Stride < 1 {
				o.fail("stride=%d: only upsampling by a positive factor is supported", l.Stride)
			}
			l.Out = [3]int{shape[0], shape[1] * l.Stride, shape[2] * l.Stride}
		case Region, YOLO:
			l.Name = fmt.Sprintf("%s_%d", l.Kind, i)
			l.Classes, l.Num = o.int("classes", 20), o.int("num", 1)
			l.Anchors = o.floats("anchors")
			if l.Classes < 1 || l.Num < 1 {
				o.fail("classes=%d num=%d: want both ≥ 1", l.Classes, l.Num)
				return nil, o.err
			}
			l.Out = shape
			per := l.Num
			if l.Kind == Region {
				l.Softmax = o.int("softmax", 0) != 0
				if c := o.int("coords", 4); c != 4 {
					o.fail("coords=%d is not supported (4)", c)
				}
			} else {
				l.Mask = o.ints("mask")
				if l.Mask == nil {
					for j := range l.Num {
						l.Mask = append(l.Mask, j)
					}
				}
				per = len(l.Mask)
				for _, m := range l.Mask {
					if m < 0 || m >= l.Num {
						o.fail("mask=%s: anchor %d out of range [0, num=%d)", s.Options["mask"], m, l.Num)
					}
				}
			}
			if len(l.Anchors) != 2*l.Num && o.err == nil {
				o.fail("%d anchor values, want 2·num = %d", len(l.Anchors), 2*l.Num)
			}
			if want := per * (l.Classes + 5); shape[0] != want && o.err == nil {
				o.fail("input has %d channels, want %d boxes × (5 + %d classes) = %d", shape[0], per, l.Classes, want)
			}
		default:
			o.fail("layer type is not supported (convolutional, maxpool, route, upsample, region, yolo)")
		}
		if o.err == nil && (l.Out[1] < 1 || l.Out[2] < 1) {
			o.fail("output would be empty (%d×%d) for an input of %d×%d", l.Out[1], l.Out[2], shape[1], shape[2])
		}
		if tooLarge(l.Out[0], l.Out[1], l.Out[2]) && o.err == nil {
			o.fail("output %d×%d×%d is larger than %d values", l.Out[0], l.Out[1], l.Out[2], maxFloats)
		}
		if o.err != nil {
			return nil, o.err
		}
		n.Layers = append(n.Layers, l)
		shape = l.Out
	}
	if len(n.Layers) == 0 {
		return nil, fmt.Errorf("darknet: %s: no layers after [net]", cfg.Name)
	}
	return n, nil
}

// Layer returns the layer with the given name, or nil.
func (n *Net) Layer(name string) *Layer {
	for _, l := range n.Layers {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// InputSize returns the width and height in pixels the network takes.
func (n *Net) InputSize() (w, h int) { return n.Width, n.Height }

// Filters returns the weights of convolutional layer i, [F, C, Size, Size], with batch
// normalisation folded in: the filters the layer effectively applies (up to its bias). It
// panics if layer i is not convolutional.
func (n *Net) Filters(i int) *dl.Tensor {
	l := n.layer("Filters", i)
	if l.Kind != Conv {
		panic(fmt.Sprintf("darknet: Filters: layer %d (%s) is not convolutional", i, l.Name))
	}
	return l.Weight
}

func (n *Net) layer(op string, i int) *Layer {
	if i < 0 || i >= len(n.Layers) {
		panic(fmt.Sprintf("darknet: %s: layer %d out of range [0, %d)", op, i, len(n.Layers)))
	}
	return n.Layers[i]
}

// Parameters returns the weights and biases of the convolutional layers, in order, so that a
// Net is an nn.Module.
func (n *Net) Parameters() []*dl.Tensor {
	var ps []*dl.Tensor
	for _, l := range n.Layers {
		if l.Kind == Conv {
			ps = append(ps, l.Weight, l.Bias)
		}
	}
	return ps
}

// NamedParameters names the parameters "<layer>.weight" and "<layer>.bias", e.g.
// "conv_0.weight".
func (n *Net) NamedParameters() []nn.Named {
	var out []nn.Named
	for _, l := range n.Layers {
		if l.Kind == Conv {
			out = append(out, nn.Named{Name: l.Name + ".weight", T: l.Weight}, nn.Named{Name: l.Name + ".bias", T: l.Bias})
		}
	}
	return out
}

// Forward runs x [N, C, H, W] (the letterboxed images, see Letterbox) through every layer and
// returns the last layer's output.
//
// Without gradients (x marked dl.Tensor.NoGrad, or neither x nor a parameter requiring one), the
// intermediate feature maps are written into buffers the Net keeps for the next call, about
// 100 MB for Tiny YOLO on one 416×416 image: repeated passes then allocate only their result.
func (n *Net) Forward(x *dl.Tensor) *dl.Tensor { return n.ForwardUntil(x, len(n.Layers)-1) }

// ForwardUntil runs x through layers 0…last and returns the output of layer last: the feature
// maps of that layer, [N, C, H, W]. It panics if last is out of range or x has the wrong shape.
func (n *Net) ForwardUntil(x *dl.Tensor, last int) *dl.Tensor {
	n.layer("ForwardUntil", last)
	return n.run(x, last, false)[last]
}

// Activations runs x through the whole network and returns every layer's output, indexed like
// Layers. A detection head's output holds the squashed predictions (see Layer.Kind): logistic
// x, y and objectness, and class probabilities.
func (n *Net) Activations(x *dl.Tensor) []*dl.Tensor { return n.run(x, len(n.Layers)-1, true) }

// run computes the outputs of layers 0…last. Unless keepAll, only the last one is meant to
// leave the call, and without gradients the others go into the Net's reusable buffers.
func (n *Net) run(x *dl.Tensor, last int, keepAll bool) []*dl.Tensor {
	s := x.Shape()
	if len(s) != 4 || s[1] != n.Channels || s[2] != n.Height || s[3] != n.Width {
		panic(&dl.ShapeError{Op: "darknet.Net.Forward", A: s, B: []int{-1, n.Channels, n.Height, n.Width}, Msg: "input must be [N C H W] of the network's size"})
	}
	fast := !n.needsGrad(x)
	var arena [][]float32
	if fast && !keepAll && n.mu.TryLock() { // a concurrent call allocates afresh
		defer n.mu.Unlock()
		if len(n.arena) != len(n.Layers) {
			n.arena = make([][]float32, len(n.Layers))
		}
		arena = n.arena
	}
	buf := func(i int) []float32 {
		size := s[0] * n.Layers[i].Out[0] * n.Layers[i].Out[1] * n.Layers[i].Out[2]
		if arena == nil || i == last {
			return make([]float32, size)
		}
		if cap(arena[i]) < size {
			arena[i] = make([]float32, size)
		}
		return arena[i][:size]
	}
	outs := make([]*dl.Tensor, last+1)
	for i, l := range n.Layers[:last+1] {
		switch {
		case fast && l.Kind == Conv:
			outs[i] = convInfer(l, x, buf(i))
		case fast && l.Kind == MaxPool:
			outs[i] = poolInfer(l, x, buf(i))
		default:
			outs[i] = l.forward(x, outs)
		}
		if fast && !outs[i].IsNoGrad() && x.IsNoGrad() {
			outs[i] = outs[i].NoGrad() // the fast layers' outputs carry the input's mark on
		}
		x = outs[i]
	}
	if arena != nil && n.Layers[last].Kind == Route && len(n.Layers[last].Sources) == 1 {
		// The result would share a reused buffer.
		outs[last] = dl.New(slices.Clone(outs[last].Data()), outs[last].Shape()...)
		if x.IsNoGrad() {
			outs[last] = outs[last].NoGrad()
		}
	}
	return outs
}

// forward computes the layer's output from x, the previous layer's output (outs holds all
// earlier outputs, for routes).
func (l *Layer) forward(x *dl.Tensor, outs []*dl.Tensor) *dl.Tensor {
	switch l.Kind {
	case Conv:
		return convForward(l, x)
	case MaxPool:
		before := l.PadTotal / 2
		oh, ow := l.Out[1], l.Out[2]
		// Darknet's windows may run past the bottom and right edges; pad there with −∞ only as
		// far as some window reads.
		ab := max(0, (oh-1)*l.Stride+l.Size-before-l.In[1])
		ar := max(0, (ow-1)*l.Stride+l.Size-before-l.In[2])
		if before > 0 || ab > 0 || ar > 0 {
			x = x.Pad([][2]int{{0, 0}, {0, 0}, {before, ab}, {before, ar}}, float32(math.Inf(-1)))
		}
		return dl.MaxPool2D(x, l.Size, l.Stride, 0)
	case Route:
		if len(l.Sources) == 1 {
			return outs[l.Sources[0]]
		}
		ts := make([]*dl.Tensor, len(l.Sources))
		for j, s := range l.Sources {
			ts[j] = outs[s]
		}
		return dl.Concat(1, ts...)
	case Upsample:
		return dl.Upsample2D(x, l.Stride)
	case Region, YOLO:
		return l.headForward(x)
	}
	panic("darknet: unknown layer kind " + string(l.Kind))
}

// headForward squashes the raw predictions of a detection head as Darknet does: for each of the
// boxes of a cell, channels (x, y, w, h, objectness, classes…): logistic on x, y and
// objectness; softmax (region with softmax=1) or logistic over the classes; w and h as they
// are. The result has x's shape.
func (l *Layer) headForward(x *dl.Tensor) *dl.Tensor {
	s := x.Shape()
	N, H, W := s[0], s[2], s[3]
	per := s[1] / (l.Classes + 5)
	v := x.Reshape(N, per, l.Classes+5, H, W)
	parts := v.Split(2, 2, 2, 1, l.Classes)
	cls := parts[3].Sigmoid()
	if l.Kind == Region && l.Softmax {
		cls = parts[3].Softmax(2)
	}
	return dl.Concat(2, parts[0].Sigmoid(), parts[1], parts[2].Sigmoid(), cls).Reshape(s...)
}

// convForward is a convolutional layer through dl operations.
func convForward(l *Layer, x *dl.Tensor) *dl.Tensor {
	y := dl.Conv2D(x, l.Weight, l.Bias, dl.ConvOpts{Stride: l.Stride, Padding: l.Padding})
	switch l.Activation {
	case "leaky":
		return y.LeakyReLU(0.1)
	case "logistic":
		return y.Sigmoid()
	case "relu":
		return y.ReLU()
	}
	return y
}
