package seq_test

import (
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/seq"
)

func TestChecksPassReferenceFailBugs(t *testing.T) {
	for i, tc := range []struct {
		got  seq.CheckResult
		pass bool
		want string
	}{
		{seq.CheckRNNStep(seq.RNNStep), true, "✓ RNN step: 40 cases pass"},
		{seq.CheckRNNStep(func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor { // forgot the bias
			return h.MatMul(Whh.Transpose(0, 1)).Add(x.MatMul(Wxh.Transpose(0, 1))).Tanh()
		}), false, "h′ element"},
		{seq.CheckRNNStep(func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor { // untransposed weight
			return h.MatMul(Whh).Add(x.MatMul(Wxh.Transpose(0, 1))).Add(b).Tanh()
		}), false, "✗ RNN step: case"},
		{seq.CheckLSTMStep(seq.LSTMStep), true, "✓ LSTM step (deck's gate order i f o g): 40 cases pass"},
		{seq.CheckLSTMStep(func(x, h, c, W, b *dl.Tensor) (*dl.Tensor, *dl.Tensor) { // PyTorch's order i f g o
			H := h.Dim(1)
			g := dl.Concat(1, h, x).MatMul(W.Transpose(0, 1)).Add(b).Split(1, H, H, H, H)
			i, f, gg, o := g[0].Sigmoid(), g[1].Sigmoid(), g[2].Tanh(), g[3].Sigmoid()
			cn := f.Mul(c).Add(i.Mul(gg))
			return o.Mul(cn.Tanh()), cn
		}), false, "✗ LSTM step"},
	} {
		if tc.got.Passed != tc.pass || !strings.Contains(tc.got.String(), tc.want) {
			t.Errorf("case %d: got %q (passed %v), want %q", i, tc.got, tc.got.Passed, tc.want)
		}
	}
}

// TestCheckHintsNameTheMistake feeds the step checks the usual wrong versions, on cases aimed
// at one mistake each, and checks that each fails with the hint that names its mistake (or,
// where the case cannot see the mistake, passes).
func TestCheckHintsNameTheMistake(t *testing.T) {
	T := func(t *dl.Tensor) *dl.Tensor { return t.Transpose(0, 1) }
	random := seq.RandomStepCases(5, 1)
	rest := []seq.StepCase{{B: 2, In: 3, H: 2, Seed: 1, ZeroWeights: true}}
	square := []seq.StepCase{{B: 2, In: 3, H: 3, Seed: 2, ZeroX: true, ZeroH: true}}
	rnn := map[string]seq.RNNStepFunc{
		"swapped": func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor {
			return h.MatMul(T(Wxh)).Add(x.MatMul(T(Whh))).Add(b).Tanh()
		},
		"Whh not transposed": func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor {
			return h.MatMul(Whh).Add(x.MatMul(T(Wxh))).Add(b).Tanh()
		},
		"no tanh": func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor {
			return h.MatMul(T(Whh)).Add(x.MatMul(T(Wxh))).Add(b)
		},
		"detached": func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor { return seq.RNNStep(x, h.Detach(), Wxh, Whh, b) },
		"stub":     func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor { panic("exercise rnn is not done yet") },
	}
	lstm := map[string]seq.LSTMStepFunc{
		"order i f g o": func(x, h, c, W, b *dl.Tensor) (*dl.Tensor, *dl.Tensor) {
			H := h.Dim(1)
			g := dl.Concat(1, h, x).MatMul(T(W)).Add(b).Split(1, H, H, H, H)
			i, f, gg, o := g[0].Sigmoid(), g[1].Sigmoid(), g[2].Tanh(), g[3].Sigmoid()
			cn := f.Mul(c).Add(i.Mul(gg))
			return o.Mul(cn.Tanh()), cn
		},
		"no tanh on c′": func(x, h, c, W, b *dl.Tensor) (*dl.Tensor, *dl.Tensor) {
			H := h.Dim(1)
			g := dl.Concat(1, h, x).MatMul(T(W)).Add(b).Split(1, H, H, H, H)
			i, f, o, gg := g[0].Sigmoid(), g[1].Sigmoid(), g[2].Sigmoid(), g[3].Tanh()
			cn := f.Mul(c).Add(i.Mul(gg))
			return o.Mul(cn), cn
		},
		"W not transposed": func(x, h, c, W, b *dl.Tensor) (*dl.Tensor, *dl.Tensor) {
			H := h.Dim(1)
			g := dl.Concat(1, h, x).MatMul(W).Add(b).Split(1, H, H, H, H)
			i, f, o, gg := g[0].Sigmoid(), g[1].Sigmoid(), g[2].Sigmoid(), g[3].Tanh()
			cn := f.Mul(c).Add(i.Mul(gg))
			return o.Mul(cn.Tanh()), cn
		},
	}
	for i, tc := range []struct {
		name  string
		rnn   bool
		cases []seq.StepCase
		pass  bool
		hint  string
	}{
		{"swapped", true, random, false, "W_hh and W_xh are swapped"},
		{"swapped", true, []seq.StepCase{{B: 2, In: 3, H: 3, Seed: 3}}, false, "W_hh and W_xh are swapped"},
		{"swapped", true, square, true, ""},
		{"Whh not transposed", true, []seq.StepCase{{B: 2, In: 3, H: 4, Seed: 3, ZeroX: true}}, false, "transpose W_hh"},
		{"no tanh", true, random, false, "squash the sum with tanh"},
		{"detached", true, random, false, "gradient ∂/∂h is not"},
		{"stub", true, random, false, "replace the panic"},
		{"order i f g o", false, random, false, "the gate order"},
		{"order i f g o", false, rest, true, ""},
		{"no tanh on c′", false, random, false, "squash the new cell state with tanh"},
		{"no tanh on c′", false, rest, false, "squash the new cell state with tanh"},
		{"no tanh on c′", false, []seq.StepCase{{B: 2, In: 3, H: 2, Seed: 4, CellOnly: true, Grads: true}}, true, ""},
		{"W not transposed", false, random, false, "transpose W"},
	} {
		var r seq.CheckResult
		if tc.rnn {
			r = seq.CheckRNNStepCases("RNN", tc.cases, rnn[tc.name])
		} else {
			r = seq.CheckLSTMStepCases("LSTM", tc.cases, lstm[tc.name])
		}
		if r.Passed != tc.pass || !strings.Contains(r.Hint, tc.hint) {
			t.Errorf("case %d (%s): %v, want passed %v and a hint containing %q", i, tc.name, r, tc.pass, tc.hint)
		}
	}
	for _, cases := range [][]seq.StepCase{random, rest, square} {
		if r := seq.CheckRNNStepCases("RNN", cases, seq.RNNStep); !r.Passed {
			t.Errorf("reference RNN step: %v", r)
		}
		if r := seq.CheckLSTMStepCases("LSTM", cases, seq.LSTMStep); !r.Passed {
			t.Errorf("reference LSTM step: %v", r)
		}
	}
}
