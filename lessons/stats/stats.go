package stats

import "math"

// MeanStd returns the mean m = Σvᵢ/n and the population standard deviation
// sd = √(Σ(vᵢ − m)²/n) of v, in two passes in v's order (the same v gives the same bits). For a
// constant v it returns sd = 1, so that dividing by sd (standardising) leaves the centred
// values 0 instead of NaN. An empty v gives NaN, NaN.
//
// Introduced in notebooks/07a-supervised-and-unsupervised.
func MeanStd(v []float64) (m, sd float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		sd += (x - m) * (x - m)
	}
	sd = math.Sqrt(sd / float64(len(v)))
	if sd == 0 {
		sd = 1
	}
	return m, sd
}
