package unsup

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// PCA is a principal component analysis: the mean and the leading principal directions of a
// set of points.
type PCA struct {
	Mean       []float64
	Components [][]float64 // unit vectors, by decreasing variance
	Variance   []float64   // the variance along each component
	Total      float64     // the total variance of the data
}

// FitPCA returns the k leading principal components of x, from gonum's thin SVD of the centred
// data. It returns an error if the SVD fails and panics unless 1 ≤ k ≤ the dimension.
func FitPCA(x [][]float64, k int) (*PCA, error) {
	n, d := len(x), len(x[0])
	if k < 1 || k > d {
		panic(fmt.Sprintf("unsup.FitPCA: k = %d for dimension %d", k, d))
	}
	p := &PCA{Mean: make([]float64, d)}
	for _, r := range x {
		for j, v := range r {
			p.Mean[j] += v / float64(n)
		}
	}
	a := mat.NewDense(n, d, nil)
	for i, r := range x {
		for j, v := range r {
			a.Set(i, j, v-p.Mean[j])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThinV) {
		return nil, fmt.Errorf("unsup: PCA: SVD of the %d×%d data did not converge", n, d)
	}
	s := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v)
	for i, sv := range s {
		p.Total += sv * sv / float64(n)
		if i < k {
			p.Variance = append(p.Variance, sv*sv/float64(n))
			p.Components = append(p.Components, mat.Col(nil, i, &v))
		}
	}
	return p, nil
}

// Transform returns the coordinates of x's points along the components.
func (p *PCA) Transform(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i, r := range x {
		z := make([]float64, len(p.Components))
		for c, comp := range p.Components {
			for j, v := range r {
				z[c] += (v - p.Mean[j]) * comp[j]
			}
		}
		out[i] = z
	}
	return out
}

// Explained returns the fraction of the total variance the components keep.
func (p *PCA) Explained() float64 {
	var s float64
	for _, v := range p.Variance {
		s += v
	}
	return s / p.Total
}
