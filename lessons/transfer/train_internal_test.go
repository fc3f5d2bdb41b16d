package transfer

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/backbone"
)

// TestGridPool: block means on a 3×3 map (blocks of 1 and 2 rows and columns), the map itself
// for 1×1, and a 2×2 map unchanged.
func TestGridPool(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		want  []float32
	}{
		{[]int{1, 1, 3, 3}, []float32{0, 1.5, 4.5, 6}},
		{[]int{1, 2, 1, 1}, []float32{0, 1}},
		{[]int{2, 1, 2, 2}, []float32{0, 1, 2, 3, 4, 5, 6, 7}},
	} {
		v := make([]float32, prodOf(tc.shape))
		for i := range v {
			v[i] = float32(i)
		}
		x := dl.New(v, tc.shape...)
		if got := gridPool(x).Data(); !slices.Equal(got, tc.want) {
			t.Errorf("gridPool of %v: %v, want %v", tc.shape, got, tc.want)
		}
	}
}

func prodOf(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}

// TestFineTuneStartsAtProbe: before its first step, the fine-tuned network (the last k layers
// run on the cached maps, the head a copy of the top-layer linear probe) gives the probe's
// logits on the cached top features, for k = 1, 2, 3 at 32 and 64 pixels: fine-tuning starts
// where the linear classifier ended.
func TestFineTuneStartsAtProbe(t *testing.T) {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	b := backbone.New(net, backbone.MaxPool)
	for _, size := range []int{32, 64} {
		rng := rand.New(rand.NewPCG(uint64(size), 1))
		d := &Data{Name: "random", X: dl.RandU(rng, 0, 1, 6, 3, size, size), Y: []int{0, 1, 0, 1, 0, 1}, Classes: []string{"a", "b"}}
		f := Compute(b, d, NoAugment)
		rows := []int{0, 1, 2, 3, 4, 5}
		top := len(f.Stages) - 1
		x := rowsOf(f.Pooled[top], f.Dims[top], rows)
		probe := FitLinear(x, d.Y, 2, 20)
		want := probe.Logits(x).Data()
		for k, cut := range CutLayers(b) {
			n := newNet(b, cut+1, probe, 0, 2, 1)
			got := n.forward(f.mapsOf(cut, rows).NoGrad()).Data()
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-3*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("%d px, k=%d: logit %d is %g, the probe's %g", size, k, i, got[i], want[i])
				}
			}
			if n.head.W == probe.W || len(n.trunk.Parameters()) != 2*k {
				t.Errorf("%d px, k=%d: the head must be a copy and %d layers trainable, have %d parameter tensors", size, k, k, len(n.trunk.Parameters()))
			}
		}
	}
}
