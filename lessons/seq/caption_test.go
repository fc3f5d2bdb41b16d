package seq_test

import (
	"image"
	"math"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/lessons/seq"
)

func split(ss ...string) [][]string {
	out := make([][]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Fields(s)
	}
	return out
}

// TestBLEUMatchesNLTK compares BLEU with NLTK 3.8's corpus_bleu (default weights) on corpora
// whose candidates all have at least four words; the values were computed with
// nltk.translate.bleu_score.corpus_bleu. (For shorter candidates NLTK counts one 4-gram
// where there is none, max(1, count); BLEU follows Papineni et al. and multi-bleu.perl, as the
// hand-computed case shows.)
func TestBLEUMatchesNLTK(t *testing.T) {
	refs := split("a red circle left of a blue square", "a green triangle above a red square",
		"a red circle , a blue square and a green triangle", "a yellow square above a red circle")
	for i, tc := range []struct {
		cands [][]string
		want  float64
	}{
		{split("a red circle left of a blue circle", "a green triangle below a red square", "a red circle , a blue square and a green square", "a yellow square below a red circle"), 0.7058689035043353},
		{split("a red circle left of", "a green triangle above a red square", "a red circle , a blue square", "a yellow square above a"), 0.6872892787909722},
		{refs, 1},
	} {
		if got := seq.BLEU(tc.cands, refs); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("case %d: BLEU %.15f, NLTK %.15f", i, got, tc.want)
		}
	}
	// By hand: "a red circle" against "a red circle left of a blue square" and "a b c d" against
	// itself: 1-grams 7/7, 2-grams 5/5, 3-grams 3/3, 4-grams 1/1, c = 7, r = 12: BLEU = e^(1−12/7).
	if got, want := seq.BLEU(split("a red circle", "a b c d"), split("a red circle left of a blue square", "a b c d")), math.Exp(1-12.0/7); math.Abs(got-want) > 1e-12 {
		t.Errorf("short candidate: BLEU %.15f, want %.15f", got, want)
	}
	if got := seq.BLEU(split("a red circle"), split("a red circle")); got != 0 {
		t.Errorf("no 4-grams at all: BLEU %v, want 0", got)
	}
	if got := seq.ExactRate(split("a b", "c"), split("a b", "d")); got != 0.5 {
		t.Errorf("ExactRate %v", got)
	}
}

func TestBoxMass(t *testing.T) {
	alpha := make([]float32, 64)
	alpha[9] = 0.5 // cell (1,1): pixels 8…15
	alpha[0] = 0.5
	for i, tc := range []struct {
		box  image.Rectangle
		want float64
	}{
		{image.Rect(8, 8, 16, 16), 0.5},
		{image.Rect(0, 0, 16, 16), 1},
		{image.Rect(12, 8, 16, 16), 0.25},
		{image.Rect(40, 40, 60, 60), 0},
	} {
		if got := seq.BoxMass(alpha, tc.box, 64); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("case %d: %v → %v, want %v", i, tc.box, got, tc.want)
		}
	}
}
