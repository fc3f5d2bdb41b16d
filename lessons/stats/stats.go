package stats

import "math"

// Mean returns the mean Σvᵢ/n of v, summed in v's order (the same v gives the same bits). An
// empty v gives NaN.
//
// Introduced in notebooks/05-reinforcement-learning.
func Mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// MeanStd returns the mean m = Σvᵢ/n and the population standard deviation
// sd = √(Σ(vᵢ − m)²/n) of v, in two passes in v's order (the same v gives the same bits). For a
// constant v it returns sd = 1, so that dividing by sd (standardising) leaves the centred
// values 0 instead of NaN. An empty v gives NaN, NaN.
//
// Introduced in notebooks/07a-supervised-and-unsupervised.
func MeanStd(v []float64) (m, sd float64) {
	m = Mean(v)
	for _, x := range v {
		sd += (x - m) * (x - m)
	}
	sd = math.Sqrt(sd / float64(len(v)))
	if sd == 0 {
		sd = 1
	}
	return m, sd
}

// ColMeans returns the mean of each column of the rows x (all of one length),
// mⱼ = Σᵢ xᵢⱼ/n, each term divided by n as it is added, in x's order. It panics if x is empty.
//
// Introduced in notebooks/07a-supervised-and-unsupervised.
func ColMeans(x [][]float64) []float64 {
	if len(x) == 0 {
		panic("stats.ColMeans: no rows")
	}
	m := make([]float64, len(x[0]))
	for _, r := range x {
		for j, v := range r {
			m[j] += v / float64(len(x))
		}
	}
	return m
}
