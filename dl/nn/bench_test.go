package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// benchCharModel is the lstm workload of the PyTorch reference benchmark (../shared/bench,
// beside the repository): a character language model with vocab 65, embedding 32, one recurrent layer of hidden 128 and a linear head, on sequences of 64 in
// batches of 32; one iteration is forward + backward + Adam. steps/s = 1e9 / (ns/op).
func benchCharModel(b *testing.B, kind string) {
	const V, E, H, T, B = 65, 32, 128, 64, 32
	rng := rand.New(rand.NewPCG(1, 1))
	emb := nn.NewEmbedding(rng, V, E)
	var rec nn.Module
	if kind == "lstm" {
		rec = nn.NewLSTM(rng, E, H)
	} else {
		rec = nn.NewRNN(rng, E, H)
	}
	head := nn.NewLinear(rng, H, V)
	model := nn.Group{{Name: "embed", M: emb}, {Name: "rnn", M: rec}, {Name: "head", M: head}}
	opt := optim.NewAdam(model.Parameters(), 2e-3)
	ids := make([]int, B*T)
	labels := make([]int, B*T)
	for i := range ids {
		ids[i] = rng.IntN(V)
		labels[i] = rng.IntN(V)
	}
	step := func() {
		opt.ZeroGrad()
		loss := nn.CrossEntropy(head.Forward(rec.Forward(emb.Lookup(ids, B, T))), labels)
		loss.Backward()
		opt.Step()
	}
	step()
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkLSTMCharStep(b *testing.B) { benchCharModel(b, "lstm") }
func BenchmarkRNNCharStep(b *testing.B)  { benchCharModel(b, "rnn") }

// BenchmarkCrossEntropy measures the fused loss forward + backward on [2048, 65].
func BenchmarkCrossEntropy(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := dl.RandN(rng, 2048, 65).SetRequiresGrad(true)
	labels := make([]int, 2048)
	for i := range labels {
		labels[i] = rng.IntN(65)
	}
	b.ReportAllocs()
	for b.Loop() {
		x.ZeroGrad()
		nn.CrossEntropy(x, labels).Backward()
	}
}

// BenchmarkAttentionDecoderStep is the attention workload of the PyTorch reference benchmark
// (../shared/bench, beside the repository): a show-attend-tell decoder over 49 feature vectors of 256 with additive attention (256), an LSTMCell of hidden 256
// over [embedding 256; context 256], vocab 1000, captions of 16, batch 32; one iteration is
// forward + backward + Adam.
func BenchmarkAttentionDecoderStep(b *testing.B) {
	const B, L, D, A, E, H, V, T = 32, 49, 256, 256, 256, 256, 1000, 16
	rng := rand.New(rand.NewPCG(1, 1))
	att := nn.NewAdditiveAttention(rng, H, D, A)
	emb := nn.NewEmbedding(rng, V, E)
	cell := nn.NewLSTMCell(rng, E+D, H)
	head := nn.NewLinear(rng, H, V)
	model := nn.Group{{Name: "att", M: att}, {Name: "embed", M: emb}, {Name: "cell", M: cell}, {Name: "head", M: head}}
	opt := optim.NewAdam(model.Parameters(), 1e-3)
	feats := dl.RandN(rng, B, L, D)
	words := make([][]int, T+1)
	for t := range words {
		words[t] = make([]int, B)
		for i := range words[t] {
			words[t][i] = rng.IntN(V)
		}
	}
	step := func() {
		opt.ZeroGrad()
		keys := att.ProjectKeys(feats)
		var h, c *dl.Tensor = dl.Zeros(B, H), dl.Zeros(B, H)
		var loss *dl.Tensor
		for t := 0; t < T; t++ {
			ctx, _ := att.Attend(h, feats, keys)
			x := dl.Concat(1, emb.Lookup(words[t]), ctx)
			h, c = cell.Step(x, h, c)
			l := nn.CrossEntropy(head.Forward(h), words[t+1])
			if loss == nil {
				loss = l
			} else {
				loss = loss.Add(l)
			}
		}
		loss.MulScalar(1.0 / T).Backward()
		opt.Step()
	}
	step()
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}
