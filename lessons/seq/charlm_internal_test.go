package seq

import "testing"

// TestCharLMEvaluationRecordsNothing checks that the evaluation path (BitsPerChar, Sample)
// records no graph, from a zero state and from a carried one, for both kinds, while training's
// Forward does.
func TestCharLMEvaluationRecordsNothing(t *testing.T) {
	ids := []int{1, 2, 3, 4, 5, 6}
	for _, kind := range []string{"RNN", "LSTM"} {
		m := NewCharLM(kind, 1, 8, 4, 5)
		logits, s := m.forward(ids, 2, 3, State{}, true)
		if !logits.IsNoGrad() || !s.H.IsNoGrad() {
			t.Errorf("%s eval from zeros: logits no-grad %v, state %v; want both", kind, logits.IsNoGrad(), s.H.IsNoGrad())
		}
		logits, s = m.forward(ids, 2, 3, s, true)
		if !logits.IsNoGrad() || !s.H.IsNoGrad() || (kind == "LSTM" && !s.C.IsNoGrad()) {
			t.Errorf("%s eval from a carried state: logits no-grad %v, state %v", kind, logits.IsNoGrad(), s.H.IsNoGrad())
		}
		if logits, _ := m.Forward(ids, 2, 3, State{}); logits.IsNoGrad() {
			t.Errorf("%s: training's Forward is marked no-grad", kind)
		}
	}
}
