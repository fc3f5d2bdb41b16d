package transfer_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/backbone"
	"github.com/deepnb/deepnb/lessons/transfer"
)

// TestSplitImages: stratified, disjoint, the asked sizes, and the same for the same seed.
func TestSplitImages(t *testing.T) {
	y := make([]int, 50)
	for i := range y {
		y[i] = i % 5
	}
	for _, tc := range []struct{ per, test, wantTrain int }{{3, 2, 15}, {0, 2, 40}, {20, 4, 30}} {
		tr, te := transfer.SplitImages(y, 5, tc.per, tc.test, 7)
		if len(tr) != tc.wantTrain || len(te) != 5*tc.test {
			t.Errorf("%+v: %d train, %d test", tc, len(tr), len(te))
		}
		for _, i := range tr {
			if slices.Contains(te, i) {
				t.Errorf("%+v: image %d in both", tc, i)
			}
		}
		tr2, _ := transfer.SplitImages(y, 5, tc.per, tc.test, 7)
		if !slices.Equal(tr, tr2) {
			t.Errorf("%+v: same seed, different split", tc)
		}
	}
}

// TestViews: 10 views of a photo, the second the mirror image of the first.
func TestViews(t *testing.T) {
	x := dl.RandU(rand.New(rand.NewPCG(1, 1)), 0, 1, 1, 3, 16, 16)
	d := &transfer.Data{Name: "t", X: x, Y: []int{0}, Classes: []string{"a"}}
	v := d.Views(0, true)
	if len(v) != 10 {
		t.Fatalf("%d views, want 10", len(v))
	}
	for _, u := range v {
		if !slices.Equal(u.Shape(), []int{1, 3, 16, 16}) {
			t.Fatalf("view shape %v", u.Shape())
		}
	}
	if v[1].At(0, 2, 5, 0) != x.At(0, 2, 5, 15) || v[0].At(0, 1, 3, 4) != x.At(0, 1, 3, 4) {
		t.Error("view 1 is not the mirror image of view 0")
	}
}

// TestLinearProbe: separable classes are learnt; labels shuffled away from the features are not.
func TestLinearProbe(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	make := func(n int) (*dl.Tensor, []int) {
		x := dl.RandN(rng, n, 6)
		y := make([]int, n)
		for i := range y {
			y[i] = i % 3
			x.Set(x.At(i, y[i])+4, i, y[i])
		}
		return x, y
	}
	xtr, ytr := make(60)
	xte, yte := make(60)
	if acc := transfer.LinearProbe(xtr, ytr, xte, yte, 3, 100); acc < 0.95 {
		t.Errorf("separable classes: accuracy %.2f, want ≥ 0.95", acc)
	}
}

// TestAdviceAndCheck: the deck's table, and the exercise check passes it and catches a swap.
func TestAdviceAndCheck(t *testing.T) {
	for _, tc := range []struct {
		similar, little bool
		want            transfer.Strategy
	}{{true, true, transfer.LinearTop}, {false, true, transfer.LinearStages}, {true, false, transfer.FineTuneFew}, {false, false, transfer.FineTuneMany}} {
		if got := transfer.Advice(tc.similar, tc.little); got != tc.want {
			t.Errorf("Advice(%v, %v) = %v, want %v", tc.similar, tc.little, got, tc.want)
		}
	}
	ref := func(d transfer.Dataset) transfer.Strategy {
		return transfer.Advice(d.Similar, d.PerClass < transfer.LittleData)
	}
	if r := transfer.CheckStrategy(ref); !r.Passed {
		t.Errorf("reference fails: %v", r)
	}
	swapped := func(d transfer.Dataset) transfer.Strategy {
		return transfer.Advice(!d.Similar, d.PerClass < transfer.LittleData)
	}
	if r := transfer.CheckStrategy(swapped); r.Passed || !strings.Contains(r.String(), "similar") {
		t.Errorf("swapped similarity: %v", r)
	}
	if r := transfer.CheckStrategy(func(transfer.Dataset) transfer.Strategy { panic("TODO") }); r.Passed || !strings.Contains(r.String(), "panicked") {
		t.Errorf("stub: %v", r)
	}
	// Each cell of the table is a hidden test of its own: a mistake in one cell fails that one
	// only, with a hint aimed at the choice made.
	topForDifferent := func(d transfer.Dataset) transfer.Strategy {
		if d.PerClass < transfer.LittleData {
			return transfer.LinearTop
		}
		return ref(d)
	}
	alwaysFineTune := func(d transfer.Dataset) transfer.Strategy { return transfer.Advice(d.Similar, false) }
	for _, tc := range []struct {
		name            string
		similar, little bool
		choose          func(transfer.Dataset) transfer.Strategy
		passed          bool
		hint            string
	}{
		{"top for different: similar, little", true, true, topForDifferent, true, ""},
		{"top for different: different, little", false, true, topForDifferent, false, "earlier stages"},
		{"top for different: different, lots", false, false, topForDifferent, true, ""},
		{"always fine-tune: similar, little", true, true, alwaysFineTune, false, "fine-tuning overfits"},
		{"always fine-tune: similar, lots", true, false, alwaysFineTune, true, ""},
		{"swapped: similar, lots", true, false, swapped, false, "only a few top layers"},
		{"swapped: different, lots", false, false, swapped, false, "larger number of layers"},
		{"swapped: similar, little", true, true, swapped, false, "top layer's features already fit"},
	} {
		ds := transfer.DatasetsWhere(tc.similar, tc.little)
		r := transfer.CheckStrategyCases(tc.name, ds, tc.choose)
		if len(ds) < 2 || r.Passed != tc.passed || !strings.Contains(r.Hint, tc.hint) {
			t.Errorf("%s: %d data sets, passed %v, want %v with a hint containing %q: %v", tc.name, len(ds), r.Passed, tc.passed, tc.hint, r)
		}
	}
}

