package seq

import (
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
)

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
