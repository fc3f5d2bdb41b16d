package seq_test

import (
	"math"
	"testing"

	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/seq"
)

func TestCorpusAndSizes(t *testing.T) {
	c := seq.NewCorpus([]byte("abracadabra"), 0.25)
	if string(c.Alphabet) != "abcdr" || len(c.Train) != 9 || len(c.Val) != 2 {
		t.Fatalf("alphabet %q, train %d, val %d", c.Alphabet, len(c.Train), len(c.Val))
	}
	if got := c.Decode(c.Encode("cab?")); got != "cab" {
		t.Errorf("round trip: %q", got)
	}
	for i, tc := range []struct {
		kind          string
		vocab, hidden int
	}{{"RNN", 93, 118}, {"LSTM", 93, 64}, {"LSTM", 5, 3}} {
		m := seq.NewCharLM(tc.kind, 1, tc.vocab, 16, tc.hidden)
		if got, want := nn.Count(m), seq.RecurrentParams(tc.kind, tc.vocab, 16, tc.hidden); got != want {
			t.Errorf("case %d: %s has %d parameters, RecurrentParams says %d", i, tc.kind, got, want)
		}
	}
	p := seq.RecurrentParams("LSTM", 93, 16, 64)
	h := seq.HiddenForParams("RNN", 93, 16, p)
	if d := math.Abs(float64(seq.RecurrentParams("RNN", 93, 16, h)-p)) / float64(p); d > 0.01 {
		t.Errorf("RNN of %d units: %.1f%% off the LSTM's %d parameters", h, 100*d, p)
	}
}

// TestCharLMLearnsOpticks trains both models briefly on Newton's Opticks: the held-out bits per
// character fall well below the uniform log₂|alphabet|, and sampling is deterministic per seed.
func TestCharLMLearnsOpticks(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two language models")
	}
	c, err := seq.LoadOpticks(0.1)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"RNN", "LSTM"} {
		h := 48
		if kind == "RNN" {
			h = seq.HiddenForParams("RNN", c.Len(), 16, seq.RecurrentParams("LSTM", c.Len(), 16, 48))
		}
		m := seq.NewCharLM(kind, 1, c.Len(), 16, h)
		uniform := math.Log2(float64(c.Len()))
		before := seq.BitsPerChar(m, c.Val[:5000])
		hist, err := seq.TrainLM(m, c, seq.LMConfig{Steps: 300, EvalChars: 5000, LR: 1e-2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		after := hist[len(hist)-1].ValBits
		if !(before > uniform-0.5 && after < uniform-2.5) {
			t.Errorf("%s: held-out bits/char %.2f before, %.2f after 300 steps (uniform %.2f)", kind, before, after, uniform)
		}
		if a, b := m.Sample(c, "Light ", 50, 0.8, 3), m.Sample(c, "Light ", 50, 0.8, 3); a != b || len(a) != 50 {
			t.Errorf("%s: samples %q and %q", kind, a, b)
		}
	}
}
