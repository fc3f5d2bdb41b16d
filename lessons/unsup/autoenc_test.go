package unsup

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// TestAutoencoderFewLabels trains a small (denoising) autoencoder briefly and checks that its
// loss falls, that it reconstructs better than the mean image does, and that a linear probe on
// its code, trained on 100 labels, beats chance by far.
func TestAutoencoderFewLabels(t *testing.T) {
	s, err := mnist()
	if err != nil {
		t.Fatal(err)
	}
	for _, drop := range []float64{0, 0.3} {
		ae := NewAutoencoder(64, 16, 1)
		losses := TrainAutoencoder(ae, s.X, AEOpts{Epochs: 8, Batch: 25, LR: 3e-3, Drop: drop, Seed: 1})
		if losses[len(losses)-1] >= losses[0] {
			t.Errorf("drop %v: loss %.3f → %.3f, did not fall", drop, losses[0], losses[len(losses)-1])
		}
		train, test := s.Subset(100), s.X.Slice(0, 500, 1000)
		acc := FitProbe(ae.Encode(train.X), train.Y, ae.Encode(test), s.Y[500:1000], 200, 1)
		t.Logf("drop %v: loss %.3f → %.3f, probe accuracy %.3f from 100 labels", drop, losses[0], losses[len(losses)-1], acc)
		if acc < 0.45 {
			t.Errorf("drop %v: probe accuracy %.3f from 100 labels, want ≥ 0.45", drop, acc)
		}
		rec := ae.Reconstruct(test)
		if e, base := MSE(rec, test), MSE(meanImage(test), test); e > 0.6*base {
			t.Errorf("drop %v: reconstruction MSE %.4f, want under 0.6 × the mean image's %.4f", drop, e, base)
		}
	}
}

// meanImage returns a batch of the same shape as x, each image x's mean image.
func meanImage(x *dl.Tensor) *dl.Tensor {
	return x.MeanKeepDims(0).BroadcastTo(x.Shape()...).Clone()
}

func TestCorrupt(t *testing.T) {
	x := dl.Ones(10000)
	y := Corrupt(x, 0.3, rand.New(rand.NewPCG(1, 1)))
	zeros := 0
	for _, v := range y.Data() {
		if v == 0 {
			zeros++
		}
	}
	if zeros < 2850 || zeros > 3150 || x.Data()[0] != 1 {
		t.Errorf("Corrupt(0.3) zeroed %d of 10000 (want about 3000) or changed its input", zeros)
	}
}
