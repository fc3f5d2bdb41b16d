package seg

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/deepnb/deepnb/datasets/shapes"
	"github.com/deepnb/deepnb/dl"
)

func TestIoU(t *testing.T) {
	truth := [][]uint8{{0, 0, 1, 1}, {2, 2, 0, 0}}
	pred := [][]uint8{{0, 1, 1, 1}, {2, 0, 0, 0}}
	per, mean := IoU(pred, truth, 4)
	// background: ∩ = 3 (p0, p6, p7), ∪ = 5; circle: ∩ 2, ∪ 3; square: ∩ 1, ∪ 2; triangle: absent.
	want := []float64{3.0 / 5, 2.0 / 3, 1.0 / 2}
	for c, w := range want {
		if math.Abs(per[c]-w) > 1e-12 {
			t.Errorf("class %d: IoU %v, want %v", c, per[c], w)
		}
	}
	if !math.IsNaN(per[3]) || math.Abs(mean-(3.0/5+2.0/3+0.5)/3) > 1e-12 {
		t.Errorf("triangle IoU %v (want NaN), mean %v", per[3], mean)
	}
}

// TestSegmentation trains the net briefly on the shapes world: its mean IoU on held-out scenes
// must pass a floor far above what labelling everything background gives (background IoU only).
func TestSegmentation(t *testing.T) {
	sp := shapes.NewSplits(shapes.Config{}, 1, 400, 0, 50)
	net := NewNet(16, 1)
	start := time.Now()
	losses := Train(net, sp.Train, Opts{Epochs: 4, Batch: 16, LR: 3e-3, Seed: 1})
	truth := Masks(sp.Test)
	per, mean := IoU(Predict(net, sp.Test), truth, len(Classes))
	t.Logf("losses %.3f; held-out IoU %.3f, mean %.3f (%v)", losses, per, mean, time.Since(start))
	if mean < 0.5 || losses[len(losses)-1] >= losses[0] {
		t.Errorf("mean IoU %.3f, want ≥ 0.5; losses %v", mean, losses)
	}
	if img := Overlay(sp.Test[0], truth[0], 2); img.Rect.Dx() != 128 {
		t.Errorf("overlay %v, want 128×128", img.Rect)
	}
}

func TestPixelLossGradCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	logits := dl.RandN(rng, 2, 4, 3, 3)
	labels := make([]int, 2*3*3)
	for i := range labels {
		labels[i] = rng.IntN(4)
	}
	maxErr, report := dl.GradCheck(func(xs ...*dl.Tensor) *dl.Tensor { return PixelLoss(xs[0], labels) }, logits)
	if maxErr > dl.GradCheckTol {
		t.Errorf("PixelLoss gradient: max error %.2g\n%s", maxErr, report)
	}
}
