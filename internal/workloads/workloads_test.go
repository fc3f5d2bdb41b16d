package workloads

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// TestParameterCounts checks each model has the size of its PyTorch twin.
func TestParameterCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for i, tc := range []struct {
		name string
		m    nn.Params
		want int
	}{
		{"mlp", MLP(rng), 784*256 + 256 + 256*10 + 10},
		{"cnn", CNN(rng), 16*25 + 16 + 32*16*25 + 32 + 1568*10 + 10},
		{"lstm", NewCharLM(rng, "lstm"), 65*32 + 4*128*(32+128+2) + 128*65 + 65},
		{"rnn", NewCharLM(rng, "rnn"), 65*32 + 128*(32+128+2) + 128*65 + 65},
		// emb + attention (q, k with bias; v without) + init h/c + LSTMCell + out
		{"attention", NewAttnDecoder(rng), 1000*256 + (256*256 + 256) + (256*256 + 256) + 256 +
			2*(256*256+256) + 4*256*(512+256+2) + 256*1000 + 1000},
	} {
		if got := nn.Count(tc.m); got != tc.want {
			t.Errorf("case %d: %s: %d parameters, want %d", i, tc.name, got, tc.want)
		}
	}
}

// TestMLPLearns trains the mlp workload on 200 batches of real MNIST: well above chance.
func TestMLPLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	train, err := datasets.LoadMNIST("train")
	if err != nil {
		t.Fatal(err)
	}
	test, err := datasets.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	m := MLP(rand.New(rand.NewPCG(0, 0)))
	opt := optim.NewSGD(m.Parameters(), 0.1)
	opt.Momentum = 0.9
	res := TrainEpoch(m, opt, train, test.Subset(2000), true, 200)
	if res.TestAcc < 85 {
		t.Errorf("mlp after 200 batches: test accuracy %.1f%%, want ≥ 85%%", res.TestAcc)
	}
}

// TestStepsLowerLoss runs a few steps of each per-step workload; they must run without panics.
func TestStepsRun(t *testing.T) {
	for _, step := range []func(){CharLMStep("lstm"), CharLMStep("rnn"), StyleStep(), AttentionStep(true)} {
		step()
		step()
	}
}

// BenchmarkSGEMM reports SGEMMGFLOPS for bench.sh's sizes, into a preallocated C (into) and
// allocating each result (alloc). dl.MatMul's allocations make the collector run every few
// products at n = 256: the alloc figures show how quickly the product's goroutines let it stop
// them (gemm's preemptible).
func BenchmarkSGEMM(b *testing.B) {
	for _, n := range []int{256, 512, 1024} {
		for _, alloc := range []bool{false, true} {
			name := fmt.Sprintf("into/%d", n)
			if alloc {
				name = fmt.Sprintf("alloc/%d", n)
			}
			b.Run(name, func(b *testing.B) { b.ReportMetric(SGEMMGFLOPS(n, alloc), "GFLOP/s") })
		}
	}
}

// benchStep times step and reports CPU-ms/op beside wall time: on a shared machine the CPU
// time (both cores together) is the steadier figure.
func benchStep(b *testing.B, step func()) {
	step()
	b.ReportAllocs()
	t0 := cpuSeconds()
	for b.Loop() {
		step()
	}
	b.ReportMetric((cpuSeconds()-t0)*1e3/float64(b.N), "cpu-ms/op")
}

// cnnStep is one training step of the cnn workload (Adam, batch 64) on a fixed random batch
// shaped like MNIST's, so that it runs without the data set.
func cnnStep() func() {
	rng := rand.New(rand.NewPCG(0, 0))
	m := CNN(rng)
	opt := optim.NewAdam(m.Parameters(), 1e-3)
	x := dl.RandU(rng, 0, 1, 64, 1, 28, 28)
	y := make([]int, 64)
	for i := range y {
		y[i] = rng.IntN(10)
	}
	return func() {
		opt.ZeroGrad()
		nn.CrossEntropy(m.Forward(x), y).Backward()
		opt.Step()
	}
}

func BenchmarkLSTMStep(b *testing.B)      { benchStep(b, CharLMStep("lstm")) }
func BenchmarkRNNStep(b *testing.B)       { benchStep(b, CharLMStep("rnn")) }
func BenchmarkStyleStep(b *testing.B)     { benchStep(b, StyleStep()) }
func BenchmarkCNNStep(b *testing.B)       { benchStep(b, cnnStep()) }
func BenchmarkAttentionStep(b *testing.B) { benchStep(b, AttentionStep(true)) }

// BenchmarkMLPStep times one training step of the mlp workload (forward, backward and SGD
// with momentum on a batch of 64 MNIST images), the unit of its epoch.
func BenchmarkMLPStep(b *testing.B) {
	train, err := datasets.LoadMNIST("train")
	if err != nil {
		b.Skip(err)
	}
	m := MLP(rand.New(rand.NewPCG(0, 0)))
	opt := optim.NewSGD(m.Parameters(), 0.1)
	opt.Momentum = 0.9
	nn.SetTrain(m, true)
	next, stop := iter.Pull2(train.Batches(64, 1))
	defer stop()
	step := func() {
		x, y, ok := next()
		if !ok {
			stop()
			next, stop = iter.Pull2(train.Batches(64, 1))
			x, y, _ = next()
		}
		opt.ZeroGrad()
		nn.CrossEntropy(m.Forward(x.Reshape(x.Dim(0), -1)), y).Backward()
		opt.Step()
	}
	benchStep(b, step)
}
