package vision

import (
	"math"
	"testing"

	"github.com/deepnb/deepnb/datasets"
)

// TestSimpleAndComplexCells measures the deck's claim on Tiny YOLO with drifting gratings
// (deterministic: no random input): the first layer's most orientation-selective units are
// simple cells (F1/F0 > 1, their answer follows the stripes' phase), and after pooling the most
// selective units are complex cells (F1/F0 < 1, phase-invariant). Not parallel (dl.NoGrad).
func TestSimpleAndComplexCells(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Tiny YOLO and shows it drifting gratings")
	}
	net, err := TinyYOLOAt(64)
	if err != nil {
		t.Fatal(err)
	}
	layers := LectureGratings.Run(net, 0, 1, 3)
	for _, l := range layers {
		t.Log(l)
		if len(l.Cells) != LectureGratings.Top {
			t.Errorf("%s: %d cells kept, want %d", l.Name, len(l.Cells), LectureGratings.Top)
		}
	}
	if f := layers[0].Simple; f < 0.9 {
		t.Errorf("conv_0: F1/F0 > 1 in %.0f%% of the most selective units, want ≥ 90%% (simple cells)", 100*f)
	}
	for _, l := range layers[1:] {
		if l.Simple > 0.25 {
			t.Errorf("%s: F1/F0 > 1 in %.0f%% of the most selective units, want ≤ 25%% (complex cells)", l.Name, 100*l.Simple)
		}
	}
	for _, l := range layers {
		for i := 1; i < len(l.Cells); i++ {
			if l.Cells[i].OSI > l.Cells[i-1].OSI {
				t.Errorf("%s: cells not most selective first: %v", l.Name, l.Cells)
			}
		}
	}
}

// TestModulationRatio: F1/F0 of known responses.
func TestModulationRatio(t *testing.T) {
	const n = 64
	curve := func(f func(phi float64) float64) []float64 {
		r := make([]float64, n)
		for k := range r {
			r[k] = f(2 * math.Pi * float64(k) / n)
		}
		return r
	}
	for _, tc := range []struct {
		name string
		r    []float64
		want float64
	}{
		{"half-wave rectified sinusoid (linear filter, simple cell)", curve(func(p float64) float64 { return max(0, math.Sin(p+0.3)) }), math.Pi / 2},
		{"constant (complex cell)", curve(func(float64) float64 { return 2 }), 0},
		{"sinusoid on a pedestal", curve(func(p float64) float64 { return 2 + math.Cos(p) }), 0.5},
		{"silent", make([]float64, n), 0},
		{"second harmonic only (frequency doubling)", curve(func(p float64) float64 { return 1 + math.Cos(2*p) }), 0},
	} {
		if got := ModulationRatio(tc.r); math.Abs(got-tc.want) > 1e-3 {
			t.Errorf("%s: F1/F0 %.4f, want %.4f", tc.name, got, tc.want)
		}
	}
}

// TestOrientationSelectivity: 1 − circular variance of known tuning curves.
func TestOrientationSelectivity(t *testing.T) {
	angles := Sweep(8, math.Pi)
	one := make([]float64, 8)
	one[3] = 5
	flat := []float64{1, 1, 1, 1, 1, 1, 1, 1}
	cos := make([]float64, 8)
	for i, a := range angles {
		cos[i] = 1 + 0.5*math.Cos(2*(a-angles[2]))
	}
	for _, tc := range []struct {
		name string
		r    []float64
		want float64
	}{{"one orientation", one, 1}, {"all alike", flat, 0}, {"cosine tuning, depth ½", cos, 0.25}, {"silent", make([]float64, 8), 0}} {
		if got := OrientationSelectivity(angles, tc.r); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: OSI %.4f, want %.4f", tc.name, got, tc.want)
		}
	}
}

// TestTopCrops: crops come best first, with the asked size, from the asked photos.
func TestTopCrops(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Tiny YOLO")
	}
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := TopCrops(net, 8, 3, []string{"chelsea", "coffee", "rocket"}, 2, 96)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Activation < cs[1].Activation {
		t.Fatalf("crops %+v: want 2, best first", cs)
	}
	if s := cs[0].Image.Shape(); s[2] != 96 || s[3] != 96 {
		t.Errorf("crop shape %v, want 96×96", s)
	}
	if _, err := TopCrops(net, 8, 3, []string{"no-such"}, 1, 96); err == nil {
		t.Error("unknown photo: no error")
	}
}
