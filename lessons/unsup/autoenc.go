package unsup

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
	"github.com/deepnb/deepnb/lessons/stats"
)

// EncoderDecoder is a pair of fully connected networks on 28×28 images: Enc maps 784 pixels
// through a hidden ReLU layer to its outputs, Dec maps its inputs through a hidden ReLU layer to
// 784 logits, one per pixel (sigmoid gives the image). Autoencoder is built on it, and so is
// lessons/gen's VAE (notebooks/07b-generative-models), whose encoder gives twice as many numbers
// as its decoder takes.
type EncoderDecoder struct {
	Enc, Dec *nn.Sequential
}

// NewEncoderDecoder returns Enc 784 → hidden → encOut (Flatten, Linear, ReLU, Linear) and Dec
// decIn → hidden → 784 (Linear, ReLU, Linear), their weights drawn from rng in that order,
// layer by layer (so the same rng state gives the same networks).
func NewEncoderDecoder(rng *rand.Rand, hidden, encOut, decIn int) EncoderDecoder {
	return EncoderDecoder{
		Enc: nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 784, hidden), nn.ReLU, nn.NewLinear(rng, hidden, encOut)),
		Dec: nn.NewSequential(nn.NewLinear(rng, decIn, hidden), nn.ReLU, nn.NewLinear(rng, hidden, 784)),
	}
}

func (m EncoderDecoder) group() nn.Group {
	return nn.Group{{Name: "enc", M: m.Enc}, {Name: "dec", M: m.Dec}}
}

// Parameters returns the encoder's and the decoder's parameters.
func (m EncoderDecoder) Parameters() []*dl.Tensor { return m.group().Parameters() }

// NamedParameters names them "enc.…" and "dec.…" for checkpoints.
func (m EncoderDecoder) NamedParameters() []nn.Named { return m.group().NamedParameters() }

// Decode returns the decoder's pixel probabilities sigmoid(Dec(z)) for the inputs z [n, decIn],
// as images [n, 1, 28, 28] in [0, 1], computed without gradients.
func (m EncoderDecoder) Decode(z *dl.Tensor) *dl.Tensor {
	return m.Dec.Forward(z.NoGrad()).Sigmoid().Reshape(z.Dim(0), 1, 28, 28)
}

// Autoencoder is a fully connected autoencoder of 28×28 images: Enc maps 784 pixels through a
// hidden ReLU layer to a Code-dimensional code, Dec maps the code back to 784 logits, one per
// pixel (sigmoid gives the reconstruction).
type Autoencoder struct {
	EncoderDecoder
	Code int
}

// NewAutoencoder returns a 784-hidden-code-hidden-784 autoencoder initialised from seed.
func NewAutoencoder(hidden, code int, seed uint64) *Autoencoder {
	rng := rand.New(rand.NewPCG(seed, 17))
	return &Autoencoder{EncoderDecoder: NewEncoderDecoder(rng, hidden, code, code), Code: code}
}

// Forward returns the reconstruction logits [b, 784] of a batch x [b, 1, 28, 28].
func (a *Autoencoder) Forward(x *dl.Tensor) *dl.Tensor { return a.Dec.Forward(a.Enc.Forward(x)) }

// Encode returns the codes of x's images as rows, computed without gradients in batches.
func (a *Autoencoder) Encode(x *dl.Tensor) [][]float64 {
	var out [][]float64
	for lo := 0; lo < x.Dim(0); lo += 500 {
		out = append(out, Rows(a.Enc.Forward(x.Slice(0, lo, min(lo+500, x.Dim(0))).NoGrad()))...)
	}
	return out
}

// Reconstruct returns the reconstructions of x's images, [b, 1, 28, 28] in [0, 1].
func (a *Autoencoder) Reconstruct(x *dl.Tensor) *dl.Tensor {
	return a.Decode(a.Enc.Forward(x.NoGrad()))
}

