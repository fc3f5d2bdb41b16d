package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// ErrNaNLoss is matched (errors.Is) by the error Run returns when the loss of a batch is NaN or
// infinite: training has diverged (often a learning rate too large), and stepping on would only
// spread NaNs through the weights.
var ErrNaNLoss = errors.New("train: loss is NaN or infinite")

// ErrStop is what a hook returns to end training early as planned (early stopping, a time
// budget): Run stops after the step or epoch whose hook returned it and returns the History so
// far with a nil error.
var ErrStop = errors.New("train: stop")

// Loop trains a classifier with mini-batch gradient descent. Model, Opt and Run's arguments are
// required; the other fields have documented defaults, so the zero value of each is usable.
type Loop struct {
	// Model maps a batch x [b, C, H, W] to an output the loss takes, e.g. logits [b, classes].
	Model nn.Module
	// Opt updates Model's parameters; it must hold them (optim.NewSGD(model.Parameters(), lr)).
	Opt optim.Optimizer
	// Loss returns the mean loss of a batch as a one-element tensor (default nn.CrossEntropy).
	Loss func(out *dl.Tensor, y []int) *dl.Tensor
	// Epochs is the number of passes over the training set (default 1).
	Epochs int
	// EvalBatch is the batch size of the test-set evaluation after each epoch (default 1000).
	EvalBatch int
	// OnStep, if set, is called after every optimizer step (see Every for averaging). An error
	// stops training after this step (ErrStop: as planned; any other error: Run returns it).
	OnStep func(Step) error
	// OnEpoch, if set, is called after every epoch, once the test accuracy is known. An error
	// stops training after this epoch, as for OnStep.
	OnEpoch func(Epoch) error
}

// Step describes one training step, as passed to Loop.OnStep.
type Step struct {
	Epoch   int     // the epoch, from 1
	Batch   int     // the batch within the epoch, from 1
	Batches int     // the number of batches in an epoch
	Step    int     // the step since Run started, from 1: (Epoch−1)·Batches + Batch
	Size    int     // the number of examples in the batch
	Loss    float32 // the batch's loss, before the step was applied
	// Correct is the number of the batch's examples whose output row had its largest value at the
	// label, before the step (0 when the model's output is not [b, classes]).
	Correct int
}

// Epochs returns how many epochs are done after this step, as a fraction, (Epoch − 1) +
// Batch/Batches: 0.5 halfway through the first epoch, 1 at its end. It is the x axis of a
// loss curve whose ticks are epochs.
func (s Step) Epochs() float64 {
	return float64(s.Epoch-1) + float64(s.Batch)/float64(s.Batches)
}

// Epoch summarises one epoch, as passed to Loop.OnEpoch and kept in History.
type Epoch struct {
	Epoch int // the epoch, from 1
	Steps int // the steps done since Run started, at the end of this epoch
	// Loss is the mean training loss over the epoch's examples (each batch's loss weighted by its
	// size), measured while the weights changed.
	Loss float64
	// TrainAccuracy is the fraction of the epoch's training examples whose output row had its
	// largest value at the label, measured on each batch before its step (0 when the model's
	// output is not [b, classes]).
	TrainAccuracy float64
	// TestAccuracy is Accuracy on the test set after the epoch, in [0, 1] (0 without a test set).
	TestAccuracy float64
}

// History is what Run measured. The same model initialisation, optimizer, data and seed give
// the same History.
type History struct {
	Loss   []float32 // the loss of every step, in order
	Epochs []Epoch   // one entry per completed epoch
}

// epochSeed returns the shuffling seed of epoch e (from 1): seed itself for the first epoch,
// then distinct seeds derived from it; 0 stays 0 (datasets' "keep the order").
func epochSeed(seed uint64, e int) uint64 {
	if seed == 0 {
		return 0
	}
	return seed + uint64(e-1)*0x9e3779b97f4a7c15
}

