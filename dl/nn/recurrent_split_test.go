package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/deepnb/deepnb/dl/nn"
)

// TestSequenceSplitMatchesCells runs the sequence layers on a batch large enough that each step
// is split across goroutines by batch rows, and checks the outputs and all gradients against the
// same computation stepped cell by cell (one step per op, never split that way).
func TestSequenceSplitMatchesCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const B, T, In, H = 600, 3, 4, 8 // B ≥ 2·2048/(G·H) rows: two chunks per step
	for _, kind := range []string{"LSTM", "GRU", "RNN"} {
		var w nn.RecurrentWeights
		switch kind {
		case "LSTM":
			w = nn.NewLSTM(rng, In, H).RecurrentWeights
		case "GRU":
			w = nn.NewGRU(rng, In, H).RecurrentWeights
		default:
			w = nn.NewRNN(rng, In, H).RecurrentWeights
		}
		x, h0, c0 := dl.RandN(rng, B, T, In), dl.RandN(rng, B, H), dl.RandN(rng, B, H)
		mix := dl.RandN(rng, B, T, H)
		run := func(seq bool) (out *dl.Tensor, grads [][]float32) {
			ps := []*dl.Tensor{w.WeightIH, w.WeightHH, w.BiasIH, w.BiasHH}
			ins := append([]*dl.Tensor{x, h0, c0}, ps...)
			for _, p := range ins {
				p.ZeroGrad()
				p.SetRequiresGrad(true)
			}
			if seq {
				switch kind {
				case "LSTM":
					out, _, _ = (&nn.LSTM{w}).ForwardState(x, h0, c0)
				case "GRU":
					out, _ = (&nn.GRU{w}).ForwardState(x, h0)
				default:
					out, _ = (&nn.RNN{w}).ForwardState(x, h0)
				}
			} else {
				h, c := h0, c0
				var hs []*dl.Tensor
				for ti := 0; ti < T; ti++ {
					xt := x.Slice(1, ti, ti+1).Reshape(B, In)
					switch kind {
					case "LSTM":
						h, c = (&nn.LSTMCell{w}).Step(xt, h, c)
					case "GRU":
						h = (&nn.GRUCell{w}).Step(xt, h)
					default:
						h = (&nn.RNNCell{w}).Step(xt, h)
					}
					hs = append(hs, h.Reshape(B, 1, H))
				}
				out = dl.Concat(1, hs...)
			}
			out.Mul(mix).Sum().Backward()
			for _, p := range ins {
				if p.Grad() == nil {
					grads = append(grads, nil)
					continue
				}
				grads = append(grads, p.Grad().Data())
			}
			return out, grads
		}
		got, gg := run(true)
		want, wg := run(false)
		numtest.Close(t, kind+" out", got.Data(), want.Data(), 1e-5, 1e-4)
		for i := range gg {
			if (gg[i] == nil) != (wg[i] == nil) {
				t.Fatalf("%s: gradient %d present in one run only", kind, i)
			}
			numtest.Close(t, kind+" grad", gg[i], wg[i], 1e-4, 1e-4)
		}
	}
}
