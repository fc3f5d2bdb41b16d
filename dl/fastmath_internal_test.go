package dl

import (
	"math"
	"testing"
)

// TestExpInto sweeps expInto over its whole range against math.Exp: at most 1 ulp apart, and the
// IEEE limits (Inf, 0, NaN) where the result leaves float32.
func TestExpInto(t *testing.T) {
	t.Parallel()
	step := float32(1e-3)
	if testing.Short() {
		step = 1e-2
	}
	worst := 0.0
	for x := float32(-104); x <= 89; x += step {
		for _, v := range []float32{x, math.Nextafter32(x, 0)} {
			got, want := exp32(v), float32(math.Exp(float64(v)))
			if want == 0 || math.IsInf(float64(want), 0) {
				if got != want {
					t.Fatalf("exp32(%v) = %v, want %v", v, got, want)
				}
				continue
			}
			ulp := float64(math.Nextafter32(want, float32(math.Inf(1))) - want)
			e := math.Abs(float64(got)-float64(want)) / ulp
			if e > worst {
				worst = e
			}
			if e > 1 {
				t.Fatalf("exp32(%v) = %v, want %v (%.1f ulp)", v, got, want, e)
			}
		}
	}
	for _, v := range []float32{0, float32(math.Inf(1)), float32(math.Inf(-1)), 1e6, -1e6, -1e-8, 1e-6} {
		if got, want := exp32(v), float32(math.Exp(float64(v))); got != want {
			t.Errorf("exp32(%v) = %v, want %v", v, got, want)
		}
	}
	if got := exp32(float32(math.NaN())); got == got {
		t.Errorf("exp32(NaN) = %v", got)
	}
	t.Logf("worst error %.2f ulp", worst)
}

func BenchmarkExp64(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%100)/10 - 5
	}
	y := make([]float32, len(x))
	for b.Loop() {
		for i, v := range x {
			y[i] = float32(math.Exp(float64(v)))
		}
	}
}

func BenchmarkExpInto(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%100)/10 - 5
	}
	y := make([]float32, len(x))
	for b.Loop() {
		expInto(y, x)
	}
}

// exp32 is expInto on one value.
func exp32(x float32) float32 {
	y := []float32{x}
	expInto(y, y)
	return y[0]
}

// TestTanhInto sweeps tanhInto against math.Tanh: at most 4 ulp apart, exact limits.
func TestTanhInto(t *testing.T) {
	t.Parallel()
	var xs []float32
	for x := float32(-50); x <= 50; x += 1e-3 {
		xs = append(xs, x, math.Nextafter32(x, 0))
	}
	xs = append(xs, 0, 1e-6, -1e-8, 1e6, -1e6, float32(math.Inf(1)), float32(math.Inf(-1)))
	ys := make([]float32, len(xs))
	tanhInto(ys, xs)
	worst := 0.0
	for i, v := range xs {
		want := float32(math.Tanh(float64(v)))
		if want == 0 || math.Abs(float64(want)) == 1 {
			if ys[i] != want {
				t.Fatalf("tanh(%v) = %v, want %v", v, ys[i], want)
			}
			continue
		}
		ulp := math.Abs(float64(math.Nextafter32(want, float32(math.Inf(1))) - want))
		e := math.Abs(float64(ys[i])-float64(want)) / ulp
		worst = max(worst, e)
		if e > 4 {
			t.Fatalf("tanh(%v) = %v, want %v (%.1f ulp)", v, ys[i], want, e)
		}
	}
	if y := []float32{float32(math.NaN())}; true {
		tanhInto(y, y)
		if y[0] == y[0] {
			t.Errorf("tanh(NaN) = %v", y[0])
		}
	}
	t.Logf("worst error %.2f ulp", worst)
}

func benchInputs() []float32 {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200)/50 - 2 // [−2, 2): a quarter with |x| < 1/2
	}
	return x
}

func BenchmarkTanhInto(b *testing.B) {
	x := benchInputs()
	y := make([]float32, len(x))
	for b.Loop() {
		tanhInto(y, x)
	}
}

func BenchmarkTanh64(b *testing.B) {
	x := benchInputs()
	y := make([]float32, len(x))
	for b.Loop() {
		for i, v := range x {
			y[i] = float32(math.Tanh(float64(v)))
		}
	}
}