// Run trains l.Model for l.Epochs epochs over trainSet in mini-batches of batch examples,
// shuffled with seed (a different order each epoch, derived from seed; 0 keeps the set's order),
// and after each epoch measures the accuracy on test (which may be nil). Each step is
//
//	Opt.ZeroGrad();  L = Loss(Model.Forward(x), y);  L.Backward();  Opt.Step()
//
// Run switches the model to training mode (nn.SetTrain) before every step, so hooks may evaluate
// it (Accuracy switches to evaluation mode), and leaves it in evaluation mode.
//
// Run returns the History so far and an error:
//   - wrapping ErrNaNLoss if a batch's loss is NaN or ±Inf, naming the epoch and step; that
//     batch's step is not applied, and OnStep is not called for it;
//   - wrapping the error a hook returned, naming the epoch and step (nil for ErrStop, which ends
//     training early as planned);
//   - wrapping the value dl panicked with (recovered by dl.Try, so errors.Is(err, dl.ErrShape)
//     holds for a model whose layers do not fit the data), naming the epoch and step;
//   - if the Loop is invalid: Model or Opt nil, batch < 1, Epochs < 0, or an empty trainSet.
//
// Panics that are not errors (in a hook, say) are not recovered.
func (l *Loop) Run(trainSet, test *datasets.Set, batch int, seed uint64) (History, error) {
	var hist History
	switch {
	case l.Model == nil:
		return hist, errors.New("train: Loop.Model is nil")
	case l.Opt == nil:
		return hist, errors.New("train: Loop.Opt is nil")
	case batch < 1:
		return hist, fmt.Errorf("train: batch size %d, want at least 1", batch)
	case l.Epochs < 0:
		return hist, fmt.Errorf("train: Loop.Epochs is %d, want 0 (one epoch) or more", l.Epochs)
	case trainSet == nil || trainSet.Len() == 0:
		return hist, errors.New("train: the training set is empty")
	}
	lossFn := l.Loss
	if lossFn == nil {
		lossFn = nn.CrossEntropy
	}
	epochs := max(l.Epochs, 1)
	evalBatch := l.EvalBatch
	if evalBatch < 1 {
		evalBatch = 1000
	}
	batches := (trainSet.Len() + batch - 1) / batch

	var epoch, step int
	var nanErr, hookErr error
	defer nn.SetTrain(l.Model, false)
	err := dl.Try(func() {
		for epoch = 1; epoch <= epochs; epoch++ {
			var sum float64
			var seen, correct, b int
			for x, y := range trainSet.Batches(batch, epochSeed(seed, epoch)) {
				b++
				step++
				nn.SetTrain(l.Model, true)
				l.Opt.ZeroGrad()
				out := l.Model.Forward(x)
				loss := lossFn(out, y)
				v := loss.Item()
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					nanErr = fmt.Errorf("%w: %v at epoch %d, step %d (batch %d of %d)", ErrNaNLoss, v, epoch, step, b, batches)
					return
				}
				loss.Backward()
				l.Opt.Step()
				c := countCorrect(out, y)
				correct += c
				sum += float64(v) * float64(len(y))
				seen += len(y)
				hist.Loss = append(hist.Loss, v)
				if l.OnStep != nil {
					if hookErr = l.OnStep(Step{Epoch: epoch, Batch: b, Batches: batches, Step: step, Size: len(y), Loss: v, Correct: c}); hookErr != nil {
						return
					}
				}
			}
			e := Epoch{Epoch: epoch, Steps: step, Loss: sum / float64(seen), TrainAccuracy: float64(correct) / float64(seen)}
			if test != nil {
				e.TestAccuracy = Accuracy(l.Model, test, evalBatch)
			}
			hist.Epochs = append(hist.Epochs, e)
			if l.OnEpoch != nil {
				if hookErr = l.OnEpoch(e); hookErr != nil {
					return
				}
			}
		}
	})
	if nanErr != nil {
		return hist, nanErr
	}
	if errors.Is(hookErr, ErrStop) {
		return hist, nil
	}
	if hookErr != nil {
		return hist, fmt.Errorf("train: epoch %d, step %d: %w", epoch, step, hookErr)
	}
	if err != nil {
		return hist, fmt.Errorf("train: epoch %d, step %d: %w", epoch, step, err)
	}
	return hist, nil
}

// countCorrect returns how many rows of out [b, classes] have their largest value at the label,
// or 0 if out is not of that shape.
func countCorrect(out *dl.Tensor, y []int) int {
	if out.Dims() != 2 || out.Dim(0) != len(y) {
		return 0
	}
	n := 0
	for i, p := range out.ArgMax(1) {
		if p == y[i] {
			n++
		}
	}
	return n
}

// Accuracy returns the fraction of s's examples, in [0, 1], for which model's output row
// [classes] has its largest value at the label (ties go to the first class), evaluated in order
// in batches of batch examples marked no-grad (dl.Tensor.NoGrad). It switches the model to evaluation mode
// (nn.SetTrain) and leaves it there. An empty set has accuracy 0.
//
// Accuracy panics if batch < 1, and with a *dl.ShapeError if the model's output is not [b,
// classes] (or if the model panics); inside Loop.Run these panics become errors.
func Accuracy(model nn.Module, s *datasets.Set, batch int) float64 {
	if batch < 1 {
		panic("train: Accuracy: batch size must be at least 1")
	}
	if s.Len() == 0 {
		return 0
	}
	nn.SetTrain(model, false)
	correct := 0
	for x, y := range s.Batches(batch, 0) {
		out := model.Forward(x.NoGrad())
		if out.Dims() != 2 || out.Dim(0) != len(y) {
			panic(&dl.ShapeError{Op: "train.Accuracy", A: out.Shape(), Msg: fmt.Sprintf("want the model's output [%d, classes], got", len(y))})
		}
		correct += countCorrect(out, y)
	}
	return float64(correct) / float64(s.Len())
}

// Every returns an OnStep hook that calls f every n steps with the mean loss of those steps and
// their training accuracy (the fraction of their examples classified right, Σ Correct / Σ Size),
// and at the end of each epoch with the means of the steps left over, so that a live curve is
// smooth and ends where the epoch ends. s is the last step averaged (use s.Epochs() or s.Step for
// the x axis). n < 1 is taken as 1.
//
// Package train does not import widgets; widgets/trainview wires a live chart and a progress
// bar to a Loop with Every, or a notebook does it in one line:
//
//	loop.OnStep = train.Every(50, func(s train.Step, loss, acc float64) { m.Add(s.Epochs(), widgets.Values{"train loss": loss}) })
//
// The hook Every returns never stops training (it returns nil).
func Every(n int, f func(s Step, loss, accuracy float64)) func(Step) error {
	n = max(n, 1)
	var sum float64
	var k, correct, seen int
	return func(s Step) error {
		sum += float64(s.Loss)
		correct += s.Correct
		seen += s.Size
		k++
		if k == n || s.Batch == s.Batches {
			acc := 0.0
			if seen > 0 {
				acc = float64(correct) / float64(seen)
			}
			f(s, sum/float64(k), acc)
			sum, k, correct, seen = 0, 0, 0, 0
		}
		return nil
	}
}
