package train_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
)

// synth returns n noisy 1×4×4 images of 4 classes: class c is noise N(0, 0.3²) plus 1 on the
// 2×2 quadrant c. A small MLP separates them almost perfectly.
func synth(n int, seed uint64) *datasets.Set {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*16)
	y := make([]int, n)
	for i := range n {
		c := rng.IntN(4)
		y[i] = c
		r0, c0 := 2*(c/2), 2*(c%2)
		for p := range 16 {
			v := 0.3 * float32(rng.NormFloat64())
			if r, cc := p/4, p%4; r >= r0 && r < r0+2 && cc >= c0 && cc < c0+2 {
				v++
			}
			x[i*16+p] = v
		}
	}
	return &datasets.Set{X: dl.New(x, n, 1, 4, 4), Y: y, Classes: []string{"0", "1", "2", "3"}}
}

// mlp returns Flatten → Linear(in, hidden) → ReLU → Linear(hidden, out), seeded.
func mlp(seed uint64, in, hidden, out int) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, 1))
	return nn.NewSequential(nn.Flatten, nn.NewLinear(rng, in, hidden), nn.ReLU, nn.NewLinear(rng, hidden, out))
}

func sgd(m nn.Module, lr, momentum float32) optim.Optimizer {
	o := optim.NewSGD(m.Parameters(), lr)
	o.Momentum = momentum
	return o
}

// mnist returns the first n training and m test images of MNIST.
func mnist(t *testing.T, n, m int) (trainSet, test *datasets.Set) {
	t.Helper()
	tr, err := datasets.LoadMNIST("train")
	if err != nil {
		t.Fatal(err)
	}
	te, err := datasets.LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	return tr.Subset(n), te.Subset(m)
}

func TestRunLearns(t *testing.T) {
	for i, tc := range []struct {
		name    string
		mnist   bool // real MNIST (skipped under -short) instead of the synthetic set
		hidden  int
		opt     func(nn.Module) optim.Optimizer
		epochs  int
		batch   int
		minTest float64 // least test accuracy after the last epoch
	}{
		{name: "synthetic SGD", hidden: 16, opt: func(m nn.Module) optim.Optimizer { return sgd(m, 0.1, 0.9) }, epochs: 3, batch: 16, minTest: 0.95},
		{name: "synthetic Adam", hidden: 16, opt: func(m nn.Module) optim.Optimizer { return optim.NewAdam(m.Parameters(), 1e-2) }, epochs: 3, batch: 16, minTest: 0.95},
		{name: "MNIST 2000 SGD", mnist: true, hidden: 64, opt: func(m nn.Module) optim.Optimizer { return sgd(m, 0.05, 0.9) }, epochs: 3, batch: 32, minTest: 0.80}, // 0.843 measured
	} {
		var trainSet, test *datasets.Set
		var model nn.Module
		if tc.mnist {
			if testing.Short() {
				t.Logf("case %d: %s: skipped under -short", i, tc.name)
				continue
			}
			trainSet, test = mnist(t, 2000, 1000)
			model = mlp(1, 784, tc.hidden, 10)
		} else {
			trainSet, test = synth(600, 1), synth(200, 2)
			model = mlp(1, 16, tc.hidden, 4)
		}
		before := train.Accuracy(model, test, 100)
		loop := train.Loop{Model: model, Opt: tc.opt(model), Epochs: tc.epochs}
		hist, err := loop.Run(trainSet, test, tc.batch, 1)
		if err != nil {
			t.Fatalf("case %d: %s: Run: %v", i, tc.name, err)
		}
		if len(hist.Epochs) != tc.epochs {
			t.Fatalf("case %d: %s: %d epochs in History, want %d", i, tc.name, len(hist.Epochs), tc.epochs)
		}
		first, last := hist.Epochs[0], hist.Epochs[tc.epochs-1]
		if !(last.Loss < first.Loss) || !(last.Loss < float64(hist.Loss[0])/2) {
			t.Errorf("case %d: %s: loss did not fall: first step %.4f, epoch 1 %.4f, epoch %d %.4f", i, tc.name, hist.Loss[0], first.Loss, tc.epochs, last.Loss)
		}
		if last.TestAccuracy < tc.minTest || last.TestAccuracy <= before {
			t.Errorf("case %d: %s: test accuracy %.4f (before training %.4f), want ≥ %.2f", i, tc.name, last.TestAccuracy, before, tc.minTest)
		}
		if last.TrainAccuracy <= first.TrainAccuracy-0.01 || last.TrainAccuracy < tc.minTest-0.05 {
			t.Errorf("case %d: %s: train accuracy %.4f after epoch 1, %.4f at the end", i, tc.name, first.TrainAccuracy, last.TrainAccuracy)
		}
		if got := train.Accuracy(model, test, 7); got != last.TestAccuracy {
			t.Errorf("case %d: %s: Accuracy in batches of 7 = %.4f, Run measured %.4f", i, tc.name, got, last.TestAccuracy)
		}
	}
}

