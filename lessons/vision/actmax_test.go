package vision

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
)

// TestActivationMaxBeatsPhotos: gradient ascent on the input raises a Tiny YOLO unit above
// its activation on the best of the committed photographs, and the TV/blur prior lowers the
// high-frequency energy of the result. Not parallel: the network's inference path and the
// autograd recording are shared state (dl.NoGrad is global).
func TestActivationMaxBeatsPhotos(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Tiny YOLO and runs gradient steps on a 416×416 input")
	}
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	u := Unit{Layer: 2, Channel: 5}
	name, best, err := u.BestPhoto(net, NaturalPhotos)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	x, trace := ActivationMax(net, u, Prior{}, 10, 0.02, 1)
	t.Logf("best photo %s: %.3f; optimized: %v (%v)", name, best, trace, time.Since(t0))
	if got := trace[len(trace)-1]; got <= best {
		t.Errorf("optimized input reaches %.3f, not above the best photo (%s, %.3f)", got, name, best)
	}
	xp, traceP := ActivationMax(net, u, Prior{Decay: 0.01, TV: 0.3, Jitter: 2, Blur: 4}, 10, 0.02, 1)
	tv, tvP := TotalVariation(x), TotalVariation(xp)
	t.Logf("with prior: %v; TV %.4f without prior, %.4f with", traceP, tv, tvP)
	if tvP >= tv {
		t.Errorf("TV with the prior %.4f not below without %.4f", tvP, tv)
	}
}

// TestFiltersAndMaps: the first-layer filter images are [16, 3, 3, 3] in [0, 1] with every
// filter reaching 0 or 1 (scaled to its own range), and feature maps have the layer's size.
func TestFiltersAndMaps(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Tiny YOLO")
	}
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	f := FilterImages(net, 0)
	if s := f.Shape(); s[0] != 16 || s[1] != 3 || s[2] != 3 || s[3] != 3 {
		t.Fatalf("filter images shape %v, want [16 3 3 3]", s)
	}
	for i := range 16 {
		hit := false
		for _, v := range f.Data()[i*27 : (i+1)*27] {
			if v < 0 || v > 1 {
				t.Fatalf("filter %d value %g outside [0, 1]", i, v)
			}
			hit = hit || v == 0 || v == 1
		}
		if !hit {
			t.Errorf("filter %d does not reach 0 or 1", i)
		}
	}
	x, err := datasets.ImageTensor("chelsea", 416)
	if err != nil {
		t.Fatal(err)
	}
	m := FeatureMaps(net, x.Reshape(1, 3, 416, 416), 4, 8)
	if s := m.Shape(); s[0] != 8 || s[1] != 1 || s[2] != 104 || s[3] != 104 {
		t.Fatalf("feature maps of layer 4: shape %v, want [8 1 104 104]", s)
	}
}

// TestClassScoreMax: gradient ascent raises Tiny YOLO's "cat" score at the centre cell above
// the best the committed photos reach at any cell (Chelsea the cat among them), and the
// natural-image priors lower the result's high-frequency energy and total variation. A 128×128
// input (a 4×4 grid) keeps it cheap. Not parallel (dl.NoGrad).
func TestClassScoreMax(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Tiny YOLO and runs gradient steps through the whole network")
	}
	net, err := TinyYOLOAt(128)
	if err != nil {
		t.Fatal(err)
	}
	s := NewClassScore("cat")
	name, best, err := s.BestPhoto(net, NaturalPhotos)
	if err != nil {
		t.Fatal(err)
	}
	x, tr := ActivationMax(net, s, Prior{}, 8, 0.02, 1)
	xp, trp := ActivationMax(net, s, LecturePrior, 8, 0.02, 1)
	t.Logf("best photo %s %.3f; no prior %.3f (HF %.3f, TV %.4f); with priors %.3f (HF %.3f, TV %.4f)", name, best,
		tr[len(tr)-1], HighFrequency(x), TotalVariation(x), trp[len(trp)-1], HighFrequency(xp), TotalVariation(xp))
	if got := tr[len(tr)-1]; got <= best {
		t.Errorf("cat score %.3f after ascent, not above the best photo's (%s, %.3f)", got, name, best)
	}
	if got := trp[len(trp)-1]; got <= tr[0] {
		t.Errorf("with priors the cat score fell from %.3f to %.3f", tr[0], got)
	}
	if HighFrequency(xp) >= HighFrequency(x) || TotalVariation(xp) >= TotalVariation(x) {
		t.Errorf("the priors did not smooth the input: HF %.3f vs %.3f, TV %.4f vs %.4f", HighFrequency(xp), HighFrequency(x), TotalVariation(xp), TotalVariation(x))
	}
	if v := s.Activation(net, x); v != tr[len(tr)-1] {
		t.Errorf("Activation %.4f differs from the trace's last value %.4f", v, tr[len(tr)-1])
	}
}

// TestHighFrequency: white noise is mostly high-frequency, a smooth ramp hardly at all, a
// constant image has none.
func TestHighFrequency(t *testing.T) {
	const n = 64
	noise, ramp, flat := dl.Zeros(1, 1, n, n), dl.Zeros(1, 1, n, n), dl.Full(0.5, 1, 1, n, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Data() {
		noise.Data()[i] = float32(rng.Float64())
		ramp.Data()[i] = float32(i%n) / n
	}
	for _, tc := range []struct {
		name   string
		x      *dl.Tensor
		lo, hi float64
	}{{"white noise", noise, 0.8, 0.95}, {"ramp", ramp, 0, 0.01}, {"constant", flat, 0, 0}} {
		if got := HighFrequency(tc.x); got < tc.lo || got > tc.hi {
			t.Errorf("%s: high-frequency fraction %.4f, want in [%g, %g]", tc.name, got, tc.lo, tc.hi)
		}
	}
}
