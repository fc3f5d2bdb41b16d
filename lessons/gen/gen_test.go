package gen

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/digits"
)

var mnist = sync.OnceValues(func() (*datasets.Set, error) {
	trainSet, _, err := datasets.MNIST(2000, 0)
	return trainSet, err
})

func mnistDigits(t *testing.T) *datasets.Set {
	t.Helper()
	s, err := mnist()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestVAE trains a small VAE briefly: its held-out ELBO must rise well above the untrained one
// and past a floor, with a non-negative KL term, and its images must be probabilities.
func TestVAE(t *testing.T) {
	s := mnistDigits(t)
	x := Binarise(s.X.Slice(0, 0, 1500))
	held := Binarise(s.X.Slice(0, 1500, 2000))
	v := NewVAE(128, 8, 1)
	before, _, _ := v.TestELBO(held, 1, 1)
	TrainVAE(v, x, VAEOpts{Epochs: 4, Batch: 50, LR: 2e-3, Seed: 1})
	elbo, rec, kl := v.TestELBO(held, 2, 1)
	t.Logf("held-out ELBO %.1f nats (reconstruction %.1f, KL %.1f); untrained %.1f", elbo, rec, kl, before)
	if elbo < -200 || elbo < before+200 || kl < 0 || math.Abs(rec-kl-elbo) > 1e-3*math.Abs(elbo) {
		t.Errorf("held-out ELBO %.1f (want ≥ −200 and 200 above the untrained %.1f), KL %.1f (want ≥ 0), rec − KL = %.1f", elbo, before, kl, rec-kl)
	}
	for _, img := range []*dl.Tensor{v.Sample(4, 1), v.Interpolate(held.Slice(0, 0, 1), held.Slice(0, 1, 2), 5)} {
		for _, p := range img.Data() {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("pixel %v outside [0, 1]", p)
			}
		}
	}
	v2 := NewVAE(16, 2, 1)
	if g := v2.LatentGrid(5); g.Dim(0) != 25 || g.Dim(2) != 28 {
		t.Errorf("LatentGrid(5) shape %v, want [25 1 28 28]", g.Shape())
	}
}

func TestBinarise(t *testing.T) {
	got := Binarise(dl.New([]float32{0, 0.5, 0.51, 1}, 4)).Data()
	want := []float32{0, 0, 1, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Binarise = %v, want %v", got, want)
		}
	}
}

// TestJudgeAndGAN trains the judge briefly (one epoch of 2000 digits) and a GAN for a few steps: real test digits must be
// far closer to real training digits than noise or the untrained generator's samples are, the
// training lowers the generator's distance, and each training digit is its own nearest neighbour.
func TestJudgeAndGAN(t *testing.T) {
	s := mnistDigits(t)
	cnn, loaded, err := digits.TrainCNN(filepath.Join(t.TempDir(), "cnn.safetensors"), s, s.Subset(500), nil)
	if err != nil || loaded {
		t.Fatalf("TrainCNN: loaded %v, %v", loaded, err)
	}
	real := Judge(cnn, s.X.Slice(0, 1000, 1300))
	ref := Judge(cnn, s.X.Slice(0, 1300, 1600))
	if h := real.LabelEntropy(); h < 3.0 {
		t.Errorf("label entropy of real digits %.2f bits, want ≥ 3.0", h)
	}
	if c := real.MeanConfidence(); c < 0.5 {
		t.Errorf("confidence on real digits %.2f, want ≥ 0.5", c)
	}
	noise := Judge(cnn, dl.RandU(rand.New(rand.NewPCG(1, 1)), 0, 1, 300, 1, 28, 28))
	g := NewGAN(16, 8, 1)
	untrained := Judge(cnn, g.Generate(300, 1))
	var losses []GANStep
	if err := TrainGAN(g, s.X.Slice(0, 0, 1000), GANOpts{Steps: 150, Batch: 32, LR: 1e-3, Seed: 1,
		OnStep: func(st GANStep) error { losses = append(losses, st); return nil }}); err != nil {
		t.Fatal(err)
	}
	trained := Judge(cnn, g.Generate(300, 1))
	fid := map[string]float64{}
	for name, j := range map[string]Judgement{"real": ref, "noise": noise, "untrained GAN": untrained, "GAN": trained} {
		f, err := FrechetDistance(real.Features, j.Features)
		if err != nil {
			t.Fatal(err)
		}
		fid[name] = f
	}
	t.Logf("digit-FID to real test digits: %v; GAN label entropy %.2f bits, confidence %.2f", fid, trained.LabelEntropy(), trained.MeanConfidence())
	if fid["real"] > fid["noise"]/3 || fid["real"] > fid["untrained GAN"]/3 || fid["GAN"] > fid["untrained GAN"]/2 {
		t.Errorf("digit-FIDs %v: want real ≤ noise/3 and untrained/3, trained GAN ≤ untrained/2", fid)
	}
	last := losses[len(losses)-1]
	if math.IsNaN(last.LossD) || math.IsNaN(last.LossG) || len(losses) != 150 {
		t.Errorf("%d steps, last %+v", len(losses), last)
	}
	idx, dist := NearestNeighbours(s.X.Slice(0, 10, 13), s.X.Slice(0, 0, 100))
	for i := range idx {
		if idx[i] != 10+i || dist[i] != 0 {
			t.Errorf("nearest neighbour of training digit %d: %d at %v, want itself at 0", 10+i, idx[i], dist[i])
		}
	}
}

// TestELBOGradCheck: the ELBO's gradient (reparameterised sample, Bernoulli likelihood, Gaussian
// KL) with respect to the decoder's and encoder's output layers agrees with finite differences.
func TestELBOGradCheck(t *testing.T) {
	v := NewVAE(3, 2, 1)
	x := Binarise(dl.RandU(rand.New(rand.NewPCG(2, 2)), 0, 1, 2, 1, 28, 28))
	encOut, decOut := v.Enc.Layers[3].(*nn.Linear), v.Dec.Layers[0].(*nn.Linear)
	f := func(xs ...*dl.Tensor) *dl.Tensor {
		encOut.Weight, decOut.Weight = xs[0], xs[1]
		elbo, _, _ := v.ELBO(x, rand.New(rand.NewPCG(3, 3))) // the same ε every call
		return elbo.MulScalar(0.01)
	}
	maxErr, report := dl.GradCheck(f, encOut.Weight, decOut.Weight)
	if maxErr > dl.GradCheckTol {
		t.Errorf("ELBO gradient: max error %.2g\n%s", maxErr, report)
	}
}
