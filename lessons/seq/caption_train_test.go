package seq_test

import (
	"testing"

	"github.com/deepnb/deepnb/datasets/shapes"
	"github.com/deepnb/deepnb/lessons/seq"
)

// TestCaptionerLearnsAndLooks trains a test-sized captioner and checks its floors on held-out
// scenes: BLEU-4, and attention mass inside the named object's box far above the box's share.
func TestCaptionerLearnsAndLooks(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a captioner")
	}
	sp := shapes.NewSplits(shapes.Config{}, 1, 3000, 100, 100)
	m := seq.NewCaptioner(1, shapes.NewVocab().Len())
	if _, err := seq.TrainCaptioner(m, sp.Train, sp.Val, seq.CaptionConfig{Epochs: 4}, nil); err != nil {
		t.Fatal(err)
	}
	var cands, refs [][]string
	for i, d := range m.Greedy(sp.Test) {
		cands = append(cands, d.Words)
		refs = append(refs, sp.Test[i].Caption)
		if len(d.Attention) != len(d.Words) || len(d.Words) > 0 && len(d.Attention[0]) != 256 {
			t.Fatalf("scene %d: %d words, %d attention maps", i, len(d.Words), len(d.Attention))
		}
	}
	bleu := seq.BLEU(cands, refs)
	a := m.MeasureAlignment(sp.Test)
	t.Logf("BLEU-4 %.3f, exact %.2f, attention mass %.2f (chance %.3f, %d words)", bleu, seq.ExactRate(cands, refs), a.Mass, a.Chance, a.Words)
	if bleu < capBLEUFloor || a.Mass < capMassFloor || a.Mass < 2*a.Chance {
		t.Errorf("BLEU-4 %.3f (floor %.2f), attention mass %.3f (floor %.2f, chance %.3f)", bleu, capBLEUFloor, a.Mass, capMassFloor, a.Chance)
	}
	beam := m.Beam(sp.Test[0], 3)
	if len(beam) == 0 || len(beam) > 11 {
		t.Errorf("beam search: %q", beam)
	}
}

// Floors of the test-sized captioner (3000 scenes, 4 epochs) on 100 held-out scenes.
const (
	capBLEUFloor = 0.3
	capMassFloor = 0.15
)
