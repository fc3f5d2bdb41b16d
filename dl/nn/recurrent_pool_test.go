package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/nn"
)

// TestRecurrentScratchReuse checks that the recurrent layers read none of the pooled buffers
// they take before writing it: with the scratch pool filled with NaN buffers of every size a
// layer asks for, outputs and all gradients (two Backward calls) are bit-identical to a first
// run, for each kind, as a sequence and as one step, with and without initial states, in
// training and in evaluation.
func TestRecurrentScratchReuse(t *testing.T) {
	run := func(kind string, seq, state, eval bool, B, T, In, H int) [][]float32 {
		rng := rand.New(rand.NewPCG(uint64(B), uint64(T)))
		var w nn.RecurrentWeights
		switch kind {
		case "rnn":
			w = nn.NewRNN(rng, In, H).RecurrentWeights
		case "lstm":
			w = nn.NewLSTM(rng, In, H).RecurrentWeights
		default:
			w = nn.NewGRU(rng, In, H).RecurrentWeights
		}
		x := dl.RandN(rng, B, T, In)
		if !seq {
			x = dl.RandN(rng, B, In)
		}
		var h0, c0 *dl.Tensor
		if state {
			h0, c0 = dl.RandN(rng, B, H).SetRequiresGrad(true), dl.RandN(rng, B, H).SetRequiresGrad(true)
		}
		in := x.SetRequiresGrad(true)
		if eval {
			in = x.NoGrad()
		}
		var out, h, c *dl.Tensor
		switch {
		case kind == "rnn" && seq:
			out, h = (&nn.RNN{RecurrentWeights: w}).ForwardState(in, h0)
		case kind == "rnn":
			h = (&nn.RNNCell{RecurrentWeights: w}).Step(in, h0)
		case kind == "lstm" && seq:
			out, h, c = (&nn.LSTM{RecurrentWeights: w}).ForwardState(in, h0, c0)
		case kind == "lstm":
			h, c = (&nn.LSTMCell{RecurrentWeights: w}).Step(in, h0, c0)
		case seq:
			out, h = (&nn.GRU{RecurrentWeights: w}).ForwardState(in, h0)
		default:
			h = (&nn.GRUCell{RecurrentWeights: w}).Step(in, h0)
		}
		var vals [][]float32
		loss := h.Mul(dl.RandN(rng, B, H)).Sum()
		for _, o := range []*dl.Tensor{out, c} {
			if o != nil {
				vals = append(vals, o.Data())
				loss = loss.Add(o.Mul(dl.RandN(rng, o.Shape()...)).Sum())
			}
		}
		vals = append(vals, h.Data())
		if eval {
			return vals
		}
		grads := append([]*dl.Tensor{x}, w.Parameters()...)
		if state {
			grads = append(grads, h0, c0)
		}
		for range 2 {
			loss.Backward()
			for _, g := range grads {
				if g.Grad() != nil {
					vals = append(vals, slices.Clone(g.Grad().Data()))
				}
			}
		}
		return vals
	}
	// poison fills the pool with NaN buffers of every size from 1 to n floats that a layer of
	// these sizes takes (B·T·G·H and the like); the classes round up, so a few sizes cover them.
	poison := func(sizes ...int) {
		var bufs []*[]float32
		for _, n := range sizes {
			for range 4 {
				p := par.GetScratch(n)
				for i := range *p {
					(*p)[i] = float32(math.NaN())
				}
				bufs = append(bufs, p)
			}
		}
		for _, p := range bufs {
			par.PutScratch(p)
		}
	}
	const B, T, In, H = 5, 7, 6, 8
	for _, kind := range []string{"rnn", "lstm", "gru"} {
		for _, seq := range []bool{true, false} {
			for _, state := range []bool{false, true} {
				for _, eval := range []bool{false, true} {
					name := fmt.Sprintf("%s/seq=%v/state=%v/eval=%v", kind, seq, state, eval)
					want := run(kind, seq, state, eval, B, T, In, H)
					var sizes []int
					for _, g := range []int{1, 3, 4} {
						for _, rows := range []int{1, B, B * T} {
							for _, w := range []int{H, In + H} {
								sizes = append(sizes, rows*g*H, rows*w, g*H*w, g*H)
							}
						}
					}
					poison(sizes...)
					got := run(kind, seq, state, eval, B, T, In, H)
					if len(got) != len(want) {
						t.Fatalf("%s: %d results, then %d", name, len(want), len(got))
					}
					for i := range want {
						for j := range want[i] {
							if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
								t.Errorf("%s: result %d[%d] = %v after the pool was poisoned, %v before", name, i, j, got[i][j], want[i][j])
								break
							}
						}
					}
				}
			}
		}
	}
}
