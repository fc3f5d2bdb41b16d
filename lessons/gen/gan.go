package gen

import (
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// GAN is a small DCGAN-style generative adversarial network for 28×28 images in [0, 1]:
// G maps a code z [b, Z] by a linear layer to 2c×7×7 feature maps and by two stride-2 transposed
// convolutions to 14×14 and 28×28 (ReLU between, sigmoid at the end); D maps an image by two
// stride-2 convolutions with leaky ReLU to 2c×7×7 and a linear layer to one logit.
type GAN struct {
	G, D *nn.Sequential
	Z    int
}

// NewGAN returns a GAN with code size z and c channels in the first convolution, initialised
// from seed.
func NewGAN(z, c int, seed uint64) *GAN {
	rng := rand.New(rand.NewPCG(seed, 43))
	return &GAN{
		G: nn.NewSequential(
			nn.NewLinear(rng, z, 2*c*7*7), nn.ReLU,
			nn.Func(func(x *dl.Tensor) *dl.Tensor { return x.Reshape(x.Dim(0), 2*c, 7, 7) }),
			nn.NewConvTranspose2D(rng, 2*c, c, 4).WithStride(2).WithPadding(1), nn.ReLU,
			nn.NewConvTranspose2D(rng, c, 1, 4).WithStride(2).WithPadding(1),
			nn.Func(func(x *dl.Tensor) *dl.Tensor { return x.Sigmoid() })),
		D: nn.NewSequential(
			nn.NewConv2D(rng, 1, c, 4).WithStride(2).WithPadding(1), nn.LeakyReLU(0.2),
			nn.NewConv2D(rng, c, 2*c, 4).WithStride(2).WithPadding(1), nn.LeakyReLU(0.2),
			nn.Flatten, nn.NewLinear(rng, 2*c*7*7, 1)),
		Z: z,
	}
}

func (g *GAN) group() nn.Group { return nn.Group{{Name: "g", M: g.G}, {Name: "d", M: g.D}} }

// Parameters returns the generator's and the discriminator's parameters.
func (g *GAN) Parameters() []*dl.Tensor { return g.group().Parameters() }

// NamedParameters names them "g.…" and "d.…" for checkpoints.
func (g *GAN) NamedParameters() []nn.Named { return g.group().NamedParameters() }

// Generate returns n samples [n, 1, 28, 28] from codes drawn with seed.
func (g *GAN) Generate(n int, seed uint64) *dl.Tensor {
	var out *dl.Tensor
	z := dl.RandN(rand.New(rand.NewPCG(seed, 47)), n, g.Z)
	dl.NoGrad(func() { out = g.G.Forward(z) })
	return out
}

// GANStep is one training step's losses.
type GANStep struct {
	Step  int
	LossD float64 // the discriminator's binary cross-entropy on a real and a fake batch
	LossG float64 // the generator's non-saturating loss −log D(G(z))
	DReal float64 // mean D(x) on the real batch (probability)
	DFake float64 // mean D(G(z)) on the fake batch, before the generator's step
}

// GANOpts are the GAN's training settings.
type GANOpts struct {
	Steps, Batch int
	LR           float32 // Adam's learning rate for both (DCGAN: 2·10⁻⁴, β₁ = 0.5)
	Seed         uint64
	// OnStep, if set, is called after every step; an error stops training and is returned.
	OnStep func(GANStep) error
}

// TrainGAN trains g on the images x [N, 1, 28, 28] in [0, 1] for o.Steps alternating steps: the
// discriminator on a real batch (label 1) and a generated one (label 0), then the generator with
// the non-saturating loss (label 1 for its fakes), both with Adam (β₁ = 0.5).
func TrainGAN(g *GAN, x *dl.Tensor, o GANOpts) error {
	rng := rand.New(rand.NewPCG(o.Seed, 53))
	optD, optG := optim.NewAdam(g.D.Parameters(), o.LR), optim.NewAdam(g.G.Parameters(), o.LR)
	optD.Beta1, optG.Beta1 = 0.5, 0.5
	ones, zeros := dl.Ones(o.Batch, 1), dl.Zeros(o.Batch, 1)
	n := x.Dim(0)
	perm, pos := rng.Perm(n), 0
	for step := 1; step <= o.Steps; step++ {
		if pos+o.Batch > n {
			perm, pos = rng.Perm(n), 0
		}
		real := x.IndexSelect(0, perm[pos:pos+o.Batch])
		pos += o.Batch
		z := dl.RandN(rng, o.Batch, g.Z)
		fake := g.G.Forward(z)

		optD.ZeroGrad()
		dReal, dFake := g.D.Forward(real), g.D.Forward(fake.Detach())
		lossD := nn.BCEWithLogits(dReal, ones).Add(nn.BCEWithLogits(dFake, zeros))
		lossD.Backward()
		optD.Step()

		optG.ZeroGrad()
		lossG := nn.BCEWithLogits(g.D.Forward(fake), ones)
		lossG.Backward()
		optG.Step()
		optD.ZeroGrad() // the generator's step left gradients in D

		if o.OnStep != nil {
			s := GANStep{Step: step, LossD: float64(lossD.Item()), LossG: float64(lossG.Item()),
				DReal: meanSigmoid(dReal), DFake: meanSigmoid(dFake)}
			if err := o.OnStep(s); err != nil {
				return err
			}
		}
	}
	return nil
}

func meanSigmoid(logits *dl.Tensor) float64 {
	var s float64
	for _, v := range logits.Data() {
		s += 1 / (1 + math.Exp(-float64(v)))
	}
	return s / float64(logits.Len())
}
