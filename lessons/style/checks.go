package style

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/check"
)

// CheckResult is the outcome of an exercise check (see package check).
type CheckResult = check.Result

// randomFeatures returns seeded random feature matrices [n][m] for the checks.
func randomFeatures(rng *rand.Rand, n, m int) [][]float64 {
	f := make([][]float64, n)
	for i := range f {
		f[i] = make([]float64, m)
		for j := range f[i] {
			f[i][j] = rng.NormFloat64()
		}
	}
	return f
}

func tensorOf(f [][]float64) *dl.Tensor {
	n, m := len(f), len(f[0])
	t := dl.Zeros(n, m)
	for i := range f {
		for j := range f[i] {
			t.Set(float32(f[i][j]), i, j)
		}
	}
	return t
}

// CheckGram checks a student's Gram matrix gram(F) (F is N×M: N channels, M positions; the
// answer is N×N) against Gram on 60 seeded random feature matrices, including one channel and
// one position.
func CheckGram(gram func(f [][]float64) [][]float64) CheckResult {
	res := CheckResult{Name: "Gram matrix"}
	rng := rand.New(rand.NewPCG(11, 4))
	for c := range 60 {
		n, m := 1+rng.IntN(6), 1+rng.IntN(9)
		if c == 0 {
			n, m = 1, 1
		}
		f := randomFeatures(rng, n, m)
		want := Gram(tensorOf(f))
		res.Cases++
		desc := fmt.Sprintf("F = %.3v (%d channels × %d positions)", f, n, m)
		var got [][]float64
		if err := check.CallSafely(func() { got = gram(f) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = desc, err.Error(), fmt.Sprintf("%.4v", want), "replace the panic(\"TODO\") with the Gram matrix"
			return res
		}
		if len(got) != n {
			res.Case, res.Got, res.Want, res.Hint = desc, fmt.Sprintf("%d rows", len(got)), fmt.Sprintf("%d rows", n), "G = F Fᵀ is N×N: one row and column per channel, not per position"
			return res
		}
		for i := range n {
			if len(got[i]) != n {
				res.Case, res.Got, res.Want, res.Hint = desc, fmt.Sprintf("row %d has %d entries", i, len(got[i])), fmt.Sprintf("%d", n), "G = F Fᵀ is N×N"
				return res
			}
			for j := range n {
				w := float64(want.At(i, j))
				if math.Abs(got[i][j]-w) > 1e-4*(1+math.Abs(w)) {
					res.Case, res.Got, res.Want = desc, fmt.Sprintf("G[%d][%d] = %.5g", i, j, got[i][j]), fmt.Sprintf("%.5g", w)
					res.Hint = "G_ij = Σ_k F_ik F_jk: the inner product of channels i and j over the positions (no mean)"
					return res
				}
			}
		}
	}
	res.Passed = true
	return res
}

// CheckStyleLoss checks a student's per-layer style loss e(F, A) = 1/(4N²M²) Σ (G − A)² (F is
// N×M, A the painting's N×N Gram matrix) against StyleLayerLoss on 60 seeded random cases.
func CheckStyleLoss(e func(f, a [][]float64) float64) CheckResult {
	res := CheckResult{Name: "style loss"}
	rng := rand.New(rand.NewPCG(12, 5))
	for range 60 {
		n, m := 1+rng.IntN(6), 1+rng.IntN(9)
		f := randomFeatures(rng, n, m)
		a := Gram(tensorOf(randomFeatures(rng, n, m)))
		aa := make([][]float64, n)
		for i := range aa {
			aa[i] = make([]float64, n)
			for j := range aa[i] {
				aa[i][j] = float64(a.At(i, j))
			}
		}
		want := float64(StyleLayerLoss(tensorOf(f), a).Item())
		res.Cases++
		desc := fmt.Sprintf("F = %.3v, A = %.3v", f, aa)
		var got float64
		if err := check.CallSafely(func() { got = e(f, aa) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = desc, err.Error(), fmt.Sprint(want), "replace the panic(\"TODO\") with the style loss"
			return res
		}
		if math.Abs(got-want) > 1e-4*(1e-6+math.Abs(want)) {
			res.Case, res.Got, res.Want = desc, fmt.Sprintf("%.6g", got), fmt.Sprintf("%.6g", want)
			nn, mm := float64(n*n), float64(m*m)
			switch r := got / want; {
			case math.Abs(r-4*nn*mm) < 1e-3*r:
				res.Hint = "divide Σ(G − A)² by 4 N² M²"
			case math.Abs(r*float64(n*n)-4*nn*mm) < 1e-3*r*float64(n*n):
				res.Hint = "Σ runs over all N² entries: a sum, then 1/(4N²M²), not a mean"
			default:
				res.Hint = "E = Σ_ij (G_ij − A_ij)² / (4 N² M²) with G = F Fᵀ, N channels and M positions"
			}
			return res
		}
	}
	res.Passed = true
	return res
}
