package vision

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/lessons/check"
)

// CheckResult is the outcome of an exercise check (see package check).
type CheckResult = check.Result

// ShrinkCase is one case of a shrinkage check: soft(A, T).
type ShrinkCase struct{ A, T float64 }

// CheckSoftThreshold checks a student's ISTA shrinkage step soft(a, t) against SoftThreshold
// on the edge cases (zero, exactly ±t, inside and outside the dead zone) and 200 seeded
// random cases.
//
// Introduced in notebooks/03-seeing-inside-a-network.
func CheckSoftThreshold(soft func(a, t float64) float64) CheckResult {
	cases := []ShrinkCase{{0, 0.5}, {0.5, 0.5}, {-0.5, 0.5}, {0.3, 0.5}, {-0.3, 0.5}, {2, 0.5}, {-2, 0.5}, {1, 0}}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 200 {
		cases = append(cases, ShrinkCase{rng.NormFloat64() * 2, rng.Float64()})
	}
	return CheckSoftThresholdCases("ISTA shrinkage", cases, soft)
}

// CheckSoftThresholdCases checks soft on the given cases, in order, against SoftThreshold;
// name names the check in the result. Graded (hidden) tests use it with cases aimed at one
// mistake each. A failing case's hint names the mistake when the answer is that of a usual
// wrong version (a hard threshold, a shrink away from zero, a leaky dead zone).
func CheckSoftThresholdCases(name string, cases []ShrinkCase, soft func(a, t float64) float64) CheckResult {
	res := CheckResult{Name: name}
	for i, c := range cases {
		res.Cases = i + 1
		want := SoftThreshold(c.A, c.T)
		res.Case, res.Want = fmt.Sprintf("soft(%g, %g)", c.A, c.T), fmt.Sprint(want)
		var got float64
		if err := check.CallSafely(func() { got = soft(c.A, c.T) }); err != nil {
			res.Got, res.Hint = err.Error(), "replace the panic with the shrinkage"
			return res
		}
		if math.Abs(got-want) > 1e-12 || math.IsNaN(got) {
			res.Got, res.Hint = fmt.Sprint(got), shrinkHint(c.A, c.T, got)
			return res
		}
	}
	res.Case, res.Want = "", ""
	res.Passed = true
	return res
}

// shrinkHint guesses the mistake behind soft(a, t) = got.
func shrinkHint(a, t, got float64) string {
	same := func(v float64) bool { return math.Abs(got-v) < 1e-12 }
	switch {
	case math.Abs(a) <= t:
		return "inside the dead zone |a| ≤ t the code must be exactly 0"
	case same(a):
		return "that is a hard threshold (keep a, or zero it): the soft threshold also shrinks the survivors toward zero by t, a − t·sign(a)"
	case same(a+t) && a > t, same(a-t) && a < -t:
		return "shrink toward zero, not away from it: a − t above t, a + t below −t"
	case same(-SoftThreshold(a, t)):
		return "the sign is flipped: the result keeps a's sign"
	}
	return "shrink toward zero by exactly t: a − t for a > t, a + t for a < −t"
}

// AscentCase is one case of an ascent-step check: step(X, G, Rate) on a copy of X.
type AscentCase struct {
	X, G []float32
	Rate float64
}

// CheckAscentStep checks a student's activation-maximisation step step(x, g, rate) (which
// changes x in place) against AscentStep on seeded random inputs and gradients, including a
// zero gradient and steps that leave [0, 1].
//
// Introduced in notebooks/03-seeing-inside-a-network.
func CheckAscentStep(step func(x, g []float32, rate float64)) CheckResult {
	rng := rand.New(rand.NewPCG(5, 5))
	cases := make([]AscentCase, 100)
	for c := range cases {
		n := 1 + rng.IntN(20)
		x, g := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()
			if c > 0 {
				g[i] = float32(rng.NormFloat64() * 3)
			}
		}
		cases[c] = AscentCase{X: x, G: g, Rate: []float64{0.01, 0.1, 0.5}[c%3]}
	}
	return CheckAscentStepCases("ascent step", cases, step)
}

// CheckAscentStepCases checks step on the given cases, in order, against AscentStep; name
// names the check in the result. Graded (hidden) tests use it with cases aimed at one mistake
// each. A failing case's hint names the mistake when the answer is that of a usual wrong
// version (a descent step, no normalisation, no clipping, a division by a zero gradient).
func CheckAscentStepCases(name string, cases []AscentCase, step func(x, g []float32, rate float64)) CheckResult {
	res := CheckResult{Name: name}
	for i, c := range cases {
		res.Cases = i + 1
		want, got, g := clone32(c.X), clone32(c.X), clone32(c.G)
		AscentStep(want, c.G, c.Rate)
		res.Case, res.Want = fmt.Sprintf("x = %v, g = %v, rate = %g", c.X, c.G, c.Rate), fmt.Sprint(want)
		if err := check.CallSafely(func() { step(got, g, c.Rate) }); err != nil {
			res.Got, res.Hint = err.Error(), "replace the panic with the step"
			return res
		}
		if !near32(got, want) {
			res.Got, res.Hint = fmt.Sprint(got), ascentHint(c, got)
			return res
		}
	}
	res.Case, res.Want = "", ""
	res.Passed = true
	return res
}

// ascentHint guesses the mistake behind an ascent step that gave got in case c.
func ascentHint(c AscentCase, got []float32) string {
	m := 0.0
	for _, v := range c.G {
		m += math.Abs(float64(v))
	}
	m /= float64(len(c.G))
	variant := func(scale float64, clip bool) []float32 {
		out := clone32(c.X)
		for i := range out {
			v := float64(out[i]) + scale*float64(c.G[i])
			if clip {
				v = min(1, max(0, v))
			}
			out[i] = float32(v)
		}
		return out
	}
	for _, v := range got {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			if m == 0 {
				return "a zero gradient leaves x unchanged: do not divide by mean|g| when it is 0"
			}
			return "the step gave NaN or ±Inf: divide by mean|g|, the mean of the gradient's absolute values"
		}
	}
	switch {
	case m == 0:
		return "a zero gradient leaves x unchanged"
	case near32(got, variant(-c.Rate/m, true)) || near32(got, variant(-c.Rate/m, false)):
		return "that is a descent step: ascent goes up the gradient, x + rate·g/mean|g| (plus, not minus)"
	case near32(got, variant(c.Rate, true)) || near32(got, variant(c.Rate, false)):
		return "normalise the gradient: step by rate·g/mean|g|, not rate·g"
	case near32(got, variant(c.Rate/(m*float64(len(c.G))), true)):
		return "divide by the mean of |g| (the sum divided by the number of pixels), not by the sum"
	case near32(got, variant(c.Rate/m, false)):
		return "clip every pixel to [0, 1] after the step"
	}
	for _, v := range got {
		if v < 0 || v > 1 {
			return "keep the pixels in [0, 1]"
		}
	}
	return "step by rate · g / mean|g|: up the gradient, normalised by its mean magnitude, then clip to [0, 1]"
}

func clone32(x []float32) []float32 { return append([]float32(nil), x...) }

func near32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(float64(a[i]-b[i])) <= 1e-5) {
			return false
		}
	}
	return true
}
