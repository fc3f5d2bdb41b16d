package vision

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// CheckResult is the outcome of an exercise check: a one-line pass, or the first failing case
// with what was expected and a hint.
type CheckResult struct {
	Name   string // the exercise, e.g. "ISTA shrinkage"
	Passed bool
	Cases  int    // cases run (all of them when Passed)
	Case   string // the failing case, described
	Got    string // what the student's function returned
	Want   string // what the reference returns
	Hint   string // a likely cause
}

// String returns "✓ ISTA shrinkage: 200 cases pass" or the failing case with a hint.
func (r CheckResult) String() string {
	if r.Passed {
		return fmt.Sprintf("✓ %s: %d cases pass", r.Name, r.Cases)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✗ %s: case %d fails\n  case: %s\n  got:  %s\n  want: %s", r.Name, r.Cases, r.Case, r.Got, r.Want)
	if r.Hint != "" {
		fmt.Fprintf(&b, "\n  hint: %s", r.Hint)
	}
	return b.String()
}

// Err returns nil when the check passed, else an error with String's text.
func (r CheckResult) Err() error {
	if r.Passed {
		return nil
	}
	return fmt.Errorf("%s", r.String())
}

func callSafely(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("your function panicked: %v", r)
		}
	}()
	f()
	return nil
}

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
		if err := callSafely(func() { got = soft(c[0], c[1]) }); err != nil {
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
		if err := callSafely(func() { step(got, g, rate) }); err != nil {
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
