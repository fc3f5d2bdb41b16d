package regress

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/lessons/stats"
)

// Split shuffles t's rows with a generator seeded by seed and returns the first
// round(testFrac·n) as the held-out set and the rest for training. It panics unless
// 0 < testFrac < 1.
func Split(t *datasets.Table, testFrac float64, seed uint64) (trainSet, test *datasets.Table) {
	if !(testFrac > 0 && testFrac < 1) {
		panic(fmt.Sprintf("regress.Split: testFrac %v, want 0 < testFrac < 1", testFrac))
	}
	perm := rand.New(rand.NewPCG(seed, 7)).Perm(t.Len())
	nTest := int(math.Round(testFrac * float64(t.Len())))
	pick := func(idx []int) *datasets.Table {
		s := &datasets.Table{Features: t.Features, Target: t.Target}
		for _, i := range idx {
			s.X = append(s.X, t.X[i])
			s.Y = append(s.Y, t.Y[i])
		}
		return s
	}
	return pick(perm[nTest:]), pick(perm[:nTest])
}

// Scaler standardises features and target with the training set's means and standard
// deviations, so that gradient descent sees every input on the same scale.
type Scaler struct {
	Mean, Std   []float64 // per feature
	YMean, YStd float64
}

// FitScaler returns the Scaler of t's columns and target.
func FitScaler(t *datasets.Table) Scaler {
	d := len(t.Features)
	s := Scaler{Mean: make([]float64, d), Std: make([]float64, d)}
	for j := range d {
		col := make([]float64, t.Len())
		for i, r := range t.X {
			col[i] = r[j]
		}
		s.Mean[j], s.Std[j] = stats.MeanStd(col)
	}
	s.YMean, s.YStd = stats.MeanStd(t.Y)
	return s
}

// X returns t's standardised features as a [n, d] tensor.
func (s Scaler) X(t *datasets.Table) *dl.Tensor {
	d := len(s.Mean)
	out := make([]float32, 0, t.Len()*d)
	for _, r := range t.X {
		for j, v := range r {
			out = append(out, float32((v-s.Mean[j])/s.Std[j]))
		}
	}
	return dl.New(out, t.Len(), d)
}

// Y returns t's standardised targets as a [n, 1] tensor.
func (s Scaler) Y(t *datasets.Table) *dl.Tensor {
	out := make([]float32, t.Len())
	for i, v := range t.Y {
		out[i] = float32((v - s.YMean) / s.YStd)
	}
	return dl.New(out, t.Len(), 1)
}

// Unscale maps standardised predictions [n, 1] back to the target's units.
func (s Scaler) Unscale(pred *dl.Tensor) []float64 {
	out := make([]float64, pred.Len())
	for i, v := range pred.Data() {
		out[i] = float64(v)*s.YStd + s.YMean
	}
	return out
}

// Linear is a linear model in the data's own units: y ≈ X·W + B.
type Linear struct {
	W []float64
	B float64
}

// Predict returns the model's prediction for each row of t.
func (m Linear) Predict(t *datasets.Table) []float64 {
	out := make([]float64, t.Len())
	for i, r := range t.X {
		out[i] = m.B
		for j, v := range r {
			out[i] += m.W[j] * v
		}
	}
	return out
}

// LeastSquares returns the exact least-squares fit of t (the minimiser of Σ(y − X·w − b)²),
// solved in float64 by gonum's QR factorisation of [X 1].
func LeastSquares(t *datasets.Table) (Linear, error) {
	n, d := t.Len(), len(t.Features)
	a := mat.NewDense(n, d+1, nil)
	for i, r := range t.X {
		for j, v := range r {
			a.Set(i, j, v)
		}
		a.Set(i, d, 1)
	}
	var qr mat.QR
	qr.Factorize(a)
	var w mat.Dense
	if err := qr.SolveTo(&w, false, mat.NewDense(n, 1, append([]float64(nil), t.Y...))); err != nil {
		return Linear{}, fmt.Errorf("regress: least squares: %w", err)
	}
	m := Linear{W: make([]float64, d), B: w.At(d, 0)}
	for j := range d {
		m.W[j] = w.At(j, 0)
	}
	return m, nil
}

