package stats_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/lessons/stats"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/stat"
)

func TestMeanStd(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		v         []float64
		mean, std float64
	}{
		{[]float64{2}, 2, 1},                      // constant: sd 1, not 0
		{[]float64{-3, -3, -3}, -3, 1},            // constant
		{[]float64{1, 3}, 2, 1},                   // population sd (n, not n − 1)
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, 2}, // the textbook example
		{[]float64{1e6, 1e6 + 2, 1e6 + 4}, 1e6 + 2, math.Sqrt(8.0 / 3)},
	} {
		m, sd := stats.MeanStd(tc.v)
		if !scalar.EqualWithinAbsOrRel(m, tc.mean, 1e-12, 1e-12) || !scalar.EqualWithinAbsOrRel(sd, tc.std, 1e-12, 1e-12) {
			t.Errorf("case %d: MeanStd(%v): got %v, %v, want %v, %v", i, tc.v, m, sd, tc.mean, tc.std)
		}
	}
}

// TestMeanStdGonum compares MeanStd with gonum's population mean and standard deviation
// (an independent, compensated computation) on seeded random data, and Mean with MeanStd's
// mean, bit for bit.
func TestMeanStdGonum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for i, n := range []int{2, 7, 100, 1000} {
		v := make([]float64, n)
		for j := range v {
			v[j] = 10 + 3*rng.NormFloat64()
		}
		m, sd := stats.MeanStd(v)
		wm, wsd := stat.PopMeanStdDev(v, nil)
		if !scalar.EqualWithinAbsOrRel(m, wm, 1e-12, 1e-12) || !scalar.EqualWithinAbsOrRel(sd, wsd, 1e-12, 1e-12) {
			t.Errorf("case %d: n %d: MeanStd: got %v, %v, want %v, %v", i, n, m, sd, wm, wsd)
		}
		if got := stats.Mean(v); got != m {
			t.Errorf("case %d: n %d: Mean %v, MeanStd's mean %v", i, n, got, m)
		}
	}
}

func TestMeanStdEmpty(t *testing.T) {
	t.Parallel()
	if m, sd := stats.MeanStd(nil); !math.IsNaN(m) || !math.IsNaN(sd) {
		t.Errorf("MeanStd(nil): got %v, %v, want NaN, NaN", m, sd)
	}
	if m := stats.Mean(nil); !math.IsNaN(m) {
		t.Errorf("Mean(nil) = %v, want NaN", m)
	}
}

func TestColMeans(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		x    [][]float64
		want []float64
	}{
		{[][]float64{{1, -2, 3}}, []float64{1, -2, 3}},
		{[][]float64{{1, 2}, {3, 4}}, []float64{2, 3}},
		{[][]float64{{0.5}, {0.25}, {0.25}, {1}}, []float64{0.5}},
	} {
		if got := stats.ColMeans(tc.x); !slices.Equal(got, tc.want) {
			t.Errorf("case %d: ColMeans(%v): got %v, want %v", i, tc.x, got, tc.want)
		}
	}
	// Against gonum's mean of each column, on seeded random rows.
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([][]float64, 300)
	for i := range x {
		x[i] = []float64{rng.NormFloat64(), 5 + rng.Float64(), -1e3 * rng.Float64()}
	}
	got := stats.ColMeans(x)
	for j := range got {
		col := make([]float64, len(x))
		for i, r := range x {
			col[i] = r[j]
		}
		if want := stat.Mean(col, nil); !scalar.EqualWithinAbsOrRel(got[j], want, 1e-12, 1e-12) {
			t.Errorf("ColMeans: column %d: got %v, want %v", j, got[j], want)
		}
	}
}

func TestColMeansEmptyPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r != "stats.ColMeans: no rows" {
			t.Errorf("ColMeans(nil): recovered %v, want the no-rows panic", r)
		}
	}()
	stats.ColMeans(nil)
}

func ExampleColMeans() {
	fmt.Printf("%.4f\n", stats.ColMeans([][]float64{{1, 10}, {2, 20}, {6, 60}}))
	// Output: [3.0000 30.0000]
}

func ExampleMean() {
	fmt.Println(stats.Mean([]float64{195, 200, 500}))
	// Output: 298.3333333333333
}

func ExampleMeanStd() {
	v := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	m, sd := stats.MeanStd(v)
	fmt.Printf("mean %.4f, sd %.4f, first standardised %.4f\n", m, sd, (v[0]-m)/sd)
	// Output: mean 5.0000, sd 2.0000, first standardised -1.5000
}
