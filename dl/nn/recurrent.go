package nn

import (
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// RecurrentWeights are the parameters of a recurrent cell or layer with G gate blocks of
// H hidden units each (G = 1 for RNN, 4 for LSTM in the order [i f g o], 3 for GRU in the order
// [r z n]), PyTorch's layout:
//
//	WeightIH [G·H, In]   input-to-hidden weights
//	WeightHH [G·H, H]    hidden-to-hidden weights
//	BiasIH, BiasHH [G·H] the two biases (PyTorch keeps both; for RNN and LSTM only their sum matters)
//
// The constructors draw all four from U(−1/√H, 1/√H), as PyTorch does.
type RecurrentWeights struct {
	WeightIH *dl.Tensor
	WeightHH *dl.Tensor
	BiasIH   *dl.Tensor
	BiasHH   *dl.Tensor
}

// Parameters returns [WeightIH, WeightHH, BiasIH, BiasHH].
func (w *RecurrentWeights) Parameters() []*dl.Tensor {
	return []*dl.Tensor{w.WeightIH, w.WeightHH, w.BiasIH, w.BiasHH}
}

// named returns the four parameters with PyTorch's names and the given suffix ("" for cells,
// "_l0" for one-layer sequence modules).
func (w *RecurrentWeights) named(suffix string) []Named {
	return []Named{
		{"weight_ih" + suffix, w.WeightIH}, {"weight_hh" + suffix, w.WeightHH},
		{"bias_ih" + suffix, w.BiasIH}, {"bias_hh" + suffix, w.BiasHH},
	}
}

// InputSize returns In, the number of input features.
func (w *RecurrentWeights) InputSize() int { return w.WeightIH.Dim(1) }

// HiddenSize returns H, the number of hidden units.
func (w *RecurrentWeights) HiddenSize() int { return w.WeightHH.Dim(1) }

func newRecurrentWeights(op string, rng *rand.Rand, gates, in, hidden int) RecurrentWeights {
	if in <= 0 || hidden <= 0 {
		panic(&dl.ArgError{Op: op, Arg: "sizes", Value: []int{in, hidden}, Msg: "must be positive"})
	}
	b := float32(1 / math.Sqrt(float64(hidden)))
	return RecurrentWeights{
		WeightIH: param(Uniform(rng, b, gates*hidden, in)),
		WeightHH: param(Uniform(rng, b, gates*hidden, hidden)),
		BiasIH:   param(Uniform(rng, b, gates*hidden)),
		BiasHH:   param(Uniform(rng, b, gates*hidden)),
	}
}

// RNNCell is one step of an Elman RNN: h′ = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
// Its parameters are named weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's nn.RNNCell).
type RNNCell struct{ RecurrentWeights }

// NewRNNCell returns an RNNCell from in features to hidden units, initialized from rng.
func NewRNNCell(rng *rand.Rand, in, hidden int) *RNNCell {
	return &RNNCell{newRecurrentWeights("NewRNNCell", rng, 1, in, hidden)}
}

// NamedParameters returns weight_ih, weight_hh, bias_ih and bias_hh.
func (c *RNNCell) NamedParameters() []Named { return c.named("") }

// Step returns the next hidden state [B, H] for input x [B, In] and state h [B, H] (nil means
// zeros). Step panics with a *dl.ShapeError if the shapes do not fit.
//
// For evaluation, mark only the input: with x.NoGrad() and the states nil, a fresh zero state
// (dl.Zeros, unmarked) or an earlier step's results, Step records no graph, although the weights
// require gradients, and marks its results, so that a loop feeding them back records nothing
// either (dl's rule, see dl.Tensor.NoGrad: a marked input and none that records a graph). A state
// that records a graph (from a training step) makes Step record one: Detach or mark it.
func (c *RNNCell) Step(x, h *dl.Tensor) *dl.Tensor {
	_, hT, _ := recurrence(rnnCell{}, &c.RecurrentWeights, stepInput("RNNCell", x), h, nil, false)
	return hT
}

// RNN runs an Elman RNN with tanh over a sequence, batch first:
// hₜ = tanh(xₜ·W_ihᵀ + b_ih + hₜ₋₁·W_hhᵀ + b_hh).
//
// The input projection of all time steps is one GEMM; each step then does one [B,H]×[H,H] GEMM
// and a fused elementwise update; backward (BPTT) mirrors it. Its parameters are named
// weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (PyTorch's one-layer nn.RNN).
type RNN struct{ RecurrentWeights }

// NewRNN returns a one-layer tanh RNN from in features to hidden units, initialized from rng.
func NewRNN(rng *rand.Rand, in, hidden int) *RNN {
	return &RNN{newRecurrentWeights("NewRNN", rng, 1, in, hidden)}
}

// NamedParameters returns weight_ih_l0, weight_hh_l0, bias_ih_l0 and bias_hh_l0.
func (r *RNN) NamedParameters() []Named { return r.named("_l0") }

// Forward returns the hidden states [B, T, H] for x [B, T, In], starting from zeros.
func (r *RNN) Forward(x *dl.Tensor) *dl.Tensor {
	out, _ := r.ForwardState(x, nil)
	return out
}

// ForwardState returns the hidden states out [B, T, H] for x [B, T, In] starting from h0 [B, H]
// (nil means zeros), and the last state h [B, H] = out[:, T−1]. Pass h.Detach() as the next
// batch's h0 for truncated backpropagation through time. ForwardState panics with a
// *dl.ShapeError if the shapes do not fit.
func (r *RNN) ForwardState(x, h0 *dl.Tensor) (out, h *dl.Tensor) {
	out, h, _ = recurrence(rnnCell{}, &r.RecurrentWeights, x, h0, nil, true)
	return out, h
}

// LSTMCell is one step of a long short-term memory cell (Hochreiter and Schmidhuber 1997), with
// the four gates computed from one [B, 4H] pre-activation split as [i f g o]:
//
//	[aᵢ a_f a_g aₒ] = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh
//	i = σ(aᵢ), f = σ(a_f), g = tanh(a_g), o = σ(aₒ)
//	c′ = f⊙c + i⊙g,  h′ = o⊙tanh(c′)
//
// Its parameters are named weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's nn.LSTMCell).
type LSTMCell struct{ RecurrentWeights }

// NewLSTMCell returns an LSTMCell from in features to hidden units, initialized from rng.
func NewLSTMCell(rng *rand.Rand, in, hidden int) *LSTMCell {
	return &LSTMCell{newRecurrentWeights("NewLSTMCell", rng, 4, in, hidden)}
}

// NamedParameters returns weight_ih, weight_hh, bias_ih and bias_hh.
func (c *LSTMCell) NamedParameters() []Named { return c.named("") }

// Step returns the next hidden and cell states [B, H] for input x [B, In] and states h, c [B, H]
// (nil means zeros). Step panics with a *dl.ShapeError if the shapes do not fit.
//
// For evaluation, mark only the input: with x.NoGrad() and the states nil, a fresh zero state
// (dl.Zeros, unmarked) or an earlier step's results, Step records no graph, although the weights
// require gradients, and marks its results, so that a loop feeding them back records nothing
// either (dl's rule, see dl.Tensor.NoGrad: a marked input and none that records a graph). A state
// that records a graph (from a training step) makes Step record one: Detach or mark it.
func (c *LSTMCell) Step(x, h, cell *dl.Tensor) (hNext, cNext *dl.Tensor) {
	_, hT, cT := recurrence(lstmCell{}, &c.RecurrentWeights, stepInput("LSTMCell", x), h, cell, false)
	return hT, cT
}

// LSTM runs an LSTM (see LSTMCell for the equations) over a sequence, batch first.
//
// It is one fused op: the input projection x·W_ihᵀ of all time steps is one GEMM over
// [B·T, In]; each step adds h·W_hhᵀ (one [B,H]×[H,4H] GEMM) and applies the gates in one
// elementwise pass; the backward pass (BPTT) runs the steps in reverse with one GEMM per step
// and computes the weight gradients with one GEMM each over all steps. Its parameters are named
// weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (PyTorch's one-layer nn.LSTM, whose weights
// load unchanged; PyTorch's default layout is time first, so use batch_first=True there).
type LSTM struct{ RecurrentWeights }

// NewLSTM returns a one-layer LSTM from in features to hidden units, initialized from rng.
func NewLSTM(rng *rand.Rand, in, hidden int) *LSTM {
	return &LSTM{newRecurrentWeights("NewLSTM", rng, 4, in, hidden)}
}

// NamedParameters returns weight_ih_l0, weight_hh_l0, bias_ih_l0 and bias_hh_l0.
func (l *LSTM) NamedParameters() []Named { return l.named("_l0") }

// Forward returns the hidden states [B, T, H] for x [B, T, In], starting from zero states.
func (l *LSTM) Forward(x *dl.Tensor) *dl.Tensor {
	out, _, _ := l.ForwardState(x, nil, nil)
	return out
}

// ForwardState returns the hidden states out [B, T, H] for x [B, T, In] starting from h0 and c0
// [B, H] (nil means zeros), and the last hidden and cell states h, c [B, H]. Pass h.Detach() and
// c.Detach() as the next batch's state for truncated backpropagation through time.
// ForwardState panics with a *dl.ShapeError if the shapes do not fit.
func (l *LSTM) ForwardState(x, h0, c0 *dl.Tensor) (out, h, c *dl.Tensor) {
	return recurrence(lstmCell{}, &l.RecurrentWeights, x, h0, c0, true)
}

// GRUCell is one step of a gated recurrent unit (Cho et al. 2014), PyTorch's formulation with
// gates [r z n]:
//
//	r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)
//	z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)
//	n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))
//	h′ = (1 − z)⊙n + z⊙h
//
// Its parameters are named weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's nn.GRUCell).
type GRUCell struct{ RecurrentWeights }

// NewGRUCell returns a GRUCell from in features to hidden units, initialized from rng.
func NewGRUCell(rng *rand.Rand, in, hidden int) *GRUCell {
	return &GRUCell{newRecurrentWeights("NewGRUCell", rng, 3, in, hidden)}
}

// NamedParameters returns weight_ih, weight_hh, bias_ih and bias_hh.
func (c *GRUCell) NamedParameters() []Named { return c.named("") }

// Step returns the next hidden state [B, H] for input x [B, In] and state h [B, H] (nil means
// zeros). Step panics with a *dl.ShapeError if the shapes do not fit.
//
// For evaluation, mark only the input: with x.NoGrad() and the states nil, a fresh zero state
// (dl.Zeros, unmarked) or an earlier step's results, Step records no graph, although the weights
// require gradients, and marks its results, so that a loop feeding them back records nothing
// either (dl's rule, see dl.Tensor.NoGrad: a marked input and none that records a graph). A state
// that records a graph (from a training step) makes Step record one: Detach or mark it.
func (c *GRUCell) Step(x, h *dl.Tensor) *dl.Tensor {
	_, hT, _ := recurrence(gruCell{}, &c.RecurrentWeights, stepInput("GRUCell", x), h, nil, false)
	return hT
}

// GRU runs a GRU (see GRUCell for the equations) over a sequence, batch first, fused as LSTM is.
// Its parameters are named weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (PyTorch's
// one-layer nn.GRU).
type GRU struct{ RecurrentWeights }

// NewGRU returns a one-layer GRU from in features to hidden units, initialized from rng.
func NewGRU(rng *rand.Rand, in, hidden int) *GRU {
	return &GRU{newRecurrentWeights("NewGRU", rng, 3, in, hidden)}
}

// NamedParameters returns weight_ih_l0, weight_hh_l0, bias_ih_l0 and bias_hh_l0.
func (g *GRU) NamedParameters() []Named { return g.named("_l0") }

// Forward returns the hidden states [B, T, H] for x [B, T, In], starting from zeros.
func (g *GRU) Forward(x *dl.Tensor) *dl.Tensor {
	out, _ := g.ForwardState(x, nil)
	return out
}

// ForwardState returns the hidden states out [B, T, H] for x [B, T, In] starting from h0 [B, H]
// (nil means zeros), and the last state h [B, H]. ForwardState panics with a *dl.ShapeError if
// the shapes do not fit.
func (g *GRU) ForwardState(x, h0 *dl.Tensor) (out, h *dl.Tensor) {
	out, h, _ = recurrence(gruCell{}, &g.RecurrentWeights, x, h0, nil, true)
	return out, h
}

// stepInput checks a cell's input is [B, In] and views it as a sequence [B, 1, In].
func stepInput(op string, x *dl.Tensor) *dl.Tensor {
	if x.Dims() != 2 {
		panic(&dl.ShapeError{Op: op, A: x.Shape(), Msg: "want input [B In]"})
	}
	return x
}

// view returns the values of p from off on as a tensor of the given shape, sharing p's memory;
// gradients flow back into that range of p.
func view(p *dl.Tensor, off int, shape ...int) *dl.Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return dl.Custom("View", p.Data()[off:off+n], shape, func(g []float32, gs [][]float32) {
		vec.Axpy(gs[0][off:off+n], g, 1)
	}, p)
}