// FitLinear trains a dl linear layer on t's standardised data by minimising the mean squared
// error with full-batch L-BFGS, and returns it converted back to the data's units. Mean squared
// error is convex in the weights, so it converges to LeastSquares' solution; steps is the number
// of L-BFGS steps (each up to 20 iterations).
func FitLinear(t *datasets.Table, s Scaler, steps int, seed uint64) Linear {
	x, y := s.X(t), s.Y(t)
	lin := nn.NewLinear(rand.New(rand.NewPCG(seed, 1)), len(s.Mean), 1)
	opt := optim.NewLBFGS(lin.Parameters())
	opt.TolGrad = 1e-9
	for range steps {
		opt.Step(func() float32 {
			opt.ZeroGrad()
			loss := nn.MSELoss(lin.Forward(x), y)
			loss.Backward()
			return loss.Item()
		})
	}
	// ŷ = s.YStd·(Σ wⱼ (xⱼ − μⱼ)/σⱼ + b) + s.YMean
	m := Linear{W: make([]float64, len(s.Mean)), B: s.YMean + s.YStd*float64(lin.Bias.Data()[0])}
	for j, w := range lin.Weight.Data() {
		m.W[j] = s.YStd * float64(w) / s.Std[j]
		m.B -= m.W[j] * s.Mean[j]
	}
	return m
}

// NewMLP returns a multilayer perceptron with d inputs, one hidden ReLU layer of the given
// width and one output, initialised from seed.
func NewMLP(d, hidden int, seed uint64) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, 1))
	return nn.NewSequential(nn.NewLinear(rng, d, hidden), nn.ReLU, nn.NewLinear(rng, hidden, 1))
}

// FitMLP trains mlp on t's standardised data with full-batch Adam (learning rate lr, decoupled
// weight decay wd) for the given number of steps, and returns the mean squared error of each
// step in standardised units.
func FitMLP(mlp *nn.Sequential, t *datasets.Table, s Scaler, steps int, lr, wd float32) []float64 {
	x, y := s.X(t), s.Y(t)
	opt := optim.NewAdamW(mlp.Parameters(), lr, wd)
	losses := make([]float64, steps)
	for i := range steps {
		opt.ZeroGrad()
		loss := nn.MSELoss(mlp.Forward(x), y)
		loss.Backward()
		opt.Step()
		losses[i] = float64(loss.Item())
	}
	return losses
}

// PredictMLP returns mlp's predictions for t's rows, in the target's units.
func PredictMLP(mlp nn.Module, t *datasets.Table, s Scaler) []float64 {
	var out []float64
	out = s.Unscale(mlp.Forward(s.X(t).NoGrad()))
	return out
}

// R2 returns the coefficient of determination 1 − Σ(y − ŷ)²/Σ(y − ȳ)² of the predictions pred
// for the targets y: 1 is perfect, 0 is as good as predicting the mean. It panics if the lengths
// differ.
func R2(pred, y []float64) float64 {
	if len(pred) != len(y) {
		panic(fmt.Sprintf("regress.R2: %d predictions for %d targets", len(pred), len(y)))
	}
	m, _ := stats.MeanStd(y)
	var res, tot float64
	for i := range y {
		res += (y[i] - pred[i]) * (y[i] - pred[i])
		tot += (y[i] - m) * (y[i] - m)
	}
	return 1 - res/tot
}

// MaxRelDiff returns max |a − b| / max |b| over the weights and bias of two linear models: how
// far a is from the reference b.
func MaxRelDiff(a, b Linear) float64 {
	scale, diff := math.Abs(b.B), math.Abs(a.B-b.B)
	for j := range b.W {
		scale = max(scale, math.Abs(b.W[j]))
		diff = max(diff, math.Abs(a.W[j]-b.W[j]))
	}
	return diff / scale
}
