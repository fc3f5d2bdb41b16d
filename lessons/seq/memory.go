package seq

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// RecallBatch returns B sequences of the recall task with lag k over an alphabet of n symbols.
// Each sequence has prefix+k+1 steps, each a symbol drawn uniformly from n, given one-hot in
// the first n of n+1 input features; the last feature marks one step, at a random position p
// from 0 to prefix. The answer y[b] is the marked symbol, to be named k steps later, at step
// p+k: at[b] = b·(prefix+k+1) + p+k is the row of that step in the outputs [B·steps, H].
//
// The random position and the mark leave no shortcut: the model must store the symbol when it
// sees the mark (not the first symbol it reads, or the one at a fixed step) and hold it past k
// distractors from the same alphabet.
func RecallBatch(rng *rand.Rand, B, k, n, prefix int) (x *dl.Tensor, y, at []int) {
	T := prefix + k + 1
	x = dl.Zeros(B, T, n+1)
	y, at = make([]int, B), make([]int, B)
	d := x.Data()
	for b := range B {
		p := rng.IntN(prefix + 1)
		for t := range T {
			s := rng.IntN(n)
			d[(b*T+t)*(n+1)+s] = 1
			if t == p {
				d[(b*T+t)*(n+1)+n] = 1
				y[b] = s
			}
		}
		at[b] = b*T + p + k
	}
	return x, y, at
}

// RecallConfig sets up the recall experiment. Zero fields take the defaults in brackets.
type RecallConfig struct {
	Symbols int     // alphabet size n; chance is 1/n [8]
	Params  int     // parameters of each model; the RNN gets the hidden size that matches [LSTM with 32 units]
	Steps   int     // Adam steps per model and lag [600]
	Batch   int     // sequences per step [64]
	LR      float32 // learning rate [5e-3]
	Test    int     // held-out sequences for the accuracy [1000]
	Prefix  int     // the marked symbol comes after 0 to Prefix distractors [8]
	// ForgetBias is the LSTM's initial forget-gate bias (see ForgetBias) [5: σ(5) ≈ 0.993, so
	// before training the cell keeps about 0.993ᵏ of its content over k steps, 0.7 over 48; with
	// 3 (σ ≈ 0.95, 0.09 over 48) the LSTM learnt k = 48 from one seed in three at 800 steps]
	ForgetBias float32
	// Every CheckEvery steps the model answers Check held-out sequences (drawn once per model
	// from their own seeded stream, apart from the training batches and the test set); training
	// stops early when it names every one of them, since more steps cannot improve a model that
	// makes no mistake there. A negative CheckEvery trains all Steps. [50, 256]
	CheckEvery, Check int
	Seed              uint64 // [1]
}

