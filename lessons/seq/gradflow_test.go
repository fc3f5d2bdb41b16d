package seq_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/seq"
)

// TestGradFlowOrdering checks, on fixed seeds, the ordering the lecture shows: 30 steps back the
// LSTM's cell keeps orders of magnitude more gradient than the RNN's hidden state; a residual
// perceptron keeps its gradient over 30 layers where a plain one loses it; an RNN with
// recurrent eigenvalues of modulus 1.3 explodes.
func TestGradFlowOrdering(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	ids := make([]int, 3000)
	for i := range ids {
		ids[i] = rng.IntN(40)
	}
	params := seq.RecurrentParams("LSTM", 40, 16, 32)
	rnn := seq.LMGradFlow(seq.NewCharLM("RNN", 1, 40, 16, seq.HiddenForParams("RNN", 40, 16, params)), ids, 40)
	lstm := seq.LMGradFlow(seq.NewCharLM("LSTM", 1, 40, 16, 32), ids, 40)
	if len(rnn.C) != 0 || len(lstm.C) != 40 || len(rnn.H) != 40 {
		t.Fatalf("lengths: RNN H %d C %d, LSTM C %d", len(rnn.H), len(rnn.C), len(lstm.C))
	}
	r30, l30 := rnn.Ratio(30), lstm.C[30]/lstm.C[1]
	if !(l30 > 100*r30) || r30 > 1e-4 {
		t.Errorf("30 steps back: RNN keeps %.3g of its gradient, the LSTM's cell %.3g: want the LSTM ≥ 100× and the RNN < 1e-4", r30, l30)
	}
	plain, res := seq.MLPGradFlow(1, 30, 64, false), seq.MLPGradFlow(1, 30, 64, true)
	if p, r := plain[29]/plain[0], res[29]/res[0]; !(p < 1e-4 && r > 0.5) {
		t.Errorf("30 layers back: plain keeps %.3g, residual %.3g; want < 1e-4 and > 0.5", p, r)
	}
	ex := seq.ExplodingRNN(1, 4, 32, 1.3)
	x := dl.RandN(rng, 8, 40, 4).MulScalar(0.01)
	g := seq.MeasureGradFlow(&ex.RecurrentWeights, x, func(h *dl.Tensor) *dl.Tensor { return h.Sum() })
	if g.Ratio(39) < 100 {
		t.Errorf("exploding RNN: gradient 39 steps back is %.3g× the last, want > 100×", g.Ratio(39))
	}
	c := seq.ClipStep(ex, x, dl.RandN(rng, 8, 32).MulScalar(0.5), 0.1, 1)
	if !(c.GradNorm > 10 && c.Plain > c.Before && c.Clipped < c.Plain && c.ClippedNorm == 1) {
		t.Errorf("clipping: %+v", c)
	}
}

// TestMeasureGradFlowMatchesFiniteDifferences checks one ‖∂L/∂h_t‖ against central differences
// of the loss in each coordinate of h_t, for an RNN and an LSTM.
func TestMeasureGradFlowMatchesFiniteDifferences(t *testing.T) {
	for i, gates := range []int{1, 4} {
		rng := rand.New(rand.NewPCG(2, uint64(gates)))
		var w *nn.RecurrentWeights
		if gates == 1 {
			w = &nn.NewRNN(rng, 3, 5).RecurrentWeights
		} else {
			w = &nn.NewLSTM(rng, 3, 5).RecurrentWeights
		}
		x := dl.RandN(rng, 1, 6, 3)
		proj := dl.RandN(rng, 1, 5)
		loss := func(h *dl.Tensor) *dl.Tensor { return h.Mul(proj).Sum() }
		g := seq.MeasureGradFlow(w, x, loss)
		// Rerun with a perturbation added to h_t at t = 6−1−d.
		const d = 3
		run := func(k int, eps float32) float64 {
			var h, c *dl.Tensor
			for s := range 6 {
				xt := x.Slice(1, s, s+1).Reshape(1, 3)
				if gates == 4 {
					h, c = (&nn.LSTMCell{RecurrentWeights: *w}).Step(xt, h, c)
				} else {
					h = (&nn.RNNCell{RecurrentWeights: *w}).Step(xt, h)
				}
				if s == 6-1-d {
					e := dl.Zeros(1, 5)
					e.Data()[k] = eps
					h = h.Add(e)
				}
			}
			return float64(loss(h).Item())
		}
		ss := 0.0
		for k := range 5 {
			fd := (run(k, 1e-2) - run(k, -1e-2)) / 2e-2
			ss += fd * fd
		}
		if fd := math.Sqrt(ss); math.Abs(fd-g.H[d]) > 1e-3*max(1, fd) {
			t.Errorf("case %d: ‖∂L/∂h‖ %d steps back: autograd %.6g, finite differences %.6g", i, d, g.H[d], fd)
		}
	}
}