// AEOpts are the autoencoder's training settings.
type AEOpts struct {
	Epochs, Batch int
	LR            float32
	// Drop, if positive, makes it a denoising autoencoder (Vincent et al. 2008): each input pixel
	// is set to 0 with probability Drop, and the clean image is the target.
	Drop float64
	Seed uint64
	// OnStep, if set, is called after every step with the step's mean binary cross-entropy per
	// pixel.
	OnStep func(step int, loss float64)
}

// Corrupt returns a copy of x with each value set to 0 with probability drop (masking noise),
// drawn from rng.
func Corrupt(x *dl.Tensor, drop float64, rng *rand.Rand) *dl.Tensor {
	out := x.Clone().Detach()
	d := out.Data()
	for i := range d {
		if rng.Float64() < drop {
			d[i] = 0
		}
	}
	return out
}

// TrainAutoencoder trains a on the images x [N, 1, 28, 28] (pixels in [0, 1]) to reconstruct
// each image, minimising the binary cross-entropy between pixels and reconstructions with Adam
// on shuffled mini-batches. It returns the loss of each epoch, averaged over its steps.
func TrainAutoencoder(a *Autoencoder, x *dl.Tensor, o AEOpts) []float64 {
	rng := rand.New(rand.NewPCG(o.Seed, 19))
	opt := optim.NewAdam(a.Parameters(), o.LR)
	return train.Shuffled(rng, x.Dim(0), o.Batch, o.Epochs, func(idx []int) float64 {
		clean := x.IndexSelect(0, idx)
		in := clean
		if o.Drop > 0 {
			in = Corrupt(clean, o.Drop, rng)
		}
		opt.ZeroGrad()
		loss := nn.BCEWithLogits(a.Forward(in), clean.Reshape(o.Batch, 784))
		loss.Backward()
		opt.Step()
		return float64(loss.Item())
	}, o.OnStep)
}

// FitProbe trains a linear classifier (multinomial logistic regression, dl, full-batch Adam
// with a little weight decay) on the features x with labels y, after centring each feature and
// dividing all by one scale (x's standard deviation over all its values), and returns the accuracy on xTest, yTest. It is the measure of a
// representation: how well a linear read-out does from few labels.
func FitProbe(x [][]float64, y []int, xTest [][]float64, yTest []int, steps int, seed uint64) float64 {
	d := len(x[0])
	mean := stats.ColMeans(x)
	var all []float64
	for _, r := range x {
		all = append(all, r...)
	}
	_, std := stats.MeanStd(all) // one scale for all features keeps their relative sizes
	scale := func(rows [][]float64) *dl.Tensor {
		out := make([]float32, 0, len(rows)*d)
		for _, r := range rows {
			for j, v := range r {
				out = append(out, float32((v-mean[j])/std))
			}
		}
		return dl.New(out, len(rows), d)
	}
	classes := 0
	for _, c := range y {
		classes = max(classes, c+1)
	}
	for _, c := range yTest {
		classes = max(classes, c+1)
	}
	xt := scale(x)
	lin := nn.NewLinear(rand.New(rand.NewPCG(seed, 23)), d, classes)
	opt := optim.NewAdamW(lin.Parameters(), 0.01, 0.01)
	for range steps {
		opt.ZeroGrad()
		loss := nn.CrossEntropy(lin.Forward(xt), y)
		loss.Backward()
		opt.Step()
	}
	right := 0
	for i, p := range lin.Forward(scale(xTest).NoGrad()).ArgMax(1) {
		if p == yTest[i] {
			right++
		}
	}
	return float64(right) / float64(len(yTest))
}

// MSE returns the mean squared difference between two tensors of the same size, for example
// images and their reconstructions. It panics if the sizes differ.
func MSE(a, b *dl.Tensor) float64 {
	if a.Len() != b.Len() {
		panic(fmt.Sprintf("unsup.MSE: sizes %v and %v differ", a.Shape(), b.Shape()))
	}
	var s float64
	bd := b.Data()
	for i, v := range a.Data() {
		d := float64(v - bd[i])
		s += d * d
	}
	return s / float64(len(bd))
}