func (c RecallConfig) withDefaults() RecallConfig {
	if c.Symbols <= 0 {
		c.Symbols = 8
	}
	if c.Params <= 0 {
		c.Params = recallParams("LSTM", c.Symbols, 32)
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
	if c.Prefix <= 0 {
		c.Prefix = 8
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.ForgetBias == 0 {
		c.ForgetBias = 5
	}
	if c.CheckEvery == 0 {
		c.CheckEvery = 50
	}
	if c.Check <= 0 {
		c.Check = 256
	}
	return c
}

// recallParams counts the parameters of the recall model of kind with hidden units: the
// recurrent layer on n+1 inputs (with its two biases) and the linear read-out to n symbols.
func recallParams(kind string, n, hidden int) int {
	g := 1
	if kind == "LSTM" {
		g = 4
	}
	return g*hidden*(n+1+hidden+2) + (hidden+1)*n
}

// RecallAccuracy trains a fresh model of kind ("RNN" or "LSTM") on the recall task with lag k
// and returns its accuracy on Test new sequences (see RecallBatch). The answer is read from the
// hidden state k steps after the mark by a linear layer.
func RecallAccuracy(kind string, k int, cfg RecallConfig) float64 {
	acc, _ := recallTrain(kind, k, cfg)
	return acc
}

// recallTrain is RecallAccuracy that also returns the number of Adam steps taken (fewer than
// cfg.Steps when the check stopped training early).
func recallTrain(kind string, k int, cfg RecallConfig) (acc float64, steps int) {
	cfg = cfg.withDefaults()
	n := cfg.Symbols
	h := 0
	for hh := 1; hh < 2048; hh++ {
		if h == 0 || abs(recallParams(kind, n, hh)-cfg.Params) < abs(recallParams(kind, n, h)-cfg.Params) {
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
		r := nn.NewRNN(rng, n+1, h)
		rec, run = r, r.Forward
	case "LSTM":
		l := nn.NewLSTM(rng, n+1, h)
		ForgetBias(&l.RecurrentWeights, cfg.ForgetBias)
		rec, run = l, l.Forward
	default:
		panic(fmt.Sprintf("seq: RecallAccuracy: kind %q, want RNN or LSTM", kind))
	}
	out := nn.NewLinear(rng, h, n)
	model := nn.Group{{Name: "rec", M: rec}, {Name: "out", M: out}}
	opt := optim.NewAdam(model.Parameters(), cfg.LR)
	// answer reads the hidden state at each sequence's step at (see RecallBatch).
	answer := func(x *dl.Tensor, at []int) *dl.Tensor {
		hs := run(x)
		return out.Forward(hs.Reshape(hs.Dim(0)*hs.Dim(1), h).IndexSelect(0, at))
	}
	// correct counts the sequences of a held-out batch answered right.
	correct := func(x *dl.Tensor, y, at []int) int {
		c := 0
		for i, p := range answer(x.NoGrad(), at).ArgMax(1) {
			if p == y[i] {
				c++
			}
		}
		return c
	}
	var cx *dl.Tensor
	var cy, cat []int
	if cfg.CheckEvery > 0 {
		cx, cy, cat = RecallBatch(rand.New(rand.NewPCG(cfg.Seed+2000, uint64(k))), cfg.Check, k, n, cfg.Prefix)
	}
	for steps < cfg.Steps {
		x, y, at := RecallBatch(rng, cfg.Batch, k, n, cfg.Prefix)
		opt.ZeroGrad()
		nn.CrossEntropy(answer(x, at), y).Backward()
		optim.ClipGradNorm(model.Parameters(), 1)
		opt.Step()
		steps++
		if cfg.CheckEvery > 0 && steps%cfg.CheckEvery == 0 && steps < cfg.Steps && correct(cx, cy, cat) == cfg.Check {
			break
		}
	}
	x, y, at := RecallBatch(rand.New(rand.NewPCG(cfg.Seed+1000, uint64(k))), cfg.Test, k, n, cfg.Prefix)
	return float64(correct(x, y, at)) / float64(cfg.Test), steps
}

// RecallStats is the accuracy of one kind of model at one lag over several seeds.
type RecallStats struct {
	Mean, Min, Max float64
	Acc            []float64 // one per seed
	Steps          []int     // Adam steps each seed's model took (fewer than asked if it stopped early)
}

// RecallSweep trains kind at each lag of ks once per seed 1, …, seeds (cfg.Seed is ignored) and
// returns the accuracies over the seeds for each lag. The models train concurrently, as many at
// a time as GOMAXPROCS; each is deterministic, so the result does not depend on the schedule.
func RecallSweep(kind string, ks []int, seeds int, cfg RecallConfig) []RecallStats {
	acc, steps := make([][]float64, len(ks)), make([][]int, len(ks))
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, k := range ks {
		acc[i], steps[i] = make([]float64, seeds), make([]int, seeds)
		for s := range seeds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				c := cfg
				c.Seed = uint64(s + 1)
				acc[i][s], steps[i][s] = recallTrain(kind, k, c)
			}()
		}
	}
	wg.Wait()
	out := make([]RecallStats, len(ks))
	for i, a := range acc {
		out[i] = RecallStats{Acc: a, Steps: steps[i], Min: slices.Min(a), Max: slices.Max(a)}
		for _, x := range a {
			out[i].Mean += x / float64(len(a))
		}
	}
	return out
}

// LongestRecall returns the longest lag of ks (in increasing order) up to which the mean
// accuracy stays at least level at every lag, or 0 if it is below level at the first.
func LongestRecall(ks []int, stats []RecallStats, level float64) int {
	longest := 0
	for i, k := range ks {
		if stats[i].Mean < level {
			break
		}
		longest = k
	}
	return longest
}
