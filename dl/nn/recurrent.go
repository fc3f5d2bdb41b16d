package nn

import (
	"fmt"
	"github.com/deepnb/deepnb/dl/internal/vec"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/gemm"
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

type recKind int

const (
	kindRNN recKind = iota
	kindLSTM
	kindGRU
)

var kindName = [...]string{"RNN", "LSTM", "GRU"}
var kindGates = [...]int{1, 4, 3}

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
func (c *RNNCell) Step(x, h *dl.Tensor) *dl.Tensor {
	_, hT, _ := recurrence(kindRNN, &c.RecurrentWeights, stepInput("RNNCell", x), h, nil, false)
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
	out, h, _ = recurrence(kindRNN, &r.RecurrentWeights, x, h0, nil, true)
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
func (c *LSTMCell) Step(x, h, cell *dl.Tensor) (hNext, cNext *dl.Tensor) {
	_, hT, cT := recurrence(kindLSTM, &c.RecurrentWeights, stepInput("LSTMCell", x), h, cell, false)
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
	return recurrence(kindLSTM, &l.RecurrentWeights, x, h0, c0, true)
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
func (c *GRUCell) Step(x, h *dl.Tensor) *dl.Tensor {
	_, hT, _ := recurrence(kindGRU, &c.RecurrentWeights, stepInput("GRUCell", x), h, nil, false)
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
	out, h, _ = recurrence(kindGRU, &g.RecurrentWeights, x, h0, nil, true)
	return out, h
}

// stepInput checks a cell's input is [B, In] and views it as a sequence [B, 1, In].
func stepInput(op string, x *dl.Tensor) *dl.Tensor {
	if x.Dims() != 2 {
		panic(&dl.ShapeError{Op: op, A: x.Shape(), Msg: "want input [B In]"})
	}
	return x
}

// recurrence runs kind over x ([B, T, In], or [B, In] as one step when seq is false) from h0 and
// c0 (nil means zeros) as one fused op, and returns views of its packed result: the outputs
// [B, T, H] (nil when seq is false), the last hidden state [B, H] and, for LSTM, the last cell
// state [B, H].
func recurrence(kind recKind, w *RecurrentWeights, x, h0, c0 *dl.Tensor, seq bool) (out, hT, cT *dl.Tensor) {
	op := kindName[kind]
	if !seq {
		op += "Cell"
	}
	G := kindGates[kind]
	H := w.WeightHH.Dim(1)
	In := w.WeightIH.Dim(1)
	GH := G * H
	if w.WeightIH.Dims() != 2 || w.WeightIH.Dim(0) != GH || w.WeightHH.Dims() != 2 || w.WeightHH.Dim(0) != GH ||
		w.BiasIH.Dims() != 1 || w.BiasIH.Dim(0) != GH || w.BiasHH.Dims() != 1 || w.BiasHH.Dim(0) != GH {
		panic(&dl.ShapeError{Op: op, A: w.WeightIH.Shape(), B: w.WeightHH.Shape(), Msg: fmt.Sprintf("weights do not fit %d gates", G)})
	}
	var B, T int
	if seq {
		if x.Dims() != 3 || x.Dim(2) != In {
			panic(&dl.ShapeError{Op: op, A: x.Shape(), B: w.WeightIH.Shape(), Msg: fmt.Sprintf("want input [B T %d]", In)})
		}
		B, T = x.Dim(0), x.Dim(1)
	} else {
		if x.Dim(1) != In {
			panic(&dl.ShapeError{Op: op, A: x.Shape(), B: w.WeightIH.Shape(), Msg: fmt.Sprintf("want input [B %d]", In)})
		}
		B, T = x.Dim(0), 1
	}
	if T == 0 {
		panic(&dl.ShapeError{Op: op, A: x.Shape(), Msg: "empty sequence"})
	}
	for _, s := range []*dl.Tensor{h0, c0} {
		if s != nil && (s.Dims() != 2 || s.Dim(0) != B || s.Dim(1) != H) {
			panic(&dl.ShapeError{Op: op, A: s.Shape(), B: []int{B, H}, Msg: "state shape mismatch"})
		}
	}
	if kind != kindLSTM {
		c0 = nil
	}

	BT, BH := B*T, B*H
	xd, wih, whh := x.Data(), w.WeightIH.Data(), w.WeightHH.Data()
	bih, bhh := w.BiasIH.Data(), w.BiasHH.Data()
	var h0d, c0d []float32
	if h0 != nil {
		h0d = h0.Data()
	}
	if c0 != nil {
		c0d = c0.Data()
	}

	// packed = [out (B·T·H) | hT (B·H) | cT (B·H, LSTM only)]
	nPacked := BT*H + BH
	if kind == kindLSTM {
		nPacked += BH
	}
	packed := make([]float32, nPacked)
	outd := packed[:BT*H]

	// acts: the input projection, then the gate activations, [B, T, G·H].
	// Both biases go in here, except for GRU, whose b_hn sits inside r⊙(·) and joins h·W_hhᵀ.
	bsum := append([]float32(nil), bih...)
	if kind != kindGRU {
		for j, v := range bhh {
			bsum[j] += v
		}
	}
	acts := make([]float32, BT*GH)
	for r := 0; r < BT; r++ {
		copy(acts[r*GH:(r+1)*GH], bsum)
	}
	gemm.Sgemm(false, true, BT, GH, In, 1, xd, In, wih, In, 1, acts, GH)

	var cs, tcs, hw []float32 // LSTM: cell states and their tanh; GRU: h·W_hhᵀ + b_hh
	switch kind {
	case kindLSTM:
		cs = make([]float32, BT*H)
		tcs = make([]float32, BT*H)
	case kindGRU:
		hw = make([]float32, BT*GH)
	}
	// hPrev returns the previous hidden state for step t and its row stride, or nil for zeros.
	hPrev := func(t int) ([]float32, int) {
		if t > 0 {
			return outd[(t-1)*H:], T * H
		}
		return h0d, H
	}
	// Each step's h·W_hhᵀ is a GEMM of only B rows. When it is small (a char-level model's
	// 32×128 by 128×512, a few µs), the step is split by batch rows instead: each goroutine
	// multiplies its rows (with SgemmSerial) and applies the gates to them at once, one fork–join
	// per step instead of two and a parallel GEMM even where Sgemm would run it on one core.
	// Larger steps use Sgemm over all rows, which splits the columns across cores.
	fused := T > 1 && B*GH*H <= 4<<20
	// hGemm adds h·W_hhᵀ for m rows of h (stride ldh) into c (stride ldc). Over a sequence it
	// reads W_hhᵀ [H, G·H], transposed once, so that each step's GEMM packs it row by row
	// (faster than packing W_hh transposed on every step).
	hGemm := func(m int, h []float32, ldh int, c []float32, ldc int) {
		gemm.Sgemm(false, true, m, GH, H, 1, h, ldh, whh, H, 1, c, ldc)
	}
	if T > 1 {
		whhT := make([]float32, H*GH)
		for i := 0; i < GH; i++ {
			for j := 0; j < H; j++ {
				whhT[j*GH+i] = whh[i*H+j]
			}
		}
		mm := gemm.Sgemm
		if fused {
			mm = gemm.SgemmSerial
		}
		hGemm = func(m int, h []float32, ldh int, c []float32, ldc int) {
			mm(false, false, m, GH, H, 1, h, ldh, whhT, GH, 1, c, ldc)
		}
	}
	// Rows per goroutine in the elementwise passes: at least 8192 gate values (some µs of work),
	// so that a small step (an RNN of 128 units over a batch of 32) is not split at a loss; fused
	// steps carry their GEMM too, and split at 2048.
	grain := max(1, 8192/GH)
	if fused {
		grain = max(1, 2048/GH)
	}
	for t := 0; t < T; t++ {
		hp, ldh := hPrev(t)
		// rowsGemm adds the hidden-side product of rows [lo, hi) for step t.
		rowsGemm := func(lo, hi int) {
			switch kind {
			case kindGRU:
				for b := lo; b < hi; b++ {
					copy(hw[(b*T+t)*GH:(b*T+t+1)*GH], bhh)
				}
				if hp != nil {
					hGemm(hi-lo, hp[lo*ldh:], ldh, hw[(lo*T+t)*GH:], T*GH)
				}
			default:
				if hp != nil {
					hGemm(hi-lo, hp[lo*ldh:], ldh, acts[(lo*T+t)*GH:], T*GH)
				}
			}
		}
		if !fused {
			rowsGemm(0, B)
		}
		parFor(B, grain, func(lo, hi int) {
			if fused {
				rowsGemm(lo, hi)
			}
			for b := lo; b < hi; b++ {
				r := b*T + t
				a := acts[r*GH : (r+1)*GH]
				h := outd[r*H : (r+1)*H]
				var hp []float32 // previous hidden row, nil for zeros
				if t > 0 {
					hp = outd[(r-1)*H : r*H]
				} else if h0d != nil {
					hp = h0d[b*H : (b+1)*H]
				}
				switch kind {
				case kindRNN:
					logistic(a, a, 2, 2, -1) // tanh
					copy(h, a)
				case kindLSTM:
					var cp []float32
					if t > 0 {
						cp = cs[(r-1)*H : r*H]
					} else if c0d != nil {
						cp = c0d[b*H : (b+1)*H]
					}
					c, tc := cs[r*H:(r+1)*H], tcs[r*H:(r+1)*H]
					logistic(a[:2*H], a[:2*H], 1, 1, 0)        // i, f = σ(·)
					logistic(a[2*H:3*H], a[2*H:3*H], 2, 2, -1) // g = tanh(·)
					logistic(a[3*H:], a[3*H:], 1, 1, 0)        // o = σ(·)
					ai, af, ag := a[:H], a[H:2*H], a[2*H:3*H]
					if cp != nil {
						for j := range c {
							c[j] = af[j]*cp[j] + ai[j]*ag[j]
						}
					} else {
						for j := range c {
							c[j] = ai[j] * ag[j]
						}
					}
					logistic(tc, c, 2, 2, -1) // tanh(c′)
					ao := a[3*H:]
					for j := range h {
						h[j] = ao[j] * tc[j]
					}
				case kindGRU:
					hwr := hw[r*GH : (r+1)*GH]
					for j := 0; j < 2*H; j++ {
						a[j] += hwr[j]
					}
					logistic(a[:2*H], a[:2*H], 1, 1, 0) // r, z = σ(·)
					ar, az, an := a[:H], a[H:2*H], a[2*H:]
					for j := range an {
						an[j] += ar[j] * hwr[2*H+j]
					}
					logistic(an, an, 2, 2, -1) // n = tanh(·)
					for j := range h {
						var hpj float32
						if hp != nil {
							hpj = hp[j]
						}
						h[j] = (1-az[j])*an[j] + az[j]*hpj
					}
				}
			}
		})
	}
	// Last states.
	hTd := packed[BT*H : BT*H+BH]
	for b := 0; b < B; b++ {
		copy(hTd[b*H:(b+1)*H], outd[(b*T+T-1)*H:(b*T+T)*H])
	}
	if kind == kindLSTM {
		cTd := packed[BT*H+BH:]
		for b := 0; b < B; b++ {
			copy(cTd[b*H:(b+1)*H], cs[(b*T+T-1)*H:(b*T+T)*H])
		}
	}

	inputs := []*dl.Tensor{x, w.WeightIH, w.WeightHH, w.BiasIH, w.BiasHH}
	ih0, ic0 := -1, -1
	if h0 != nil {
		ih0 = len(inputs)
		inputs = append(inputs, h0)
	}
	if c0 != nil {
		ic0 = len(inputs)
		inputs = append(inputs, c0)
	}

	backward := func(g []float32, gs [][]float32) {
		gout := g[:BT*H]
		dh := make([]float32, BH)
		copy(dh, g[BT*H:BT*H+BH])
		var dc []float32
		if kind == kindLSTM {
			dc = make([]float32, BH)
			copy(dc, g[BT*H+BH:])
		}
		dA := make([]float32, BT*GH) // pre-activation gradients (input side)
		var dAh []float32            // GRU: hidden-side pre-activation gradients
		if kind == kindGRU {
			dAh = make([]float32, BT*GH)
		}
		needH0 := ih0 >= 0 && gs[ih0] != nil
		// dhGemm sets dh ← dA_t·W_hh (+ the direct GRU path already in dh) for rows [lo, hi), the
		// hidden-state gradient of step t−1.
		dhGemm := func(t, lo, hi int, mm func(bool, bool, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int)) {
			if t > 0 || needH0 {
				src := dA
				beta := float32(0)
				if kind == kindGRU {
					src, beta = dAh, 1
				}
				mm(false, false, hi-lo, H, GH, 1, src[(lo*T+t)*GH:], T*GH, whh, H, beta, dh[lo*H:], H)
			}
		}
		for t := T - 1; t >= 0; t-- {
			parFor(B, grain, func(lo, hi int) {
				if fused {
					defer dhGemm(t, lo, hi, gemm.SgemmSerial)
				}
				for b := lo; b < hi; b++ {
					r := b*T + t
					a := acts[r*GH : (r+1)*GH]
					da := dA[r*GH : (r+1)*GH]
					dhr := dh[b*H : (b+1)*H]
					gr := gout[r*H : (r+1)*H]
					for j := range dhr {
						dhr[j] += gr[j]
					}
					switch kind {
					case kindRNN:
						for j, v := range a {
							da[j] = dhr[j] * (1 - v*v)
						}
					case kindLSTM:
						var cp []float32
						if t > 0 {
							cp = cs[(r-1)*H : r*H]
						} else if c0d != nil {
							cp = c0d[b*H : (b+1)*H]
						}
						tc := tcs[r*H : (r+1)*H]
						dcr := dc[b*H : (b+1)*H]
						ai, af, ag, ao := a[:H], a[H:2*H], a[2*H:3*H], a[3*H:]
						di, df, dg, do := da[:H], da[H:2*H], da[2*H:3*H], da[3*H:]
						for j := range dhr {
							i, f, gg, o := ai[j], af[j], ag[j], ao[j]
							dcj := dcr[j] + dhr[j]*o*(1-tc[j]*tc[j])
							do[j] = dhr[j] * tc[j] * o * (1 - o)
							di[j] = dcj * gg * i * (1 - i)
							dg[j] = dcj * i * (1 - gg*gg)
							if cp != nil {
								df[j] = dcj * cp[j] * f * (1 - f)
							} else {
								df[j] = 0
							}
							dcr[j] = dcj * f
						}
					case kindGRU:
						var hp []float32
						if t > 0 {
							hp = outd[(r-1)*H : r*H]
						} else if h0d != nil {
							hp = h0d[b*H : (b+1)*H]
						}
						hwr := hw[r*GH : (r+1)*GH]
						dah := dAh[r*GH : (r+1)*GH]
						ar, az, an := a[:H], a[H:2*H], a[2*H:]
						for j := range dhr {
							rr, z, n := ar[j], az[j], an[j]
							var hpj float32
							if hp != nil {
								hpj = hp[j]
							}
							dn := dhr[j] * (1 - z) * (1 - n*n)
							dz := dhr[j] * (hpj - n) * z * (1 - z)
							dr := dn * hwr[2*H+j] * rr * (1 - rr)
							da[j], da[H+j], da[2*H+j] = dr, dz, dn
							dah[j], dah[H+j], dah[2*H+j] = dr, dz, dn*rr
							dhr[j] *= z // the direct path h′ = … + z⊙h
						}
					}
				}
			})
			if !fused {
				dhGemm(t, 0, B, gemm.Sgemm)
			}
		}
		if needH0 {
			for i, v := range dh {
				gs[ih0][i] += v
			}
		}
		if ic0 >= 0 && gs[ic0] != nil {
			for i, v := range dc {
				gs[ic0][i] += v
			}
		}
		dAhh := dA
		if kind == kindGRU {
			dAhh = dAh
		}
		needWhh := gs[2] != nil && (T > 1 || h0d != nil)
		// hprev: row b·T+t holds hₜ₋₁ of sequence b (h0, or zeros, for t = 0). For RNN and LSTM,
		// whose input- and hidden-side pre-activation gradients are the same dA, the rows are
		// [xₜ | hₜ₋₁] so that dW_ih and dW_hh come from one GEMM dAᵀ·[X | Hprev], which transposes
		// and packs dA once instead of twice. That pays when there are more rows (B·T) than columns
		// (In + H) to add back from the joint result, as over a sequence, not for one cell step.
		joint := kind != kindGRU && needWhh && gs[1] != nil && BT > In+H
		if needWhh {
			w, off := H, 0
			if joint {
				w, off = In+H, In
			}
			hprev := make([]float32, BT*w)
			for b := 0; b < B; b++ {
				for t := 0; t < T; t++ {
					r := b*T + t
					row := hprev[r*w : (r+1)*w]
					if joint {
						copy(row, xd[r*In:(r+1)*In])
					}
					if t > 0 {
						copy(row[off:], outd[(r-1)*H:r*H])
					} else if h0d != nil {
						copy(row[off:], h0d[b*H:(b+1)*H])
					}
				}
			}
			if joint {
				dw := make([]float32, GH*w)
				gemm.Sgemm(true, false, GH, w, BT, 1, dA, GH, hprev, w, 0, dw, w)
				for i := 0; i < GH; i++ {
					row := dw[i*w : (i+1)*w]
					gi, gh := gs[1][i*In:(i+1)*In], gs[2][i*H:(i+1)*H]
					for j, v := range row[:In] {
						gi[j] += v
					}
					for j, v := range row[In:] {
						gh[j] += v
					}
				}
			} else {
				// dW_hh += Σₜ dAₜᵀ·hₜ₋₁, one GEMM over all steps.
				gemm.Sgemm(true, false, GH, H, BT, 1, dAhh, GH, hprev, H, 1, gs[2], H)
			}
		}
		if gs[1] != nil && !joint {
			gemm.Sgemm(true, false, GH, In, BT, 1, dA, GH, xd, In, 1, gs[1], In)
		}
		if gs[0] != nil {
			gemm.Sgemm(false, false, BT, In, GH, 1, dA, GH, wih, In, 1, gs[0], In)
		}
		switch {
		case gs[3] != nil && gs[4] != nil && kind != kindGRU:
			// The two biases get the same gradient: sum the columns once.
			db := make([]float32, GH)
			colSums(db, dA, BT, GH)
			vec.Axpy(gs[3], db, 1)
			vec.Axpy(gs[4], db, 1)
		default:
			if gs[3] != nil {
				colSums(gs[3], dA, BT, GH)
			}
			if gs[4] != nil {
				colSums(gs[4], dAhh, BT, GH)
			}
		}
	}
	p := dl.Custom(op, packed, []int{nPacked}, backward, inputs...)
	if seq {
		out = view(p, 0, B, T, H)
	}
	hT = view(p, BT*H, B, H)
	if kind == kindLSTM {
		cT = view(p, BT*H+BH, B, H)
	}
	return out, hT, cT
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
