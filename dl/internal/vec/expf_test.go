package vec

import (
	"math"
	"testing"
)

func TestExpf(t *testing.T) {
	worst := 0.0
	for x := -80.0; x <= 80; x += 0.001 {
		xf := float32(x)
		want := math.Exp(float64(xf))
		worst = max(worst, math.Abs(float64(Expf(xf))-want)/want)
	}
	if worst > 3e-7 {
		t.Errorf("expf: relative error %.3g, want ≤ 3e-7", worst)
	}
	for i, tc := range []struct{ x, want float32 }{
		{float32(math.Inf(1)), 1.6516363e38},
		{float32(math.Inf(-1)), 1.6458115e-38},
		{0, 1},
	} {
		if e := Expf(tc.x); math.Abs(float64(e-tc.want)) > 1e-6*float64(tc.want) {
			t.Errorf("case %d: Expf(%v) = %v, want %v", i, tc.x, e, tc.want)
		}
	}
	if e := Expf(float32(math.NaN())); e == e {
		t.Errorf("Expf(NaN) = %v, want NaN", e)
	}
}

func BenchmarkExpf(b *testing.B) {
	var s float32
	x := float32(-3)
	for b.Loop() {
		s += Expf(x)
		x += 1e-6
	}
	sink = s
}

var sink float32

func BenchmarkMathExp(b *testing.B) {
	var s float64
	x := -3.0
	for b.Loop() {
		s += math.Exp(x)
		x += 1e-6
	}
	sink = float32(s)
}

func TestLogistic(t *testing.T) { eachKernelSet(t, checkLogistic) }

func checkLogistic(t *testing.T) {
	src := make([]float32, 203) // not a multiple of 8: exercises the tail
	for i := range src {
		src[i] = float32(i-101) * 0.2
	}
	src[0], src[1], src[2] = float32(math.Inf(1)), float32(math.Inf(-1)), 1e-7
	sig := make([]float32, len(src))
	tnh := make([]float32, len(src))
	Logistic(sig, src, 1, 1, 0)
	Logistic(tnh, src, 2, 2, -1)
	for i, x := range src {
		ws := 1 / (1 + math.Exp(-float64(x)))
		wt := math.Tanh(float64(x))
		if math.Abs(float64(sig[i])-ws) > 3e-7 || math.Abs(float64(tnh[i])-wt) > 5e-7 {
			t.Errorf("x = %v: sigmoid %v (want %v), tanh %v (want %v)", x, sig[i], ws, tnh[i], wt)
		}
	}
	// In place.
	Logistic(src, src, 1, 1, 0)
	for i := range src {
		if src[i] != sig[i] {
			t.Fatalf("in-place logistic differs at %d", i)
		}
	}
}

func BenchmarkLogistic(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200)/20 - 5
	}
	y := make([]float32, 4096)
	for b.Loop() {
		Logistic(y, x, 1, 1, 0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*4096), "ns/elem")
}

func TestExpShift(t *testing.T) { eachKernelSet(t, checkExpShift) }

func checkExpShift(t *testing.T) {
	src := make([]float32, 101)
	for i := range src {
		src[i] = float32(i-50) * 0.37
	}
	src[0] = float32(math.Inf(-1))
	dst := make([]float32, len(src))
	ExpShift(dst, src, 3)
	for i, x := range src {
		want := math.Exp(float64(x - 3)) // the float32 difference, as expShift rounds it
		if math.Abs(float64(dst[i])-want) > 3e-7*want+1e-37 {
			t.Errorf("exp(%v − 3) = %v, want %v", x, dst[i], want)
		}
	}
}
