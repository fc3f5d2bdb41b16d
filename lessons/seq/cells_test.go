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
