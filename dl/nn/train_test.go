package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// moons returns n points of scikit-learn's two-moons set with Gaussian noise, and labels 0/1.
func moons(rng *rand.Rand, n int, noise float64) (*dl.Tensor, []float32) {
	x := make([]float32, 0, 2*n)
	y := make([]float32, n)
	for i := 0; i < n; i++ {
		a := math.Pi * rng.Float64()
		px, py := math.Cos(a), math.Sin(a)
		if i%2 == 1 {
			px, py = 1-px, 0.5-py
			y[i] = 1
		}
		x = append(x, float32(px+noise*rng.NormFloat64()), float32(py+noise*rng.NormFloat64()))
	}
	return dl.New(x, n, 2), y
}

// TestMLPLearnsMoons trains a seeded 2-16-16-1 MLP on two moons with Adam: it must reach 95%
// training accuracy within 100 full-batch steps.
func TestMLPLearnsMoons(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := moons(rng, 200, 0.1)
	target := dl.New(y, 200, 1)
	model := nn.NewSequential(nn.NewLinear(rng, 2, 16), nn.ReLU, nn.NewLinear(rng, 16, 16), nn.ReLU, nn.NewLinear(rng, 16, 1))
	opt := optim.NewAdam(model.Parameters(), 0.05)
	acc := 0.0
	step := 0
	for ; step < 100 && acc < 0.95; step++ {
		opt.ZeroGrad()
		logits := model.Forward(x)
		loss := nn.BCEWithLogits(logits, target)
		loss.Backward()
		opt.Step()
		correct := 0
		for i, v := range logits.Data() {
			if (v > 0) == (y[i] == 1) {
				correct++
			}
		}
		acc = float64(correct) / 200
	}
	if acc < 0.95 {
		t.Errorf("MLP on moons: accuracy %.3f after %d steps, want ≥ 0.95", acc, step)
	}
	t.Logf("moons: %.3f after %d steps", acc, step)
}

// TestRecurrentLearnsToRemember trains each recurrent layer to output the previous input bit,
// which needs memory across a step: the loss must fall below 0.1 (from ln 2 ≈ 0.69).
func TestRecurrentLearnsToRemember(t *testing.T) {
	const B, T, H = 16, 10, 8
	for _, kind := range []string{"RNN", "LSTM", "GRU"} {
		t.Run(kind, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, 2))
			var layer interface {
				nn.Module
			}
			switch kind {
			case "RNN":
				layer = nn.NewRNN(rng, 1, H)
			case "LSTM":
				layer = nn.NewLSTM(rng, 1, H)
			case "GRU":
				layer = nn.NewGRU(rng, 1, H)
			}
			head := nn.NewLinear(rng, H, 2)
			model := nn.Group{{Name: "rec", M: layer}, {Name: "head", M: head}}
			opt := optim.NewAdam(model.Parameters(), 0.03)
			var loss float32
			for step := 0; step < 300; step++ {
				xs := make([]float32, B*T)
				labels := make([]int, B*T)
				for b := 0; b < B; b++ {
					for i := 0; i < T; i++ {
						bit := rng.IntN(2)
						xs[b*T+i] = float32(bit)
						if i+1 < T {
							labels[b*T+i+1] = bit
						}
					}
				}
				opt.ZeroGrad()
				l := nn.CrossEntropy(head.Forward(layer.Forward(dl.New(xs, B, T, 1))), labels)
				l.Backward()
				opt.Step()
				loss = l.Item()
				if loss < 0.1 {
					t.Logf("%s: loss %.3f at step %d", kind, loss, step)
					break
				}
			}
			if loss >= 0.1 {
				t.Errorf("%s: loss %.3f after 300 steps, want < 0.1", kind, loss)
			}
		})
	}
}
