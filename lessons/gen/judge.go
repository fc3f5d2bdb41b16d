package gen

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/stats"
)

// Judgement is what the classifier says of a batch of images.
type Judgement struct {
	Features [][]float64 // penultimate features (the last linear layer's input), one row per image
	Labels   []int       // predicted digit
	Conf     []float64   // probability of the predicted digit
}

// Judge runs the classifier (a Sequential whose last layer is the linear read-out, as
// lessons/digits.NewCNN, lecture 02's CNN) on images x [N, 1, 28, 28] without gradients, in batches.
func Judge(cnn *nn.Sequential, x *dl.Tensor) Judgement {
	var j Judgement
	body := nn.NewSequential(cnn.Layers[:len(cnn.Layers)-1]...)
	head := cnn.Layers[len(cnn.Layers)-1]
	nn.SetTrain(cnn, false)
	for lo := 0; lo < x.Dim(0); lo += 250 {
		f := body.Forward(x.Slice(0, lo, min(lo+250, x.Dim(0))).NoGrad())
		p := head.Forward(f).Softmax(1)
		labels := p.ArgMax(1)
		for i, l := range labels {
			j.Labels = append(j.Labels, l)
			j.Conf = append(j.Conf, float64(p.At(i, l)))
		}
		d, w := f.Data(), f.Dim(1)
		for i := range f.Dim(0) {
			r := make([]float64, w)
			for k, v := range d[i*w : (i+1)*w] {
				r[k] = float64(v)
			}
			j.Features = append(j.Features, r)
		}
	}
	return j
}

// MeanConfidence returns the mean probability the classifier gives its own prediction.
func (j Judgement) MeanConfidence() float64 { return stats.Mean(j.Conf) }

// LabelEntropy returns the entropy in bits of the predicted labels' distribution: log₂10 ≈ 3.32
// when all ten digits are equally common, 0 when every sample is the same digit.
func (j Judgement) LabelEntropy() float64 {
	counts := map[int]float64{}
	for _, l := range j.Labels {
		counts[l]++
	}
	var h float64
	for _, c := range counts {
		p := c / float64(len(j.Labels))
		h -= p * math.Log2(p)
	}
	return h
}

// LabelCounts returns how many images were given each digit.
func (j Judgement) LabelCounts() [10]int {
	var c [10]int
	for _, l := range j.Labels {
		c[l]++
	}
	return c
}

// FrechetDistance returns the Fréchet distance between Gaussians fitted to two sets of feature
// rows (Heusel et al. 2017's FID when the features are Inception's):
//
//	‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^½.
//
// tr (Σ₁Σ₂)^½ is computed exactly from the centred data: the eigenvalues of Σ₁Σ₂ are the squared
// singular values of X₁X₂ᵀ/√((n₁−1)(n₂−1)), so it is the sum of those singular values — an
// n₁×n₂ SVD instead of square roots of d×d matrices. It returns an error if the SVD fails.
func FrechetDistance(a, b [][]float64) (float64, error) {
	d := len(a[0])
	ma, mb := stats.ColMeans(a), stats.ColMeans(b)
	var dist float64
	for k := range d {
		dist += (ma[k] - mb[k]) * (ma[k] - mb[k])
	}
	xa, xb := centred(a, ma), centred(b, mb)
	na, nb := float64(len(a)-1), float64(len(b)-1)
	dist += frob2(xa)/na + frob2(xb)/nb
	var m mat.Dense
	m.Mul(xa, xb.T())
	var svd mat.SVD
	if !svd.Factorize(&m, mat.SVDNone) {
		return 0, fmt.Errorf("gen: Fréchet distance: SVD of the %d×%d cross-product did not converge", len(a), len(b))
	}
	var nuc float64
	for _, s := range svd.Values(nil) {
		nuc += s
	}
	return dist - 2*nuc/math.Sqrt(na*nb), nil
}

func centred(x [][]float64, m []float64) *mat.Dense {
	out := mat.NewDense(len(x), len(m), nil)
	for i, r := range x {
		for k, v := range r {
			out.Set(i, k, v-m[k])
		}
	}
	return out
}

// frob2 returns the sum of the squares of x's elements.
func frob2(x *mat.Dense) float64 {
	r, c := x.Dims()
	var s float64
	for i := range r {
		for k := range c {
			s += x.At(i, k) * x.At(i, k)
		}
	}
	return s
}

// NearestNeighbours returns, for each image of x [n, 1, 28, 28], the index in pool [N, 1, 28,
// 28] of the image nearest in pixels (Euclidean), and that distance.
func NearestNeighbours(x, pool *dl.Tensor) (idx []int, dist []float64) {
	d := x.Len() / x.Dim(0)
	xd, pd := x.Data(), pool.Data()
	for i := range x.Dim(0) {
		q := xd[i*d : (i+1)*d]
		best, bd := -1, math.Inf(1)
		for j := range pool.Dim(0) {
			var s float64
			for k, v := range pd[j*d : (j+1)*d] {
				e := float64(v - q[k])
				s += e * e
			}
			if s < bd {
				best, bd = j, s
			}
		}
		idx = append(idx, best)
		dist = append(dist, math.Sqrt(bd))
	}
	return idx, dist
}
