package seq

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// RecallBatch returns B sequences of the recall task with lag k: k+1 symbols drawn uniformly
// from n, given one-hot as x [B, k+1, n]; the answer y[b] is the first symbol, seen k steps
// before the end, and must be recalled past k distractors from the same alphabet.
func RecallBatch(rng *rand.Rand, B, k, n int) (x *dl.Tensor, y []int) {
	x = dl.Zeros(B, k+1, n)
	y = make([]int, B)
	d := x.Data()
	for b := range B {
		for t := 0; t <= k; t++ {
			s := rng.IntN(n)
			d[(b*(k+1)+t)*n+s] = 1
			if t == 0 {
				y[b] = s
			}
		}
	}
	return x, y
}

// RecallConfig sets up the recall experiment. Zero fields take the defaults in brackets.
type RecallConfig struct {
	Symbols int     // alphabet size n; chance is 1/n [8]
	Params  int     // parameters of each model; the RNN gets the hidden size that matches [LSTM with 32 units]
	Steps   int     // Adam steps per model and lag [600]
	Batch   int     // sequences per step [64]
	LR      float32 // learning rate [5e-3]
	Test    int     // held-out sequences for the accuracy [1000]
	// ForgetBias is the LSTM's initial forget-gate bias (see ForgetBias) [3: σ(3) ≈ 0.95, so
	// the cell's content decays by about 0.95 per step before training]
	ForgetBias float32
	Seed       uint64 // [1]
}

func (c RecallConfig) withDefaults() RecallConfig {
	if c.Symbols <= 0 {
		c.Symbols = 8
	}
	if c.Params <= 0 {
		c.Params = RecurrentParams("LSTM", c.Symbols, 0, 32) // no embedding: one-hot inputs
	}
	if c.Steps <= 0 {
		c.Steps = 600
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.LR <= 0 {
		c.LR = 5e-3
	}
	if c.Test <= 0 {
		c.Test = 1000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.ForgetBias == 0 {
		c.ForgetBias = 3
	}
	return c
}

// RecallAccuracy trains a fresh model of kind ("RNN" or "LSTM") on the recall task with lag k
// and returns its accuracy on Test new sequences. Inputs are one-hot; the answer is read from
// the last hidden state by a linear layer.
func RecallAccuracy(kind string, k int, cfg RecallConfig) float64 {
	cfg = cfg.withDefaults()
	n := cfg.Symbols
	h := 0
	for hh := 1; hh < 2048; hh++ {
		if h == 0 || abs(RecurrentParams(kind, n, 0, hh)+n*n-cfg.Params) < abs(RecurrentParams(kind, n, 0, h)+n*n-cfg.Params) {
			h = hh
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)))
	var rec interface {
		nn.Params
	}
	var run func(x *dl.Tensor) *dl.Tensor
	switch kind {
	case "RNN":
		r := nn.NewRNN(rng, n, h)
		rec, run = r, func(x *dl.Tensor) *dl.Tensor { _, hT := r.ForwardState(x, nil); return hT }
	case "LSTM":
		l := nn.NewLSTM(rng, n, h)
		ForgetBias(&l.RecurrentWeights, cfg.ForgetBias)
		rec, run = l, func(x *dl.Tensor) *dl.Tensor { _, hT, _ := l.ForwardState(x, nil, nil); return hT }
	default:
		panic(fmt.Sprintf("seq: RecallAccuracy: kind %q, want RNN or LSTM", kind))
	}
	out := nn.NewLinear(rng, h, n)
	model := nn.Group{{Name: "rec", M: rec}, {Name: "out", M: out}}
	opt := optim.NewAdam(model.Parameters(), cfg.LR)
	for range cfg.Steps {
		x, y := RecallBatch(rng, cfg.Batch, k, n)
		opt.ZeroGrad()
		nn.CrossEntropy(out.Forward(run(x)), y).Backward()
		optim.ClipGradNorm(model.Parameters(), 1)
		opt.Step()
	}
	correct := 0
	x, y := RecallBatch(rand.New(rand.NewPCG(cfg.Seed+1000, uint64(k))), cfg.Test, k, n)
	for i, p := range out.Forward(run(x.NoGrad())).ArgMax(1) {
		if p == y[i] {
			correct++
		}
	}
	return float64(correct) / float64(cfg.Test)
}

// RecallCurve returns the accuracy of kind for each lag of ks (see RecallAccuracy).
func RecallCurve(kind string, ks []int, cfg RecallConfig) []float64 {
	acc := make([]float64, len(ks))
	for i, k := range ks {
		acc[i] = RecallAccuracy(kind, k, cfg)
	}
	return acc
}
