package vision

import (
	"math"
	"testing"

	"github.com/deepnb/deepnb/datasets"
)

// TestHubelWiesel measures the deck's claims on Tiny YOLO: the most orientation-selective
// first-layer unit is a simple cell (its answer depends strongly on where the stripes fall),
// and the most orientation-selective unit after two poolings tolerates position better: a
// complex cell. Not parallel (the network's inference buffers, dl.NoGrad).
func TestHubelWiesel(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Tiny YOLO and sweeps gratings")
	}
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	angles, phases := Sweep(8, math.Pi), Sweep(6, 2*math.Pi)
	mod := map[int]float64{}
	for _, layer := range []int{0, 5} {
		ts := MeasureTuning(net, layer, 8, angles, phases)
		c := MostSelective(ts, 0.05)
		if c < 0 {
			t.Fatalf("layer %d: no unit responds to the gratings", layer)
		}
		mod[layer] = ts[c].PositionModulation()
		t.Logf("layer %d unit %d: orientation selectivity %.2f, position modulation %.2f", layer, c, ts[c].OrientationSelectivity(), mod[layer])
		if s := ts[c].OrientationSelectivity(); s < 0.5 {
			t.Errorf("layer %d: best orientation selectivity %.2f, want ≥ 0.5", layer, s)
		}
	}
	if mod[5] >= mod[0] {
		t.Errorf("the pooled unit's position modulation %.2f is not below the first-layer unit's %.2f", mod[5], mod[0])
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
