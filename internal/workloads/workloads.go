// Package workloads implements, with dl, the six reference workloads of the PyTorch reference
// benchmark shipped beside the repository (../shared/bench/torch_bench.py, outside the
// repository; scripts/bench.sh finds it there or through TORCH_BENCH): sgemm, mlp, cnn, lstm
// (and rnn), style and attention, with the same definitions, so the two can be timed one after
// the other on the same machine.
//
// scripts/dlbench prints their figures in torch_bench.py's format (`name value unit`), and
// scripts/bench.sh runs both and prints the ratios. The Benchmark functions in this package run
// the per-step workloads under `go test -bench`.
package workloads

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// SGEMMGFLOPS returns the rate of C = A·B for square float32 matrices of size n, in GFLOP/s
// (2n³ per product), the median of 11 repeats of about 0.2 s each, as torch_bench.py measures it:
// with alloc each product is dl.MatMul, which allocates its result (as torch.mm(a, b)); without,
// dl.MatMulInto writes it into a preallocated C (as torch_bench.py's torch.mm(a, b, out=c)).
func SGEMMGFLOPS(n int, alloc bool) float64 {
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	a, b := dl.RandN(rng, n, n), dl.RandN(rng, n, n)
	var mm func()
	if alloc {
		an := a.NoGrad()
		mm = func() { an.MatMul(b) }
	} else {
		c := dl.Zeros(n, n)
		mm = func() { dl.MatMulInto(c, a, b) }
	}
	for range 3 {
		mm()
	}
	t0 := time.Now()
	mm()
	inner := max(1, int(0.2/max(time.Since(t0).Seconds(), 1e-6)))
	ts := make([]float64, 11)
	for i := range ts {
		t0 := time.Now()
		for range inner {
			mm()
		}
		ts[i] = time.Since(t0).Seconds() / float64(inner)
	}
	return 2 * float64(n) * float64(n) * float64(n) / median(ts) / 1e9
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// StepRate returns the median seconds per call of step over n calls after warmup calls.
func StepRate(step func(), warmup, n int) float64 {
	for range warmup {
		step()
	}
	ts := make([]float64, n)
	for i := range ts {
		t0 := time.Now()
		step()
		ts[i] = time.Since(t0).Seconds()
	}
	return median(ts)
}

// MLP returns the mlp workload's model: 784-256-10 with ReLU.
func MLP(rng *rand.Rand) nn.Module {
	return nn.NewSequential(nn.NewLinear(rng, 784, 256), nn.ReLU, nn.NewLinear(rng, 256, 10))
}

// CNN returns the cnn workload's model: conv5×5(1→16, pad 2)+maxpool2+ReLU,
// conv5×5(16→32, pad 2)+maxpool2+ReLU, linear(32·7·7→10). Max pooling commutes with ReLU, so
// this is the textbook conv+ReLU+maxpool network, with the ReLU on a 4× smaller tensor.
func CNN(rng *rand.Rand) nn.Module {
	return nn.NewSequential(
		nn.NewConv2D(rng, 1, 16, 5).WithPadding(2), nn.NewMaxPool2D(2), nn.ReLU,
		nn.NewConv2D(rng, 16, 32, 5).WithPadding(2), nn.NewMaxPool2D(2), nn.ReLU,
		nn.Flatten, nn.NewLinear(rng, 32*7*7, 10))
}

// EpochResult is what one training epoch measured.
type EpochResult struct {
	Seconds  float64 // wall time of the epoch's 938 steps
	LastLoss float32 // loss of the last batch
	TestAcc  float64 // accuracy on the 10,000 test images, in percent
}

// TrainEpoch trains model for one epoch over MNIST's 60,000 training images in shuffled batches
// of 64 (seed 1), flattening the images when flat is set, then measures test accuracy.
// limit > 0 stops after that many batches (for tests).
func TrainEpoch(model nn.Module, opt optim.Optimizer, train, test *datasets.Set, flat bool, limit int) EpochResult {
	var res EpochResult
	nn.SetTrain(model, true)
	t0 := time.Now()
	steps := 0
	for x, y := range train.Batches(64, 1) {
		if flat {
			x = x.Reshape(x.Dim(0), -1)
		}
		opt.ZeroGrad()
		loss := nn.CrossEntropy(model.Forward(x), y)
		loss.Backward()
		opt.Step()
		res.LastLoss = loss.Item()
		if steps++; limit > 0 && steps == limit {
			break
		}
	}
	res.Seconds = time.Since(t0).Seconds()
	res.TestAcc = Accuracy(model, test, flat)
	return res
}

// Accuracy returns model's accuracy on s in percent, evaluated without gradients in batches of 1000.
func Accuracy(model nn.Module, s *datasets.Set, flat bool) float64 {
	nn.SetTrain(model, false)
	correct := 0
	for x, y := range s.Batches(1000, 0) {
		if flat {
			x = x.Reshape(x.Dim(0), -1)
		}
		for i, p := range model.Forward(x.NoGrad()).ArgMax(1) {
			if p == y[i] {
				correct++
			}
		}
	}
	return 100 * float64(correct) / float64(s.Len())
}

// CharLM is the lstm workload's character language model: embedding 32, one recurrent layer of
// 128 (LSTM, or tanh RNN), linear head over a vocabulary of 65.
type CharLM struct {
	Emb  *nn.Embedding
	LSTM *nn.LSTM // one of LSTM and RNN is set
	RNN  *nn.RNN
	Head *nn.Linear
}

// NewCharLM returns the model; kind is "lstm" or "rnn".
func NewCharLM(rng *rand.Rand, kind string) *CharLM {
	m := &CharLM{Emb: nn.NewEmbedding(rng, 65, 32), Head: nn.NewLinear(rng, 128, 65)}
	if kind == "lstm" {
		m.LSTM = nn.NewLSTM(rng, 32, 128)
	} else {
		m.RNN = nn.NewRNN(rng, 32, 128)
	}
	return m
}

// Parameters lists the model's parameters.
func (m *CharLM) Parameters() []*dl.Tensor {
	ps := append(m.Emb.Parameters(), m.Head.Parameters()...)
	if m.LSTM != nil {
		return append(ps, m.LSTM.Parameters()...)
	}
	return append(ps, m.RNN.Parameters()...)
}

// Loss returns the mean next-character cross-entropy of a batch of token sequences ids [B, T+1].
func (m *CharLM) Loss(ids []int, b, t1 int) *dl.Tensor {
	t := t1 - 1
	in, target := make([]int, 0, b*t), make([]int, 0, b*t)
	for i := range b {
		in = append(in, ids[i*t1:i*t1+t]...)
		target = append(target, ids[i*t1+1:(i+1)*t1]...)
	}
	x := m.Emb.Lookup(in, b, t)
	var h *dl.Tensor
	if m.LSTM != nil {
		h = m.LSTM.Forward(x)
	} else {
		h = m.RNN.Forward(x)
	}
	return nn.CrossEntropy(m.Head.Forward(h), target)
}

// CharLMStep returns one training step (forward, backward, Adam lr 2e-3) of the lstm workload
// over 64 synthetic batches of 32 sequences of 65 tokens, cycled.
func CharLMStep(kind string) func() {
	const T, B, V = 64, 32, 65
	rng := rand.New(rand.NewPCG(0, 0))
	m := NewCharLM(rng, kind)
	opt := optim.NewAdam(m.Parameters(), 2e-3)
	batches := make([][]int, 64)
	for i := range batches {
		batches[i] = make([]int, B*(T+1))
		for j := range batches[i] {
			batches[i][j] = rng.IntN(V)
		}
	}
	it := 0
	return func() {
		ids := batches[it%len(batches)]
		it++
		opt.ZeroGrad()
		m.Loss(ids, B, T+1).Backward()
		opt.Step()
	}
}

// StyleStep returns one iteration of the style workload: a fixed conv net 3→32→32→(maxpool)→64→64
// (3×3, pad 1, ReLU), the 3×128×128 image as the variable, loss = content MSE at layer 4 + 1e3 ×
// Gram-matrix MSE at layers 1–4, Adam lr 0.02 on the image.
func StyleStep() func() {
	rng := rand.New(rand.NewPCG(0, 0))
	convs := []*nn.Conv2D{nn.NewConv2D(rng, 3, 32, 3).WithPadding(1), nn.NewConv2D(rng, 32, 32, 3).WithPadding(1),
		nn.NewConv2D(rng, 32, 64, 3).WithPadding(1), nn.NewConv2D(rng, 64, 64, 3).WithPadding(1)}
	for _, c := range convs {
		for _, p := range c.Parameters() {
			p.SetRequiresGrad(false)
		}
	}
	feats := func(x *dl.Tensor) []*dl.Tensor {
		f1 := convs[0].Forward(x).ReLU()
		f2 := convs[1].Forward(f1).ReLU()
		f3 := convs[2].Forward(dl.MaxPool2D(f2, 2, 2, 0)).ReLU()
		f4 := convs[3].Forward(f3).ReLU()
		return []*dl.Tensor{f1, f2, f3, f4}
	}
	content := dl.RandU(rng, 0, 1, 1, 3, 128, 128)
	style := dl.RandU(rng, 0, 1, 1, 3, 128, 128)
	var cTarget *dl.Tensor
	var sTargets []*dl.Tensor
	cTarget = feats(content.NoGrad())[3]
	for _, f := range feats(style.NoGrad()) {
		sTargets = append(sTargets, nn.Gram(f))
	}
	img := content.Clone().SetRequiresGrad(true)
	opt := optim.NewAdam([]*dl.Tensor{img}, 0.02)
	return func() {
		opt.ZeroGrad()
		fs := feats(img)
		loss := nn.MSELoss(fs[3], cTarget)
		for i, f := range fs {
			loss = loss.Add(nn.MSELoss(nn.Gram(f), sTargets[i]).MulScalar(1e3))
		}
		loss.Backward()
		opt.Step()
	}
}

// AttnDecoder is the attention workload's show-attend-tell decoder: additive attention over 49
// feature vectors of 256, an LSTMCell of 256 over [embedding 256; context], vocabulary 1000.
type AttnDecoder struct {
	Emb               *nn.Embedding
	Att               *nn.AdditiveAttention
	InitH, InitC, Out *nn.Linear
	Cell              *nn.LSTMCell
}

// NewAttnDecoder returns the decoder with the workload's sizes.
func NewAttnDecoder(rng *rand.Rand) *AttnDecoder {
	const feat, hidden, att, emb, vocab = 256, 256, 256, 256, 1000
	return &AttnDecoder{
		Emb:   nn.NewEmbedding(rng, vocab, emb),
		Att:   nn.NewAdditiveAttention(rng, hidden, feat, att),
		InitH: nn.NewLinear(rng, feat, hidden),
		InitC: nn.NewLinear(rng, feat, hidden),
		Cell:  nn.NewLSTMCell(rng, emb+feat, hidden),
		Out:   nn.NewLinear(rng, hidden, vocab),
	}
}

// Parameters lists the decoder's parameters.
func (d *AttnDecoder) Parameters() []*dl.Tensor {
	var ps []*dl.Tensor
	for _, m := range []nn.Params{d.Emb, d.Att, d.InitH, d.InitC, d.Cell, d.Out} {
		ps = append(ps, m.Parameters()...)
	}
	return ps
}

// Loss returns the mean cross-entropy of predicting caps[:, 1:] from feats [B, L, D] and
// caps[:, :-1] (caps holds B rows of T+1 token ids).
func (d *AttnDecoder) Loss(feats *dl.Tensor, caps []int, b, t1 int) *dl.Tensor {
	mean := feats.Mean(1)
	h, c := d.InitH.Forward(mean).Tanh(), d.InitC.Forward(mean).Tanh()
	pf := d.Att.ProjectKeys(feats)
	var logits []*dl.Tensor
	targets := make([]int, 0, b*(t1-1))
	ids := make([]int, b)
	for t := range t1 - 1 {
		for i := range b {
			ids[i] = caps[i*t1+t]
			targets = append(targets, caps[i*t1+t+1])
		}
		ctx, _ := d.Att.Attend(h, feats, pf)
		h, c = d.Cell.Step(dl.Concat(1, d.Emb.Lookup(ids, b), ctx), h, c)
		logits = append(logits, d.Out.Forward(h))
	}
	return nn.CrossEntropy(dl.Concat(0, logits...), targets)
}

// AttentionStep returns one training step of the attention workload (batch 32, caption length 16);
// with adam false the step is forward and backward only.
func AttentionStep(adam bool) func() {
	const B, L, D, T, V = 32, 49, 256, 16, 1000
	rng := rand.New(rand.NewPCG(0, 0))
	d := NewAttnDecoder(rng)
	feats := dl.RandN(rng, B, L, D)
	caps := make([]int, B*(T+1))
	for i := range caps {
		caps[i] = rng.IntN(V)
	}
	ps := d.Parameters()
	opt := optim.NewAdam(ps, 1e-3)
	return func() {
		opt.ZeroGrad()
		d.Loss(feats, caps, B, T+1).Backward()
		if adam {
			opt.Step()
		}
	}
}
