package vision

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSoftThreshold(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ a, t, want float64 }{
		{0, 1, 0}, {1, 1, 0}, {-1, 1, 0}, {0.5, 1, 0}, {3, 1, 2}, {-3, 1, -2}, {2, 0, 2},
	} {
		if got := SoftThreshold(c.a, c.t); got != c.want {
			t.Errorf("SoftThreshold(%g, %g) = %g, want %g", c.a, c.t, got, c.want)
		}
	}
}

func TestCheckSoftThreshold(t *testing.T) {
	t.Parallel()
	if r := CheckSoftThreshold(SoftThreshold); !r.Passed || r.Err() != nil {
		t.Fatalf("reference fails its own check: %v", r)
	}
	for name, f := range map[string]func(a, t float64) float64{
		"identity": func(a, t float64) float64 { return a },
		"no dead zone": func(a, t float64) float64 {
			return a - t*math.Copysign(1, a)
		},
		"todo": func(a, t float64) float64 { panic("TODO") },
	} {
		r := CheckSoftThreshold(f)
		if r.Passed || r.Err() == nil || !strings.Contains(r.String(), "hint") {
			t.Errorf("%s: check passed or gave no hint: %v", name, r)
		}
	}
}

// TestFitGaborRecovers fits Gabors to exact Gabors (R² ≈ 1, parameters recovered up to
// symmetry) and to white noise (low R²).
func TestFitGaborRecovers(t *testing.T) {
	t.Parallel()
	const size = 12
	for _, g := range []Gabor{
		{X0: 5.5, Y0: 6, Theta: 0.4, SigmaX: 2, SigmaY: 3, Freq: 0.2, A: 1},
		{X0: 4, Y0: 7, Theta: 2, SigmaX: 1.5, SigmaY: 2.5, Freq: 0.15, B: -0.7},
	} {
		w := make([]float64, size*size)
		for y := range size {
			for x := range size {
				w[y*size+x] = g.At(float64(x), float64(y))
			}
		}
		fit, r2 := FitGabor(w, size)
		if r2 < 0.98 {
			t.Errorf("fit of %+v: R² = %.3f, want ≥ 0.98 (fit %+v)", g, r2, fit)
		}
		if math.Hypot(fit.X0-g.X0, fit.Y0-g.Y0) > 0.5 || math.Abs(fit.Freq-g.Freq) > 0.03 {
			t.Errorf("fit of %+v: got %+v", g, fit)
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	w := make([]float64, size*size)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	if _, r2 := FitGabor(w, size); r2 > 0.4 {
		t.Errorf("white noise fits a Gabor with R² = %.2f, want < 0.4", r2)
	}
}

// TestCodesMinimiseObjective: FISTA's codes beat zero and a perturbed code on the lasso
// objective, and are sparse.
func TestCodesMinimiseObjective(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	d, K, n := 16, 24, 5
	D := mat.NewDense(d, K, nil)
	for i := range d {
		for k := range K {
			D.Set(i, k, rng.NormFloat64())
		}
	}
	normalizeColumns(D)
	X := mat.NewDense(n, d, nil)
	for r := range n {
		for i := range d {
			X.Set(r, i, rng.NormFloat64())
		}
	}
	s := &SparseCoding{D: D, Lambda: 0.3, Iters: 300}
	A := s.Codes(X)
	obj := func(A *mat.Dense) float64 {
		var R mat.Dense
		R.Mul(A, D.T())
		R.Sub(X, &R)
		l1 := 0.0
		for _, v := range A.RawMatrix().Data {
			l1 += math.Abs(v)
		}
		return 0.5*sq(mat.Norm(&R, 2)) + s.Lambda*l1
	}
	best := obj(A)
	if z := obj(mat.NewDense(n, K, nil)); best >= z {
		t.Errorf("objective of codes %.4f ≥ objective of zero %.4f", best, z)
	}
	for range 20 {
		P := mat.DenseCopyOf(A)
		i, k := rng.IntN(n), rng.IntN(K)
		P.Set(i, k, P.At(i, k)+0.05*rng.NormFloat64())
		if o := obj(P); o < best-1e-6 {
			t.Errorf("a perturbed code has lower objective %.6f < %.6f", o, best)
		}
	}
	zeros := 0
	for _, v := range A.RawMatrix().Data {
		if v == 0 {
			zeros++
		}
	}
	if zeros == 0 {
		t.Error("no code is exactly zero: the shrinkage is not applied")
	}
}

func sq(x float64) float64 { return x * x }

func TestStatistics(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	n := 20000
	G := mat.NewDense(n, 3, nil)
	for r := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		G.Set(r, 0, a)
		G.Set(r, 1, b)
		G.Set(r, 2, a) // perfectly correlated with column 0
	}
	if k := Kurtosis(G); math.Abs(k) > 0.15 {
		t.Errorf("Gaussian excess kurtosis = %.3f, want ≈ 0", k)
	}
	// pairs: (0,1) ≈ 0, (0,2) = 1, (1,2) ≈ 0 → mean ≈ 1/3
	if c := MeanAbsCorrelation(G); math.Abs(c-1.0/3) > 0.03 {
		t.Errorf("MeanAbsCorrelation = %.3f, want ≈ 0.333", c)
	}
	L := mat.NewDense(n, 1, nil) // Laplace: excess kurtosis 3
	for r := range n {
		L.Set(r, 0, rng.ExpFloat64()*float64(1-2*rng.IntN(2)))
	}
	if k := Kurtosis(L); math.Abs(k-3) > 0.6 {
		t.Errorf("Laplace excess kurtosis = %.3f, want ≈ 3", k)
	}
}

func TestPatchesAndWhitening(t *testing.T) {
	t.Parallel()
	X, err := Patches(nil, 3000, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	Y, _ := Patches(nil, 3000, 8, 1)
	if !mat.Equal(X, Y) {
		t.Error("same seed, different patches")
	}
	Xw := NewWhitening(X, 1e-3).Apply(X)
	_, vars := PCA(Xw)
	// whitened: the variances along all but the (removed) DC direction are close to 1
	for k, v := range vars[:len(vars)-1] {
		if v > 1.05 || v < 0.4 {
			t.Errorf("whitened variance %d = %.3f, want ≈ 1", k, v)
		}
	}
	if _, err := Patches([]string{"no-such-photo"}, 1, 8, 1); err == nil || !strings.Contains(err.Error(), "no-such-photo") {
		t.Errorf("unknown image: err = %v", err)
	}
}

func TestCheckAscentStep(t *testing.T) {
	t.Parallel()
	if r := CheckAscentStep(AscentStep); !r.Passed {
		t.Fatalf("reference fails its own check: %v", r)
	}
	for name, f := range map[string]func(x, g []float32, rate float64){
		"descent": func(x, g []float32, rate float64) {
			for i := range g {
				g[i] = -g[i]
			}
			AscentStep(x, g, rate)
			for i := range g {
				g[i] = -g[i]
			}
		},
		"no clip": func(x, g []float32, rate float64) {
			m := float32(0)
			for _, v := range g {
				m += float32(math.Abs(float64(v))) / float32(len(g))
			}
			if m == 0 {
				return
			}
			for i := range x {
				x[i] += float32(rate) * g[i] / m
			}
		},
		"todo": func(x, g []float32, rate float64) { panic("TODO") },
	} {
		if r := CheckAscentStep(f); r.Passed || !strings.Contains(r.String(), "hint") {
			t.Errorf("%s: check passed or gave no hint: %v", name, r)
		}
	}
}

// TestCheckHintsNameTheMistake feeds the checks the usual wrong versions and checks that each
// fails with the hint that names its mistake.
func TestCheckHintsNameTheMistake(t *testing.T) {
	t.Parallel()
	outside := []ShrinkCase{{2, 0.5}, {-3, 1}}
	for _, tc := range []struct {
		name  string
		cases []ShrinkCase
		soft  func(a, t float64) float64
		hint  string
	}{
		{"hard threshold", outside, func(a, t float64) float64 {
			if math.Abs(a) > t {
				return a
			}
			return 0
		}, "hard threshold"},
		{"away from zero", outside, func(a, t float64) float64 { return a + t*math.Copysign(1, a) }, "toward zero, not away"},
		{"a − t on both sides", []ShrinkCase{{-3, 1}}, func(a, t float64) float64 { return a - t }, "toward zero, not away"},
		{"leaky dead zone", []ShrinkCase{{0.3, 0.5}}, func(a, t float64) float64 { return a / 2 }, "dead zone"},
	} {
		r := CheckSoftThresholdCases("shrink", tc.cases, tc.soft)
		if r.Passed || !strings.Contains(r.Hint, tc.hint) {
			t.Errorf("%s: %v, want a hint containing %q", tc.name, r, tc.hint)
		}
	}
	if r := CheckSoftThresholdCases("shrink", outside, SoftThreshold); !r.Passed || r.String() != "✓ shrink: 2 cases pass" {
		t.Errorf("reference: %v", r)
	}

	ascent := []AscentCase{{X: []float32{0.5, 0.4, 0.6}, G: []float32{1, -2, 3}, Rate: 0.05}}
	zero := []AscentCase{{X: []float32{0.2, 0.7}, G: []float32{0, 0}, Rate: 0.1}}
	step := func(scale func(m float64, n int) float64, clip bool) func(x, g []float32, rate float64) {
		return func(x, g []float32, rate float64) {
			m := 0.0
			for _, v := range g {
				m += math.Abs(float64(v))
			}
			m /= float64(len(g))
			for i := range x {
				v := float64(x[i]) + rate*float64(g[i])*scale(m, len(g))
				if clip {
					v = min(1, max(0, v))
				}
				x[i] = float32(v)
			}
		}
	}
	for _, tc := range []struct {
		name  string
		cases []AscentCase
		step  func(x, g []float32, rate float64)
		hint  string
	}{
		{"descent", ascent, step(func(m float64, n int) float64 { return -1 / m }, true), "descent step"},
		{"not normalised", ascent, step(func(m float64, n int) float64 { return 1 }, true), "normalise the gradient"},
		{"sum, not mean", ascent, step(func(m float64, n int) float64 { return 1 / (m * float64(n)) }, true), "not by the sum"},
		{"no clip", []AscentCase{{X: []float32{0.95, 0.05}, G: []float32{2, -2}, Rate: 0.2}}, step(func(m float64, n int) float64 { return 1 / m }, false), "clip every pixel"},
		{"divides by zero", zero, step(func(m float64, n int) float64 { return 1 / m }, true), "do not divide"},
	} {
		r := CheckAscentStepCases("ascent", tc.cases, tc.step)
		if r.Passed || !strings.Contains(r.Hint, tc.hint) {
			t.Errorf("%s: %v, want a hint containing %q", tc.name, r, tc.hint)
		}
	}
	if r := CheckAscentStepCases("ascent", append(ascent, zero...), AscentStep); !r.Passed {
		t.Errorf("reference: %v", r)
	}
}
