// Package seg holds the semantic-segmentation example of lecture 07, "Supervised, unsupervised
// and generative learning" (notebooks/07b-generative-models, whose last section returns to the
// supervised tasks): a small encoder–decoder with one skip connection (Net, a two-level U-Net
// with strided convolutions down and transposed convolutions up) labels every pixel of the
// shapes world of lecture 06 (datasets/shapes) as background, circle, square or triangle,
// trained on the masks the generator draws (shapes.Scene.ClassMask) and scored by per-class
// intersection over union (IoU).
package seg

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"

	"github.com/deepnb/deepnb/datasets/shapes"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
)

// Classes are the pixel classes: background, then shapes.Shapes in order.
var Classes = append([]string{"background"}, shapes.Shapes...)

// Batch returns scenes' images as a [n, 3, S, S] tensor in [0, 1] and their class masks
// (shapes.Scene.ClassMask), one label per pixel, n·S·S in all.
func Batch(scenes []shapes.Scene) (*dl.Tensor, []int) {
	s := scenes[0].Image.Rect.Dx()
	x := make([]float32, 0, len(scenes)*3*s*s)
	var y []int
	for _, sc := range scenes {
		for c := range 3 {
			for p := range s * s {
				x = append(x, float32(sc.Image.Pix[4*p+c])/255)
			}
		}
		for _, m := range sc.ClassMask() {
			y = append(y, int(m))
		}
	}
	return dl.New(x, len(scenes), 3, s, s), y
}

// Net is the encoder–decoder: Down1 (3 → c, stride 2), Down2 (c → 2c, stride 2), Mid (2c → 2c,
// 3×3, widening what each code sees to whole shapes), Up1 (2c → c, transposed, stride 2), then Up2 (2c → classes, transposed, stride 2) on Up1's output
// concatenated with Down1's (the skip connection that gives back the detail the encoder dropped).
type Net struct {
	Down1, Down2, Mid *nn.Conv2D
	Up1, Up2          *nn.ConvTranspose2D
}

// NewNet returns a Net with c channels after the first layer, initialised from seed.
func NewNet(c int, seed uint64) *Net {
	rng := rand.New(rand.NewPCG(seed, 61))
	return &Net{
		Down1: nn.NewConv2D(rng, 3, c, 4).WithStride(2).WithPadding(1),
		Down2: nn.NewConv2D(rng, c, 2*c, 4).WithStride(2).WithPadding(1),
		Mid:   nn.NewConv2D(rng, 2*c, 2*c, 3).WithPadding(1),
		Up1:   nn.NewConvTranspose2D(rng, 2*c, c, 4).WithStride(2).WithPadding(1),
		Up2:   nn.NewConvTranspose2D(rng, 2*c, len(Classes), 4).WithStride(2).WithPadding(1),
	}
}

func (n *Net) group() nn.Group {
	return nn.Group{{Name: "down1", M: n.Down1}, {Name: "down2", M: n.Down2}, {Name: "mid", M: n.Mid}, {Name: "up1", M: n.Up1}, {Name: "up2", M: n.Up2}}
}

// Parameters returns the five layers' parameters.
func (n *Net) Parameters() []*dl.Tensor { return n.group().Parameters() }

// NamedParameters names them after the layers, for checkpoints.
func (n *Net) NamedParameters() []nn.Named { return n.group().NamedParameters() }

// Forward returns per-pixel class logits [b, 4, S, S] for images x [b, 3, S, S] (S divisible
// by 4).
func (n *Net) Forward(x *dl.Tensor) *dl.Tensor {
	e1 := n.Down1.Forward(x).ReLU()
	e2 := n.Down2.Forward(e1).ReLU()
	m := n.Mid.Forward(e2).ReLU()
	d1 := n.Up1.Forward(m).ReLU()
	return n.Up2.Forward(dl.Concat(1, d1, e1))
}

// PixelLoss returns the mean cross-entropy over every pixel of logits [b, C, H, W] against the
// labels (b·H·W, row-major per image).
func PixelLoss(logits *dl.Tensor, labels []int) *dl.Tensor {
	b, c, h, w := logits.Dim(0), logits.Dim(1), logits.Dim(2), logits.Dim(3)
	if len(labels) != b*h*w {
		panic(fmt.Sprintf("seg.PixelLoss: %d labels for logits %v", len(labels), logits.Shape()))
	}
	return nn.CrossEntropy(logits.Permute(0, 2, 3, 1).Reshape(b*h*w, c), labels)
}

