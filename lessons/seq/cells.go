package seq

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
)

// CheckResult is the outcome of an exercise check; it prints as one line ("✓ RNN step: 40
// cases pass") or as the first failing case.
type CheckResult struct {
	Name   string
	Passed bool
	Cases  int
	Detail string // the failing case and what differs
}

// String returns the one-line verdict.
func (r CheckResult) String() string {
	if r.Passed {
		return fmt.Sprintf("✓ %s: %d cases pass", r.Name, r.Cases)
	}
	return fmt.Sprintf("✗ %s: case %d fails: %s", r.Name, r.Cases, r.Detail)
}

// RNNStepFunc is the deck's state-space step: h_t = tanh(W_hh·h_{t−1} + W_xh·x_t + b) for a
// batch of rows x [B, In] and h [B, H], with W_xh [H, In], W_hh [H, H] and b [H].
type RNNStepFunc func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor

// RNNStep is the reference RNNStepFunc, written from dl ops:
//
//	h·W_hhᵀ + x·W_xhᵀ + b → tanh
func RNNStep(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor {
	return h.MatMul(Whh.Transpose(0, 1)).Add(x.MatMul(Wxh.Transpose(0, 1))).Add(b).Tanh()
}

// LSTMStepFunc is the deck's LSTM step with one weight W [4H, H+In] applied to [h_{t−1}; x_t]
// and the gates in the deck's order i f o g:
//
//	(i, f, o, g) = (σ, σ, σ, tanh)(W·[h; x] + b),  c′ = f⊙c + i⊙g,  h′ = o⊙tanh(c′)
type LSTMStepFunc func(x, h, c, W, b *dl.Tensor) (hNext, cNext *dl.Tensor)

// LSTMStep is the reference LSTMStepFunc, written from dl ops.
func LSTMStep(x, h, c, W, b *dl.Tensor) (hNext, cNext *dl.Tensor) {
	H := h.Dim(1)
	z := dl.Concat(1, h, x).MatMul(W.Transpose(0, 1)).Add(b) // [B, 4H]
	gates := z.Split(1, H, H, H, H)
	i, f, o, g := gates[0].Sigmoid(), gates[1].Sigmoid(), gates[2].Sigmoid(), gates[3].Tanh()
	cNext = f.Mul(c).Add(i.Mul(g))
	return o.Mul(cNext.Tanh()), cNext
}

// DeckLSTMWeights returns the deck's W [4H, H+In] and b [4H] of an LSTM's weights: dl/nn keeps
// PyTorch's two matrices W_ih [4H, In] and W_hh [4H, H] with the gate blocks in the order
// i f g o, and two biases; the deck has one matrix on [h; x] and the order i f o g. The result is
// built with dl ops, so gradients flow back to w's parameters.
func DeckLSTMWeights(w *nn.RecurrentWeights) (W, b *dl.Tensor) {
	H := w.HiddenSize()
	reorder := func(t *dl.Tensor) *dl.Tensor { // rows i f g o → i f o g
		p := t.Split(0, H, H, H, H)
		return dl.Concat(0, p[0], p[1], p[3], p[2])
	}
	return reorder(dl.Concat(1, w.WeightHH, w.WeightIH)), reorder(w.BiasIH.Add(w.BiasHH))
}

// CheckRNNStep runs f against nn.RNNCell on random sizes and values, comparing the new state
// and the gradients of a loss with respect to x, h and the weights.
func CheckRNNStep(f RNNStepFunc) CheckResult {
	res := CheckResult{Name: "RNN step"}
	rng := rand.New(rand.NewPCG(6, 1))
	for res.Cases = 1; res.Cases <= 40; res.Cases++ {
		B, In, H := 1+rng.IntN(4), 1+rng.IntN(6), 1+rng.IntN(8)
		cell := nn.NewRNNCell(rng, In, H)
		x, h := dl.RandN(rng, B, In).SetRequiresGrad(true), dl.RandN(rng, B, H).SetRequiresGrad(true)
		proj := dl.RandN(rng, B, H)
		want := cell.Step(x, h)
		want.Mul(proj).Sum().Backward()
		wantGrads := grads(x, h, cell.WeightIH, cell.WeightHH, cell.BiasIH)
		x.ZeroGrad()
		h.ZeroGrad()
		Wxh, Whh := cell.WeightIH.Detach().SetRequiresGrad(true), cell.WeightHH.Detach().SetRequiresGrad(true)
		b := cell.BiasIH.Add(cell.BiasHH).Detach().SetRequiresGrad(true)
		var got *dl.Tensor
		if err := dl.Try(func() { got = f(x, h, Wxh, Whh, b) }); err != nil {
			res.Detail = fmt.Sprintf("B=%d In=%d H=%d: %v", B, In, H, err)
			return res
		}
		if d := diff(got, want); d != "" {
			res.Detail = fmt.Sprintf("B=%d In=%d H=%d: h′ %s", B, In, H, d)
			return res
		}
		got.Mul(proj).Sum().Backward()
		for k, name := range []string{"∂/∂x", "∂/∂h", "∂/∂W_xh", "∂/∂W_hh", "∂/∂b"} {
			g := []*dl.Tensor{x, h, Wxh, Whh, b}[k].Grad()
			if d := diff(g, wantGrads[k]); d != "" {
				res.Detail = fmt.Sprintf("B=%d In=%d H=%d: gradient %s %s", B, In, H, name, d)
				return res
			}
		}
	}
	res.Cases--
	res.Passed = true
	return res
}

// CheckLSTMStep runs f, given the deck's weights from DeckLSTMWeights, against nn.LSTMCell on
// random sizes and values, comparing h′, c′ and the gradients with respect to x, h, c and the
// cell's weights.
func CheckLSTMStep(f LSTMStepFunc) CheckResult {
	res := CheckResult{Name: "LSTM step (deck's gate order i f o g)"}
	rng := rand.New(rand.NewPCG(7, 1))
	for res.Cases = 1; res.Cases <= 40; res.Cases++ {
		B, In, H := 1+rng.IntN(4), 1+rng.IntN(6), 1+rng.IntN(8)
		cell := nn.NewLSTMCell(rng, In, H)
		x, h, c := dl.RandN(rng, B, In).SetRequiresGrad(true), dl.RandN(rng, B, H).SetRequiresGrad(true), dl.RandN(rng, B, H).SetRequiresGrad(true)
		ph, pc := dl.RandN(rng, B, H), dl.RandN(rng, B, H)
		wh, wc := cell.Step(x, h, c)
		wh.Mul(ph).Add(wc.Mul(pc)).Sum().Backward()
		ps := append([]*dl.Tensor{x, h, c}, cell.Parameters()...)
		want := grads(ps...)
		for _, p := range ps {
			p.ZeroGrad()
		}
		var gh, gc *dl.Tensor
		if err := dl.Try(func() {
			W, b := DeckLSTMWeights(&cell.RecurrentWeights)
			gh, gc = f(x, h, c, W, b)
		}); err != nil {
			res.Detail = fmt.Sprintf("B=%d In=%d H=%d: %v", B, In, H, err)
			return res
		}
		if d := diff(gh, wh); d != "" {
			res.Detail = fmt.Sprintf("B=%d In=%d H=%d: h′ %s", B, In, H, d)
			return res
		}
		if d := diff(gc, wc); d != "" {
			res.Detail = fmt.Sprintf("B=%d In=%d H=%d: c′ %s", B, In, H, d)
			return res
		}
		gh.Mul(ph).Add(gc.Mul(pc)).Sum().Backward()
		for k, name := range []string{"x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"} {
			if d := diff(ps[k].Grad(), want[k]); d != "" {
				res.Detail = fmt.Sprintf("B=%d In=%d H=%d: gradient ∂/∂%s %s", B, In, H, name, d)
				return res
			}
		}
	}
	res.Cases--
	res.Passed = true
	return res
}

func grads(ts ...*dl.Tensor) []*dl.Tensor {
	out := make([]*dl.Tensor, len(ts))
	for i, t := range ts {
		if t.Grad() != nil {
			out[i] = t.Grad().Clone()
		}
	}
	return out
}

// diff returns "" if got matches want within float32 tolerance, else what differs.
func diff(got, want *dl.Tensor) string {
	switch {
	case got == nil && want == nil:
		return ""
	case got == nil:
		return "is missing"
	case want == nil:
		return "should be absent"
	case fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape()):
		return fmt.Sprintf("has shape %v, want %v", got.Shape(), want.Shape())
	}
	for i, w := range want.Data() {
		g := got.Data()[i]
		if math.Abs(float64(g-w)) > 1e-4*max(1, math.Abs(float64(w))) || math.IsNaN(float64(g)) {
			return fmt.Sprintf("element %d is %.6g, want %.6g", i, g, w)
		}
	}
	return ""
}