func TestRunNaNLoss(t *testing.T) {
	for i, tc := range []struct {
		lr     float32
		wantOK bool
	}{
		{lr: 1e12, wantOK: false},
		{lr: 1e-2, wantOK: true},
	} {
		model := mlp(2, 16, 16, 4)
		steps := 0
		loop := train.Loop{Model: model, Opt: sgd(model, tc.lr, 0.9), Epochs: 5, OnStep: func(train.Step) error { steps++; return nil }}
		hist, err := loop.Run(synth(256, 3), nil, 16, 1)
		if tc.wantOK {
			if err != nil {
				t.Errorf("case %d: lr %g: Run: %v", i, tc.lr, err)
			}
			continue
		}
		if !errors.Is(err, train.ErrNaNLoss) {
			t.Fatalf("case %d: lr %g: Run error %v, want one wrapping ErrNaNLoss", i, tc.lr, err)
		}
		if !strings.Contains(err.Error(), "epoch ") || !strings.Contains(err.Error(), "step ") {
			t.Errorf("case %d: lr %g: error %q does not name the epoch and step", i, tc.lr, err)
		}
		if steps != len(hist.Loss) || steps == 0 {
			t.Errorf("case %d: lr %g: %d OnStep calls, %d losses in History, want equal and > 0", i, tc.lr, steps, len(hist.Loss))
		}
		for j, l := range hist.Loss {
			if math.IsNaN(float64(l)) || math.IsInf(float64(l), 0) {
				t.Errorf("case %d: lr %g: History.Loss[%d] = %v: the diverged step was recorded", i, tc.lr, j, l)
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	set := synth(64, 4)
	good := mlp(3, 16, 8, 4)
	wrongIn := mlp(3, 15, 8, 4)  // Linear expects 15 features, the images have 16
	wrongOut := mlp(3, 16, 8, 3) // 3 logits: label 3 is out of range
	seq := nn.NewSequential(nn.Flatten, nn.NewLinear(rand.New(rand.NewPCG(1, 1)), 16, 4))
	smallImages := &datasets.Set{X: dl.Zeros(10, 1, 2, 4), Y: make([]int, 10)} // 8 pixels, not 16
	for i, tc := range []struct {
		name      string
		loop      train.Loop
		batch     int
		test      *datasets.Set
		wantShape bool   // errors.Is(err, dl.ErrShape)
		want      string // substring of the message
	}{
		{name: "input mismatch", loop: train.Loop{Model: wrongIn, Opt: sgd(wrongIn, 0.1, 0)}, batch: 8, wantShape: true, want: "train: epoch 1, step 1: dl: "},
		{name: "label out of range", loop: train.Loop{Model: wrongOut, Opt: sgd(wrongOut, 0.1, 0)}, batch: 8, wantShape: true, want: "epoch 1, step 1"},
		{name: "test set mismatch", loop: train.Loop{Model: seq, Opt: sgd(seq, 0.1, 0)}, batch: 8, test: smallImages, wantShape: true, want: "epoch 1, step 8"}, // 64/8 steps, then the test set fails
		{name: "nil model", loop: train.Loop{Opt: sgd(good, 0.1, 0)}, batch: 8, want: "Model is nil"},
		{name: "nil optimizer", loop: train.Loop{Model: good}, batch: 8, want: "Opt is nil"},
		{name: "batch 0", loop: train.Loop{Model: good, Opt: sgd(good, 0.1, 0)}, batch: 0, want: "batch size 0"},
		{name: "negative epochs", loop: train.Loop{Model: good, Opt: sgd(good, 0.1, 0), Epochs: -1}, batch: 8, want: "Epochs is -1"},
	} {
		_, err := tc.loop.Run(set, tc.test, tc.batch, 1)
		if err == nil {
			t.Errorf("case %d: %s: Run returned no error", i, tc.name)
			continue
		}
		if got := errors.Is(err, dl.ErrShape); got != tc.wantShape {
			t.Errorf("case %d: %s: errors.Is(err, dl.ErrShape) = %v, want %v (err %v)", i, tc.name, got, tc.wantShape, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: %s: error %q, want it to contain %q", i, tc.name, err, tc.want)
		}
	}
	if _, err := (&train.Loop{Model: good, Opt: sgd(good, 0.1, 0)}).Run(synth(64, 4).Subset(0), nil, 8, 1); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty training set: error %v, want one saying it is empty", err)
	}
}

func TestHooks(t *testing.T) {
	for i, tc := range []struct {
		n, batch, epochs, every int
		wantSteps, wantAvg      int // OnStep calls, Every callbacks
	}{
		{n: 100, batch: 16, epochs: 3, every: 3, wantSteps: 21, wantAvg: 9}, // 7 batches: after 3, 6, 7
		{n: 64, batch: 16, epochs: 2, every: 2, wantSteps: 8, wantAvg: 4},   // 4 batches: after 2, 4
		{n: 64, batch: 16, epochs: 2, every: 10, wantSteps: 8, wantAvg: 2},  // only the epoch ends
		{n: 50, batch: 64, epochs: 1, every: 0, wantSteps: 1, wantAvg: 1},   // one short batch; every 0 → 1
	} {
		model := mlp(4, 16, 8, 4)
		var steps []train.Step
		var epochs []train.Epoch
		type avg struct {
			step      int
			loss, acc float64
		}
		var avgs []avg
		every := train.Every(tc.every, func(s train.Step, loss, acc float64) { avgs = append(avgs, avg{s.Step, loss, acc}) })
		loop := train.Loop{
			Model: model, Opt: sgd(model, 0.05, 0), Epochs: tc.epochs,
			OnStep:  func(s train.Step) error { steps = append(steps, s); return every(s) },
			OnEpoch: func(e train.Epoch) error { epochs = append(epochs, e); return nil },
		}
		hist, err := loop.Run(synth(tc.n, 5), synth(20, 6), tc.batch, 9)
		if err != nil {
			t.Fatalf("case %d: Run: %v", i, err)
		}
		if len(steps) != tc.wantSteps || len(hist.Loss) != tc.wantSteps {
			t.Errorf("case %d: %d OnStep calls, %d losses, want %d", i, len(steps), len(hist.Loss), tc.wantSteps)
		}
		if !reflect.DeepEqual(epochs, hist.Epochs) || len(epochs) != tc.epochs {
			t.Errorf("case %d: OnEpoch got %+v, History has %+v, want %d epochs", i, epochs, hist.Epochs, tc.epochs)
		}
		batches := (tc.n + tc.batch - 1) / tc.batch
		total := 0
		correct := make([]int, tc.epochs)
		for j, s := range steps {
			want := train.Step{Epoch: j/batches + 1, Batch: j%batches + 1, Batches: batches, Step: j + 1, Size: min(tc.batch, tc.n-(j%batches)*tc.batch), Loss: hist.Loss[j], Correct: s.Correct}
			if s != want || s.Correct < 0 || s.Correct > s.Size {
				t.Errorf("case %d: step %d: got %+v, want %+v", i, j, s, want)
			}
			total += s.Size
			correct[s.Epoch-1] += s.Correct
			if got, want := s.Epochs(), float64(j/batches)+float64(j%batches+1)/float64(batches); math.Abs(got-want) > 1e-12 {
				t.Errorf("case %d: step %d: Epochs() = %v, want %v", i, j, got, want)
			}
		}
		if total != tc.n*tc.epochs {
			t.Errorf("case %d: %d examples seen, want %d", i, total, tc.n*tc.epochs)
		}
		for e, c := range correct {
			if got, want := hist.Epochs[e].TrainAccuracy, float64(c)/float64(tc.n); got != want {
				t.Errorf("case %d: epoch %d: TrainAccuracy %v, want Σ Correct / n = %v", i, e+1, got, want)
			}
		}
		if len(avgs) != tc.wantAvg {
			t.Fatalf("case %d: %d Every callbacks, want %d", i, len(avgs), tc.wantAvg)
		}
		// Each average is the mean of the losses (and accuracies) since the previous callback.
		prev := 0
		for j, a := range avgs {
			sum, c, n := 0.0, 0, 0
			for _, s := range steps[prev:a.step] {
				sum += float64(s.Loss)
				c += s.Correct
				n += s.Size
			}
			if want := sum / float64(a.step-prev); math.Abs(a.loss-want) > 1e-9 {
				t.Errorf("case %d: average %d at step %d: loss %.6f, want %.6f", i, j, a.step, a.loss, want)
			}
			if want := float64(c) / float64(n); a.acc != want {
				t.Errorf("case %d: average %d at step %d: accuracy %.6f, want %.6f", i, j, a.step, a.acc, want)
			}
			prev = a.step
		}
		if prev != len(hist.Loss) {
			t.Errorf("case %d: last average at step %d, want %d (the end of the run)", i, prev, len(hist.Loss))
		}
	}
}

func TestRunDeterministic(t *testing.T) {
	run := func(seed uint64) train.History {
		model := mlp(5, 16, 16, 4)
		loop := train.Loop{Model: model, Opt: optim.NewAdam(model.Parameters(), 1e-2), Epochs: 2}
		hist, err := loop.Run(synth(300, 7), synth(100, 8), 32, seed)
		if err != nil {
			t.Fatalf("seed %d: Run: %v", seed, err)
		}
		return hist
	}
	for i, tc := range []struct {
		a, b  uint64
		equal bool
	}{
		{a: 1, b: 1, equal: true},
		{a: 0, b: 0, equal: true},
		{a: 1, b: 2, equal: false},
		{a: 0, b: 1, equal: false},
	} {
		ha, hb := run(tc.a), run(tc.b)
		if got := reflect.DeepEqual(ha, hb); got != tc.equal {
			t.Errorf("case %d: seeds %d and %d: histories equal = %v, want %v", i, tc.a, tc.b, got, tc.equal)
		}
	}
}

func TestAccuracy(t *testing.T) {
	// A fixed linear model on 1×1×2 "images": logits = x itself, so the prediction is the larger pixel.
	x := []float32{1, 0, 0, 1, 2, 3, 5, 4, 7, 7}
	set := &datasets.Set{X: dl.New(x, 5, 1, 1, 2), Y: []int{0, 1, 0, 0, 0}}
	id := nn.NewSequential(nn.Flatten)
	for i, tc := range []struct {
		set   *datasets.Set
		batch int
		want  float64
	}{
		{set: set, batch: 1, want: 0.8}, // [2 3] → 1 ≠ 0; the tie [7 7] goes to class 0
		{set: set, batch: 2, want: 0.8},
		{set: set, batch: 100, want: 0.8},
		{set: set.Subset(2), batch: 3, want: 1},
		{set: set.Subset(0), batch: 3, want: 0},
	} {
		if got := train.Accuracy(id, tc.set, tc.batch); got != tc.want {
			t.Errorf("case %d: Accuracy = %v, want %v", i, got, tc.want)
		}
	}
	if err := dl.Try(func() { train.Accuracy(nn.NewSequential(), set, 2) }); !errors.Is(err, dl.ErrShape) {
		t.Errorf("Accuracy of a model with 4-D output: error %v, want one wrapping dl.ErrShape", err)
	}
}

// modeProbe is a model that records, at each Forward, whether gradients were recorded and whether
// it was in training mode.
type modeProbe struct {
	*nn.Sequential
	train bool
	log   [][2]bool // {recording (input not marked no-grad), train}
}

func (m *modeProbe) SetTrain(train bool) { m.train = train; m.Sequential.SetTrain(train) }

func (m *modeProbe) Forward(x *dl.Tensor) *dl.Tensor {
	m.log = append(m.log, [2]bool{!x.IsNoGrad(), m.train})
	return m.Sequential.Forward(x)
}

// TestRunModes checks that every training step runs in training mode, even after a hook has
// evaluated the model, and every evaluation in evaluation mode without gradients.
func TestRunModes(t *testing.T) {
	for i, tc := range []struct {
		evalInHook bool
		test       bool
	}{
		{evalInHook: false, test: false},
		{evalInHook: true, test: true},
	} {
		m := &modeProbe{Sequential: mlp(6, 16, 8, 4)}
		probe := synth(20, 9)
		loop := train.Loop{Model: m, Opt: sgd(m, 0.05, 0), Epochs: 2}
		if tc.evalInHook {
			loop.OnStep = func(train.Step) error { train.Accuracy(m, probe, 10); return nil }
		}
		var test *datasets.Set
		if tc.test {
			test = synth(30, 10)
		}
		if _, err := loop.Run(synth(64, 8), test, 16, 1); err != nil {
			t.Fatalf("case %d: Run: %v", i, err)
		}
		steps, evals := 0, 0
		for j, e := range m.log {
			if e[0] != e[1] {
				t.Errorf("case %d: forward %d: gradients recorded %v in training mode %v", i, j, e[0], e[1])
			}
			if e[0] {
				steps++
			} else {
				evals++
			}
		}
		wantEvals := 0
		if tc.evalInHook {
			wantEvals += 8 * 2 // 2 batches of 10 after each of the 8 steps
		}
		if tc.test {
			wantEvals += 2 // one batch of 30 (EvalBatch 1000) after each epoch
		}
		if steps != 8 || evals != wantEvals {
			t.Errorf("case %d: %d training and %d evaluation forwards, want 8 and %d", i, steps, evals, wantEvals)
		}
		if m.train {
			t.Errorf("case %d: the model is left in training mode", i)
		}
	}
}

// TestHooksStop checks that a hook's error stops training after its step or epoch: ErrStop as
// planned (nil from Run), another error returned wrapped with the epoch and step.
func TestHooksStop(t *testing.T) {
	data := synth(64, 1) // 4 batches of 16 per epoch
	boom := errors.New("over budget")
	for i, tc := range []struct {
		onStep              func(train.Step) error
		onEpoch             func(train.Epoch) error
		wantErr             error // nil: Run returns nil
		wantSteps, wantEpcs int
		wantMsg             string
	}{
		{onStep: func(s train.Step) error {
			if s.Step == 3 {
				return train.ErrStop
			}
			return nil
		}, wantSteps: 3},
		{onEpoch: func(e train.Epoch) error {
			if e.Epoch == 2 {
				return fmt.Errorf("early stopping: %w", train.ErrStop)
			}
			return nil
		}, wantSteps: 8, wantEpcs: 2},
		{onStep: func(s train.Step) error {
			if s.Step == 6 {
				return boom
			}
			return nil
		}, wantErr: boom, wantSteps: 6, wantEpcs: 1, wantMsg: "train: epoch 2, step 6: over budget"},
		{onEpoch: func(train.Epoch) error { return boom }, wantErr: boom, wantSteps: 4, wantEpcs: 1, wantMsg: "train: epoch 1, step 4: over budget"},
	} {
		model := mlp(1, 16, 8, 4)
		loop := train.Loop{Model: model, Opt: sgd(model, 0.1, 0.9), Epochs: 5, OnStep: tc.onStep, OnEpoch: tc.onEpoch}
		hist, err := loop.Run(data, nil, 16, 1)
		if tc.wantErr == nil && err != nil || tc.wantErr != nil && (!errors.Is(err, tc.wantErr) || err.Error() != tc.wantMsg) {
			t.Errorf("case %d: Run error %v, want %v %q", i, err, tc.wantErr, tc.wantMsg)
		}
		if len(hist.Loss) != tc.wantSteps || len(hist.Epochs) != tc.wantEpcs {
			t.Errorf("case %d: %d steps and %d epochs in History, want %d and %d", i, len(hist.Loss), len(hist.Epochs), tc.wantSteps, tc.wantEpcs)
		}
	}
}
