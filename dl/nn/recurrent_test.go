package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/deepnb/deepnb/dl/nn"
)

func rw(wih, whh, bih, bhh []float32) nn.RecurrentWeights {
	g := len(bih)
	return nn.RecurrentWeights{
		WeightIH: dl.New(wih, g, len(wih)/g), WeightHH: dl.New(whh, g, len(whh)/g),
		BiasIH: dl.New(bih, g), BiasHH: dl.New(bhh, g),
	}
}

// TestCellsGolden checks one step of each cell with In = H = 1 against values worked out by
// hand from the equations in the doc comments (the numbers below were computed in float64).
func TestCellsGolden(t *testing.T) {
	x, h, c := dl.New([]float32{1}, 1, 1), dl.New([]float32{0.5}, 1, 1), dl.New([]float32{0.2}, 1, 1)

	// LSTM: a = [0.5 −0.5 1 2]·1 + [0.1 0.2 0.3 0.4]·0.5 + [0.1 0 0 −0.1] = [0.65 −0.4 1.15 2.1];
	// i = σ(0.65) = 0.65701, f = σ(−0.4) = 0.40131, g = tanh(1.15) = 0.81775, o = σ(2.1) = 0.89090;
	// c′ = f·0.2 + i·g = 0.61754, h′ = o·tanh(c′) = 0.48947.
	lstm := &nn.LSTMCell{rw([]float32{0.5, -0.5, 1, 2}, []float32{0.1, 0.2, 0.3, 0.4}, []float32{0, 0, 0, 0}, []float32{0.1, 0, 0, -0.1})}
	h2, c2 := lstm.Step(x, h, c)
	numtest.Close(t, "LSTMCell h", h2.Data(), []float32{0.4894708819208336}, 1e-6, 1e-6)
	numtest.Close(t, "LSTMCell c", c2.Data(), []float32{0.6175354530979087}, 1e-6, 1e-6)

	// GRU: r = σ(0.5 + 0.05 + 0.1) = 0.65701, z = σ(−0.5 + 0.1 + 0.1 + 0) = 0.42556,
	// n = tanh(1 + 0 + r·(0.15 − 0.2)) = 0.74745, h′ = (1 − z)·n + z·0.5 = 0.64215.
	gru := &nn.GRUCell{rw([]float32{0.5, -0.5, 1}, []float32{0.1, 0.2, 0.3}, []float32{0, 0.1, 0}, []float32{0.1, 0, -0.2})}
	numtest.Close(t, "GRUCell h", gru.Step(x, h).Data(), []float32{0.6421452102594237}, 1e-6, 1e-6)

	// RNN: h′ = tanh(0.5 + 0.1·0.5 + 0.1 + 0.2) = 0.69107.
	rnn := &nn.RNNCell{rw([]float32{0.5}, []float32{0.1}, []float32{0.1}, []float32{0.2})}
	numtest.Close(t, "RNNCell h", rnn.Step(x, h).Data(), []float32{0.6910694698329305}, 1e-6, 1e-6)
}

// TestSequenceMatchesCells checks that the sequence layers equal their cells stepped by hand.
func TestSequenceMatchesCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const B, T, In, H = 3, 4, 5, 6
	x := dl.RandN(rng, B, T, In)
	h0, c0 := dl.RandN(rng, B, H), dl.RandN(rng, B, H)
	stepX := func(t int) *dl.Tensor {
		v := make([]float32, B*In)
		for b := 0; b < B; b++ {
			copy(v[b*In:], x.Data()[(b*T+t)*In:(b*T+t+1)*In])
		}
		return dl.New(v, B, In)
	}
	check := func(name string, out *dl.Tensor, hs []*dl.Tensor) {
		t.Helper()
		for ti, h := range hs {
			got := make([]float32, 0, B*H)
			for b := 0; b < B; b++ {
				got = append(got, out.Data()[(b*T+ti)*H:(b*T+ti+1)*H]...)
			}
			numtest.Close(t, name, got, h.Data(), 1e-6, 1e-5)
		}
	}

	lstm := nn.NewLSTM(rng, In, H)
	out, hT, cT := lstm.ForwardState(x, h0, c0)
	cell := &nn.LSTMCell{lstm.RecurrentWeights}
	var hs []*dl.Tensor
	h, c := h0, c0
	for ti := 0; ti < T; ti++ {
		h, c = cell.Step(stepX(ti), h, c)
		hs = append(hs, h)
	}
	check("LSTM", out, hs)
	numtest.Close(t, "LSTM hT", hT.Data(), h.Data(), 1e-6, 1e-5)
	numtest.Close(t, "LSTM cT", cT.Data(), c.Data(), 1e-6, 1e-5)

	gru := nn.NewGRU(rng, In, H)
	out, _ = gru.ForwardState(x, h0)
	gcell := &nn.GRUCell{gru.RecurrentWeights}
	hs, h = nil, h0
	for ti := 0; ti < T; ti++ {
		h = gcell.Step(stepX(ti), h)
		hs = append(hs, h)
	}
	check("GRU", out, hs)

	rnn := nn.NewRNN(rng, In, H)
	out = rnn.Forward(x)
	rcell := &nn.RNNCell{rnn.RecurrentWeights}
	hs, h = nil, nil
	for ti := 0; ti < T; ti++ {
		h = rcell.Step(stepX(ti), h)
		hs = append(hs, h)
	}
	check("RNN", out, hs)
}

func TestRecurrentGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const B, T, In, H = 2, 3, 3, 2
	x := dl.RandN(rng, B, T, In)
	h0, c0 := dl.RandN(rng, B, H), dl.RandN(rng, B, H)
	lstm, gru, rnn := nn.NewLSTM(rng, In, H), nn.NewGRU(rng, In, H), nn.NewRNN(rng, In, H)
	// The final states feed the loss too, so their gradient paths are checked.
	sum := func(ts ...*dl.Tensor) *dl.Tensor {
		// Combine with losses that have their own backward, so the test needs no other ops.
		loss := nn.MSELoss(ts[0], dl.Zeros(ts[0].Shape()...))
		for _, t := range ts[1:] {
			loss = addScalars(loss, nn.MSELoss(t, dl.Full(0.3, t.Shape()...)))
		}
		return loss
	}
	for _, tc := range []struct {
		name string
		f    func(xs ...*dl.Tensor) *dl.Tensor
		xs   []*dl.Tensor
	}{
		{"LSTM", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.LSTM{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			out, h, c := l.ForwardState(xs[0], xs[5], xs[6])
			return sum(out, h, c)
		}, append([]*dl.Tensor{x}, append(lstm.Parameters(), h0, c0)...)},
		{"LSTMZeroState", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.LSTM{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			out, h, c := l.ForwardState(xs[0], nil, nil)
			return sum(out, h, c)
		}, append([]*dl.Tensor{x}, lstm.Parameters()...)},
		{"LSTMWide", func(xs ...*dl.Tensor) *dl.Tensor {
			// H = 9: the gate pass runs 8 lanes of AVX2 plus a scalar tail.
			l := &nn.LSTM{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			out, h, c := l.ForwardState(xs[0], nil, nil)
			return sum(out, h, c)
		}, append([]*dl.Tensor{x}, nn.NewLSTM(rng, In, 9).Parameters()...)},
		{"GRUWide", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.GRU{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			return sum(l.Forward(xs[0]))
		}, append([]*dl.Tensor{x}, nn.NewGRU(rng, In, 9).Parameters()...)},
		{"GRU", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.GRU{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			out, h := l.ForwardState(xs[0], xs[5])
			return sum(out, h)
		}, append([]*dl.Tensor{x}, append(gru.Parameters(), h0)...)},
		{"GRUZeroState", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.GRU{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			return sum(l.Forward(xs[0]))
		}, append([]*dl.Tensor{x}, gru.Parameters()...)},
		{"RNN", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.RNN{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			out, h := l.ForwardState(xs[0], xs[5])
			return sum(out, h)
		}, append([]*dl.Tensor{x}, append(rnn.Parameters(), h0)...)},
		{"LSTMCell", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.LSTMCell{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			h, c := l.Step(xs[0], xs[5], xs[6])
			h, c = l.Step(xs[0], h, c) // two steps: gradients through the states
			return sum(h, c)
		}, append([]*dl.Tensor{dl.RandN(rng, B, In)}, append(lstm.Parameters(), h0, c0)...)},
		{"GRUCell", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.GRUCell{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			return sum(l.Step(xs[0], l.Step(xs[0], xs[5])))
		}, append([]*dl.Tensor{dl.RandN(rng, B, In)}, append(gru.Parameters(), h0)...)},
		{"RNNCell", func(xs ...*dl.Tensor) *dl.Tensor {
			l := &nn.RNNCell{nn.RecurrentWeights{WeightIH: xs[1], WeightHH: xs[2], BiasIH: xs[3], BiasHH: xs[4]}}
			return sum(l.Step(xs[0], l.Step(xs[0], nil)))
		}, append([]*dl.Tensor{dl.RandN(rng, B, In)}, rnn.Parameters()...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			numtest.GradCheck(t, tc.f, tc.xs...)
		})
	}
}

// addScalars adds two one-element tensors with a fused op (dl's Add may not be available to
// every test build; this keeps the recurrent tests self-contained).
func addScalars(a, b *dl.Tensor) *dl.Tensor {
	return dl.Custom("AddScalars", []float32{a.Item() + b.Item()}, nil, func(g []float32, gs [][]float32) {
		if gs[0] != nil {
			gs[0][0] += g[0]
		}
		if gs[1] != nil {
			gs[1][0] += g[0]
		}
	}, a, b)
}

// TestCellStepEvaluationRecordsNothing checks the evaluation rule of the cells' Step: with the
// input marked no-grad and the states nil or a fresh zero state (a plain tensor, not marked),
// a step records no graph and marks its results, and so do the steps after it, although the
// weights require gradients; with an unmarked input the same step records one.
func TestCellStepEvaluationRecordsNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const B, In, H = 3, 4, 5
	lstm, gru, rnn := nn.NewLSTMCell(rng, In, H), nn.NewGRUCell(rng, In, H), nn.NewRNNCell(rng, In, H)
	x := dl.RandN(rng, B, In)
	for _, zero := range []func() *dl.Tensor{func() *dl.Tensor { return nil }, func() *dl.Tensor { return dl.Zeros(B, H) }} {
		for _, eval := range []bool{true, false} {
			in := x
			if eval {
				in = x.NoGrad()
			}
			h, c := lstm.Step(in, zero(), zero())
			hg, hr := gru.Step(in, zero()), rnn.Step(in, zero())
			for range 3 { // later steps from the states the first one returned
				h, c = lstm.Step(in, h, c)
				hg, hr = gru.Step(in, hg), rnn.Step(in, hr)
			}
			for name, v := range map[string]*dl.Tensor{"LSTMCell h": h, "LSTMCell c": c, "GRUCell": hg, "RNNCell": hr} {
				if v.RequiresGrad() == eval || v.IsNoGrad() != eval {
					t.Errorf("%s, marked input %v, zero state %v: records a graph %v, marked %v; want %v, %v",
						name, eval, zero() != nil, v.RequiresGrad(), v.IsNoGrad(), !eval, eval)
				}
			}
		}
	}
}
