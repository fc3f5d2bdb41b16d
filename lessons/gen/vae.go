package gen

import (
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
	"github.com/deepnb/deepnb/lessons/unsup"
)

// Binarise returns a copy of x with each pixel set to 1 if it is above 0.5 and 0 otherwise:
// the fixed (not stochastic) binarisation the VAE models with a Bernoulli decoder.
func Binarise(x *dl.Tensor) *dl.Tensor {
	out := x.Clone().Detach()
	d := out.Data()
	for i, v := range d {
		if v > 0.5 {
			d[i] = 1
		} else {
			d[i] = 0
		}
	}
	return out
}

// VAE is a variational autoencoder of 28×28 binary images with Gaussian q(z|x) = N(μ(x),
// diag σ²(x)), prior p(z) = N(0, I) and Bernoulli p(x|z), on lessons/unsup's fully connected
// encoder and decoder: Enc maps 784 pixels through a hidden ReLU layer to 2·Latent numbers (μ,
// then log σ²); Dec maps z through a hidden ReLU layer to 784 logits (Decode gives the pixel
// probabilities).
type VAE struct {
	unsup.EncoderDecoder
	Latent int
}

// NewVAE returns a 784-hidden-(2·latent) / latent-hidden-784 VAE initialised from seed.
func NewVAE(hidden, latent int, seed uint64) *VAE {
	rng := rand.New(rand.NewPCG(seed, 29))
	return &VAE{EncoderDecoder: unsup.NewEncoderDecoder(rng, hidden, 2*latent, latent), Latent: latent}
}

// ELBO returns the evidence lower bound of a batch of binary images x [b, 1, 28, 28], in nats
// per image, estimated with one reparameterised sample z = μ + σ·ε (ε drawn from rng), as a
// one-element tensor (maximise it; its gradient flows to the parameters), and its two parts
// averaged over the batch: the reconstruction term E_q log p(x|z) and KL(q(z|x) ‖ p(z)).
func (v *VAE) ELBO(x *dl.Tensor, rng *rand.Rand) (elbo *dl.Tensor, rec, kl float64) {
	b := x.Dim(0)
	h := v.Enc.Forward(x)
	parts := h.Split(1, v.Latent, v.Latent)
	mu, logVar := parts[0], parts[1]
	eps := dl.RandN(rng, b, v.Latent)
	z := mu.Add(logVar.MulScalar(0.5).Exp().Mul(eps))
	target := x.Reshape(b, 784)
	// log p(x|z) = −784 · BCE (BCEWithLogits averages over all b·784 pixels).
	logLik := nn.BCEWithLogits(v.Dec.Forward(z), target).MulScalar(-784)
	// KL(N(μ, σ²) ‖ N(0, 1)) = −½ Σ (1 + log σ² − μ² − σ²), averaged over the batch.
	klT := logVar.AddScalar(1).Sub(mu.Mul(mu)).Sub(logVar.Exp()).Sum().MulScalar(-0.5 / float32(b))
	return logLik.Sub(klT), float64(logLik.Item()), float64(klT.Item())
}

// VAEOpts are the VAE's training settings.
type VAEOpts struct {
	Epochs, Batch int
	LR            float32
	Seed          uint64
	// OnStep, if set, is called after every step with the batch's ELBO in nats per image.
	OnStep func(step int, elbo float64)
}

// TrainVAE maximises the ELBO of the binary images x [N, 1, 28, 28] with Adam on shuffled
// mini-batches, and returns each epoch's mean ELBO in nats per image.
func TrainVAE(v *VAE, x *dl.Tensor, o VAEOpts) []float64 {
	rng := rand.New(rand.NewPCG(o.Seed, 31))
	opt := optim.NewAdam(v.Parameters(), o.LR)
	return train.Shuffled(rng, x.Dim(0), o.Batch, o.Epochs, func(idx []int) float64 {
		opt.ZeroGrad()
		elbo, _, _ := v.ELBO(x.IndexSelect(0, idx), rng)
		elbo.Neg().Backward()
		opt.Step()
		return float64(elbo.Item())
	}, o.OnStep)
}

// TestELBO returns the mean ELBO in nats per image of the binary images x, and its two parts,
// averaged over samples draws of z per image (drawn with seed), without gradients.
func (v *VAE) TestELBO(x *dl.Tensor, samples int, seed uint64) (elbo, rec, kl float64) {
	rng := rand.New(rand.NewPCG(seed, 37))
	n := 0
	for range samples {
		for lo := 0; lo < x.Dim(0); lo += 500 {
			hi := min(lo+500, x.Dim(0))
			e, r, k := v.ELBO(x.Slice(0, lo, hi).NoGrad(), rng)
			w := float64(hi - lo)
			elbo += float64(e.Item()) * w
			rec += r * w
			kl += k * w
			n += hi - lo
		}
	}
	return elbo / float64(n), rec / float64(n), kl / float64(n)
}

// Means returns μ(x), the posterior means of x's images, [n, Latent].
func (v *VAE) Means(x *dl.Tensor) *dl.Tensor {
	return v.Enc.Forward(x.NoGrad()).Slice(1, 0, v.Latent).Clone()
}

// Sample decodes n codes drawn from the prior N(0, I) with seed.
func (v *VAE) Sample(n int, seed uint64) *dl.Tensor {
	return v.Decode(dl.RandN(rand.New(rand.NewPCG(seed, 41)), n, v.Latent))
}

// LatentGrid decodes a side×side grid of 2-D codes spread over the prior's quantiles (as in
// Kingma and Welling's Figure 4: z = Φ⁻¹(p) for p evenly in (0, 1)), row by row with z₂ falling
// down the rows. It panics unless the VAE's latent space is 2-D.
func (v *VAE) LatentGrid(side int) *dl.Tensor {
	if v.Latent != 2 {
		panic("gen.VAE.LatentGrid: the latent space must be 2-D")
	}
	q := make([]float64, side)
	for i := range q {
		q[i] = math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/float64(side)-1)
	}
	z := make([]float32, 0, 2*side*side)
	for r := range side {
		for c := range side {
			z = append(z, float32(q[c]), float32(q[side-1-r]))
		}
	}
	return v.Decode(dl.New(z, side*side, 2))
}

// Interpolate decodes steps codes evenly spaced on the line from a's posterior mean to b's
// (a and b are single images [1, 1, 28, 28]).
func (v *VAE) Interpolate(a, b *dl.Tensor, steps int) *dl.Tensor {
	za, zb := v.Means(a).Data(), v.Means(b).Data()
	z := make([]float32, 0, steps*v.Latent)
	for s := range steps {
		t := float32(s) / float32(steps-1)
		for k := range v.Latent {
			z = append(z, (1-t)*za[k]+t*zb[k])
		}
	}
	return v.Decode(dl.New(z, steps, v.Latent))
}