// Opts are the training settings.
type Opts struct {
	Epochs, Batch int
	LR            float32
	Seed          uint64
	// OnStep, if set, is called after every step with the step's loss.
	OnStep func(step int, loss float64)
}

// Train fits net to the scenes' class masks with Adam on shuffled mini-batches, and returns
// each epoch's mean loss.
func Train(net *Net, scenes []shapes.Scene, o Opts) []float64 {
	rng := rand.New(rand.NewPCG(o.Seed, 67))
	opt := optim.NewAdam(net.Parameters(), o.LR)
	return train.Shuffled(rng, len(scenes), o.Batch, o.Epochs, func(idx []int) float64 {
		batch := make([]shapes.Scene, len(idx))
		for i, j := range idx {
			batch[i] = scenes[j]
		}
		x, y := Batch(batch)
		opt.ZeroGrad()
		loss := PixelLoss(net.Forward(x), y)
		loss.Backward()
		opt.Step()
		return float64(loss.Item())
	}, o.OnStep)
}

// Predict returns the most likely class of every pixel of each scene, as class masks.
func Predict(net *Net, scenes []shapes.Scene) [][]uint8 {
	var out [][]uint8
	for lo := 0; lo < len(scenes); lo += 50 {
		x, _ := Batch(scenes[lo:min(lo+50, len(scenes))])
		logits := net.Forward(x.NoGrad())
		b, c, h, w := logits.Dim(0), logits.Dim(1), logits.Dim(2), logits.Dim(3)
		cls := logits.Permute(0, 2, 3, 1).Reshape(b*h*w, c).ArgMax(1)
		for i := range b {
			m := make([]uint8, h*w)
			for p := range m {
				m[p] = uint8(cls[i*h*w+p])
			}
			out = append(out, m)
		}
	}
	return out
}

// IoU returns, for each class, the intersection over union |pred ∩ truth| / |pred ∪ truth| of
// its pixels over all the masks (NaN for a class in neither), and their mean over the classes
// present.
func IoU(pred, truth [][]uint8, classes int) (perClass []float64, mean float64) {
	inter, union := make([]int, classes), make([]int, classes)
	for i := range truth {
		for p, t := range truth[i] {
			q := pred[i][p]
			if q == t {
				inter[t]++
				union[t]++
			} else {
				union[t]++
				union[q]++
			}
		}
	}
	perClass = make([]float64, classes)
	n := 0
	for c := range classes {
		if union[c] == 0 {
			perClass[c] = nan()
			continue
		}
		perClass[c] = float64(inter[c]) / float64(union[c])
		mean += perClass[c]
		n++
	}
	return perClass, mean / float64(max(n, 1))
}

func nan() float64 { var z float64; return z / z }

// Colours are the overlay colours of the classes (background is left clear).
var Colours = []color.RGBA{{}, {255, 0, 255, 255}, {0, 255, 255, 255}, {255, 255, 255, 255}}

// Overlay returns the scene's image with each non-background pixel of mask blended half-way
// with its class colour, enlarged scale times.
func Overlay(sc shapes.Scene, mask []uint8, scale int) *image.RGBA {
	b := sc.Image.Rect
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*scale, b.Dy()*scale))
	for y := range b.Dy() {
		for x := range b.Dx() {
			c := sc.Image.RGBAAt(x, y)
			if m := mask[y*b.Dx()+x]; m > 0 {
				k := Colours[m]
				c = color.RGBA{uint8((int(c.R) + int(k.R)) / 2), uint8((int(c.G) + int(k.G)) / 2), uint8((int(c.B) + int(k.B)) / 2), 255}
			}
			for dy := range scale {
				for dx := range scale {
					out.SetRGBA(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	return out
}

// Masks returns the scenes' class masks (shapes.Scene.ClassMask).
func Masks(scenes []shapes.Scene) [][]uint8 {
	out := make([][]uint8, len(scenes))
	for i, s := range scenes {
		out[i] = s.ClassMask()
	}
	return out
}