// TestRunSmall runs the whole experiment on 60 digits at one seed and one epoch: every
// strategy reports, the features have every stage, and the top-layer linear classifier beats
// chance.
func TestRunSmall(t *testing.T) {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	b := backbone.New(net, backbone.MaxPool)
	d, err := transfer.Digits(60)
	if err != nil {
		t.Fatal(err)
	}
	f := transfer.Compute(b, d, transfer.NoAugment)
	if f.Rows != 60 || len(f.Pooled) != 8 || f.Dims[7] != 512 {
		t.Fatalf("features: %v, dims %v", f, f.Dims)
	}
	os := transfer.Run(b, f, transfer.Config{Seeds: 1, Little: 5, TestPerClass: 3, LinearSteps: 60, FineTune: []int{1}, Epochs: 1, LR: 1e-5, ScratchLR: 1e-3}, nil)
	if len(os) != 2*(8+1+1) {
		t.Fatalf("%d outcomes, want 20", len(os))
	}
	top := transfer.Find(os, "digits", "a lot", "linear conv_13")
	if top.Mean() < 0.3 {
		t.Errorf("digits, a lot: top-layer linear %.2f, want ≥ 0.3 (chance 0.1)", top.Mean())
	}
	if !strings.Contains(transfer.Table(os, "digits", "digits"), "in trouble") {
		t.Error("the table lacks the deck's advice")
	}
}

// TestVerdictAndDeCAF: the verdict lines on made-up outcomes — agreement, a disagreement whose
// deck's choice is within the spread and one outside it — and DeCAF's comparison both ways.
func TestVerdictAndDeCAF(t *testing.T) {
	o := func(data, regime, strategy string, stage int, acc ...float64) transfer.Outcome {
		return transfer.Outcome{Data: data, Regime: regime, Strategy: strategy, Stage: stage, Acc: acc}
	}
	os := []transfer.Outcome{
		o("p", "little", "linear conv_13", 7, 0.7, 0.8), o("p", "little", "linear conv_10", 6, 0.5, 0.6), o("p", "little", "from scratch", -1, 0.2, 0.3),
		o("p", "a lot", "linear conv_13", 7, 0.80, 0.82), o("p", "a lot", "fine-tune k=1", -1, 0.76, 0.82), o("p", "a lot", "fine-tune k=2", -1, 0.6, 0.6),
		o("d", "little", "linear conv_13", 7, 0.3, 0.3), o("d", "little", "linear conv_8", 5, 0.5, 0.5), o("d", "little", "from scratch", -1, 0.6, 0.6),
	}
	for _, tc := range []struct {
		data, regime string
		similar      bool
		want         []string
	}{
		{"p", "little", true, []string{"agrees with the deck — linear classifier on the top layer (best linear conv_13 75.0%"}},
		{"p", "a lot", true, []string{"DISAGREES with the deck (fine-tune a few layers)", "fine-tune k=1 79.0% ± 4.2, is within the spread"}},
		{"d", "little", false, []string{"DISAGREES", "best from scratch 60.0%", "linear conv_8 50.0% ± 0.0, is outside the spread"}},
	} {
		got := transfer.Verdict(os, tc.data, tc.regime, tc.similar)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("Verdict(%s, %s) = %q, want it to contain %q", tc.data, tc.regime, got, w)
			}
		}
	}
	if got := transfer.DeCAF(os, "p", 5); !strings.HasSuffix(got, ": confirmed") || !strings.Contains(got, "p with 5 per class: top-layer features + a linear classifier 75.0% ± 7.1 vs the same network trained from scratch 25.0%") {
		t.Errorf("DeCAF on p: %q", got)
	}
	if got := transfer.DeCAF(os, "d", 5); !strings.HasSuffix(got, "NOT confirmed in this run") {
		t.Errorf("DeCAF on d: %q", got)
	}
}
