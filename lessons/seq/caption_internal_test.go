package seq

import (
	"slices"
	"testing"

	"github.com/deepnb/deepnb/datasets/shapes"
)

// TestDecoderEvaluationRecordsNothing checks that decoding images marked no-grad records no
// graph at any step (the embedding table, a parameter, must not pull the steps into one), while
// decoding unmarked images for training does.
func TestDecoderEvaluationRecordsNothing(t *testing.T) {
	scenes := shapes.Generate(shapes.Config{}, 1, 2)
	m := NewCaptioner(1, shapes.NewVocab().Len())
	for _, eval := range []bool{true, false} {
		images := shapes.Images(scenes)
		if eval {
			images = images.NoGrad()
		}
		d := m.decoder(images)
		prev := slices.Repeat([]int{shapes.Start}, len(scenes))
		for step := range 3 {
			logits, alpha := d.step(prev)
			for name, x := range map[string]bool{"logits": logits.IsNoGrad(), "attention": alpha.IsNoGrad(), "h": d.h.IsNoGrad(), "c": d.c.IsNoGrad()} {
				if x != eval {
					t.Errorf("eval %v, step %d: %s marked no-grad %v, want %v", eval, step, name, x, eval)
				}
			}
			prev = logits.ArgMax(1)
		}
	}
}
