package vision

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/lessons/check"
)

// CheckResult is the outcome of an exercise check (see package check).
type CheckResult = check.Result

// CheckSoftThreshold checks a student's ISTA shrinkage step soft(a, t) against SoftThreshold
// on the edge cases (zero, exactly ±t, inside and outside the dead zone) and 200 seeded
// random cases.
func CheckSoftThreshold(soft func(a, t float64) float64) CheckResult {
	res := CheckResult{Name: "ISTA shrinkage"}
	cases := [][2]float64{{0, 0.5}, {0.5, 0.5}, {-0.5, 0.5}, {0.3, 0.5}, {-0.3, 0.5}, {2, 0.5}, {-2, 0.5}, {1, 0}}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 200 {
		cases = append(cases, [2]float64{rng.NormFloat64() * 2, rng.Float64()})
	}
	for _, c := range cases {
		res.Cases++
		var got float64
		if err := check.CallSafely(func() { got = soft(c[0], c[1]) }); err != nil {
			res.Case, res.Got, res.Want = fmt.Sprintf("soft(%g, %g)", c[0], c[1]), err.Error(), fmt.Sprint(SoftThreshold(c[0], c[1]))
			res.Hint = "replace the panic(\"TODO\") with the shrinkage"
			return res
		}
		want := SoftThreshold(c[0], c[1])
		if math.Abs(got-want) > 1e-12 {
			res.Case, res.Got, res.Want = fmt.Sprintf("soft(%g, %g)", c[0], c[1]), fmt.Sprint(got), fmt.Sprint(want)
			switch {
			case math.Abs(c[0]) <= c[1] && got != 0:
				res.Hint = "inside the dead zone |a| ≤ t the code must be exactly 0"
			case math.Abs(got-c[0]) < 1e-12:
				res.Hint = "the step shrinks a toward zero by t: a − t·sign(a)"
			default:
				res.Hint = "shrink toward zero: a − t for a > t, a + t for a < −t"
			}
			return res
		}
	}
	res.Passed = true
	return res
}

// CheckAscentStep checks a student's activation-maximisation step step(x, g, rate) (which
// changes x in place) against AscentStep on seeded random inputs and gradients, including a
// zero gradient and steps that leave [0, 1].
func CheckAscentStep(step func(x, g []float32, rate float64)) CheckResult {
	res := CheckResult{Name: "ascent step"}
	rng := rand.New(rand.NewPCG(5, 5))
	for c := range 100 {
		n := 1 + rng.IntN(20)
		x, g := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()
			if c > 0 {
				g[i] = float32(rng.NormFloat64() * 3)
			}
		}
		rate := []float64{0.01, 0.1, 0.5}[c%3]
		want, got := append([]float32(nil), x...), append([]float32(nil), x...)
		AscentStep(want, g, rate)
		res.Cases++
		desc := fmt.Sprintf("x = %v, g = %v, rate = %g", x, g, rate)
		if err := check.CallSafely(func() { step(got, g, rate) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = desc, err.Error(), fmt.Sprint(want), "replace the panic(\"TODO\") with the step"
			return res
		}
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-5 {
				res.Case, res.Got, res.Want = desc, fmt.Sprint(got), fmt.Sprint(want)
				switch {
				case got[i] < 0 || got[i] > 1:
					res.Hint = "keep the pixels in [0, 1]"
				case c == 0:
					res.Hint = "a zero gradient leaves x unchanged (do not divide by zero)"
				default:
					res.Hint = "step by rate · g / mean|g|: up the gradient, normalised by its mean magnitude"
				}
				return res
			}
		}
	}
	res.Passed = true
	return res
}
