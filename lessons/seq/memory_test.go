package seq_test

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/lessons/seq"
)

func TestRecallBatch(t *testing.T) {
	x, y := seq.RecallBatch(rand.New(rand.NewPCG(1, 1)), 5, 3, 4)
	if got := x.Shape(); len(got) != 3 || got[0] != 5 || got[1] != 4 || got[2] != 4 {
		t.Fatalf("shape %v, want [5 4 4]", got)
	}
	for b := range 5 {
		for step := range 4 {
			ones := 0
			for s := range 4 {
				ones += int(x.At(b, step, s))
			}
			if ones != 1 {
				t.Errorf("sequence %d step %d: %d ones, want one-hot", b, step, ones)
			}
		}
		if x.At(b, 0, y[b]) != 1 {
			t.Errorf("sequence %d: answer %d is not the first symbol", b, y[b])
		}
	}
}

// TestRecallSeparatesRNNAndLSTM trains both models at equal parameter counts on a short and a
// long lag: both solve k = 4; at k = 32 the LSTM stays near perfect and the RNN falls behind.
func TestRecallSeparatesRNNAndLSTM(t *testing.T) {
	if testing.Short() {
		t.Skip("trains eight small recurrent models")
	}
	cfg := seq.RecallConfig{Steps: 800}
	ks := []int{4, 32}
	rnn, lstm := seq.RecallCurve("RNN", ks, cfg), seq.RecallCurve("LSTM", ks, cfg)
	t.Logf("k %v: RNN %v, LSTM %v", ks, rnn, lstm)
	if rnn[0] < 0.95 || lstm[0] < 0.95 {
		t.Errorf("k = 4: RNN %.2f, LSTM %.2f; want both ≥ 0.95", rnn[0], lstm[0])
	}
	if lstm[1] < 0.95 || rnn[1] > lstm[1]-0.08 {
		t.Errorf("k = 32: RNN %.2f, LSTM %.2f; want the LSTM ≥ 0.95 and 0.08 above the RNN", rnn[1], lstm[1])
	}
}
