package unsup

import (
	"math"
	"math/rand/v2"
	"slices"
)

// TSNEOpts are t-SNE's settings; the zero value means the defaults of van der Maaten and
// Hinton (2008) and scikit-learn.
type TSNEOpts struct {
	Perplexity   float64 // effective number of neighbours (default 30)
	Iters        int     // gradient steps (default 1000)
	LearningRate float64 // step size (default 200)
	Exaggeration float64 // factor on P for the first quarter of the steps, at most 250 (default 12)
}

func (o TSNEOpts) withDefaults() TSNEOpts {
	if o.Perplexity == 0 {
		o.Perplexity = 30
	}
	if o.Iters == 0 {
		o.Iters = 1000
	}
	if o.LearningRate == 0 {
		o.LearningRate = 200
	}
	if o.Exaggeration == 0 {
		o.Exaggeration = 12
	}
	return o
}

// pairDist returns the matrix of squared Euclidean distances between x's points, row-major.
func pairDist(x [][]float64) []float64 {
	n := len(x)
	d := make([]float64, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := sqDist(x[i], x[j])
			d[i*n+j], d[j*n+i] = v, v
		}
	}
	return d
}

// affinities returns t-SNE's symmetric input affinities P (row-major, summing to 1): each
// point's Gaussian conditional distribution over the others, with its bandwidth found by
// bisection so that its perplexity 2^H equals perp, then (P + Pᵀ)/2n.
func affinities(d []float64, n int, perp float64) []float64 {
	p := make([]float64, n*n)
	target := math.Log(perp)
	row := make([]float64, n)
	for i := range n {
		lo, hi, beta := 0.0, math.Inf(1), 1.0
		// Distances relative to the nearest neighbour keep exp from underflowing.
		dmin := math.Inf(1)
		for j := range n {
			if j != i {
				dmin = min(dmin, d[i*n+j])
			}
		}
		for range 100 {
			var sum, sumDP float64
			for j := range n {
				if j == i {
					row[j] = 0
					continue
				}
				dd := d[i*n+j] - dmin
				row[j] = math.Exp(-dd * beta)
				sum += row[j]
				sumDP += dd * row[j]
			}
			h := math.Log(sum) + beta*sumDP/sum // entropy in nats
			if math.Abs(h-target) < 1e-5 {
				break
			}
			if h > target {
				lo = beta
				if math.IsInf(hi, 1) {
					beta *= 2
				} else {
					beta = (beta + hi) / 2
				}
			} else {
				hi = beta
				beta = (beta + lo) / 2
			}
		}
		var sum float64
		for _, v := range row {
			sum += v
		}
		for j, v := range row {
			p[i*n+j] = v / sum
		}
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := max((p[i*n+j]+p[j*n+i])/(2*float64(n)), 1e-12)
			p[i*n+j], p[j*n+i] = v, v
		}
	}
	return p
}

// TSNE embeds x's points in 2-D with exact t-SNE (van der Maaten and Hinton 2008): Gaussian
// affinities of the given perplexity in the input, Student-t affinities in the embedding, and
// gradient descent on KL(P‖Q) with momentum (0.5, then 0.8), per-parameter gains and early
// exaggeration, from a N(0, 10⁻⁴) start drawn with seed. Time and memory grow as n²: use it on
// a few thousand points at most, after PCA to about 50 dimensions.
func TSNE(x [][]float64, opts TSNEOpts, seed uint64) [][]float64 {
	o := opts.withDefaults()
	n := len(x)
	p := affinities(pairDist(x), n, min(o.Perplexity, float64(n-1)/3))
	rng := rand.New(rand.NewPCG(seed, 13))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = 1e-2 * rng.NormFloat64()
	}
	upd, gains, grad := make([]float64, 2*n), make([]float64, 2*n), make([]float64, 2*n)
	for i := range gains {
		gains[i] = 1
	}
	num := make([]float64, n*n)
	stopExag := min(250, o.Iters/4)
	for it := range o.Iters {
		exag, mom := 1.0, 0.8
		if it < stopExag {
			exag, mom = o.Exaggeration, 0.5
		}
		var z float64
		for i := range n {
			for j := i + 1; j < n; j++ {
				dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				v := 1 / (1 + dx*dx + dy*dy)
				num[i*n+j], num[j*n+i] = v, v
				z += 2 * v
			}
		}
		clear(grad)
		for i := range n {
			var gx, gy float64
			for j := range n {
				if j == i {
					continue
				}
				v := num[i*n+j]
				m := (exag*p[i*n+j] - v/z) * v
				gx += m * (y[2*i] - y[2*j])
				gy += m * (y[2*i+1] - y[2*j+1])
			}
			grad[2*i], grad[2*i+1] = 4*gx, 4*gy
		}
		for k, g := range grad {
			if (g > 0) != (upd[k] > 0) {
				gains[k] += 0.2
			} else {
				gains[k] = max(gains[k]*0.8, 0.01)
			}
			upd[k] = mom*upd[k] - o.LearningRate*gains[k]*g
			y[k] += upd[k]
		}
		var mx, my float64
		for i := range n {
			mx += y[2*i]
			my += y[2*i+1]
		}
		for i := range n {
			y[2*i] -= mx / float64(n)
			y[2*i+1] -= my / float64(n)
		}
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = []float64{y[2*i], y[2*i+1]}
	}
	return out
}

// neighbours returns, for each point, the indices of the others sorted by increasing distance
// (ties by index), from the squared-distance matrix d.
func neighbours(d []float64, n, k int) [][]int {
	out := make([][]int, n)
	idx := make([]int, 0, n)
	for i := range n {
		idx = idx[:0]
		for j := range n {
			if j != i {
				idx = append(idx, j)
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			da, db := d[i*n+a], d[i*n+b]
			switch {
			case da < db:
				return -1
			case da > db:
				return 1
			}
			return 0
		})
		out[i] = append([]int(nil), idx[:min(k, n-1)]...)
	}
	return out
}

// KNNAccuracy returns the leave-one-out accuracy of the k-nearest-neighbour classifier on x:
// each point is given the most common label among its k nearest others (ties go to the
// label of the nearest among the tied).
func KNNAccuracy(x [][]float64, labels []int, k int) float64 {
	n := len(x)
	nb := neighbours(pairDist(x), n, k)
	right := 0
	for i, idx := range nb {
		votes := map[int]int{}
		best, bv := -1, 0
		for _, j := range idx {
			votes[labels[j]]++
		}
		for _, j := range idx { // nearest first: ties go to the nearer label
			if v := votes[labels[j]]; v > bv {
				best, bv = labels[j], v
			}
		}
		if best == labels[i] {
			right++
		}
	}
	return float64(right) / float64(n)
}

// Trustworthiness returns T(k) of Venna and Kaski (2001), as scikit-learn computes it: 1 minus
// a penalty for each point's k nearest neighbours in the embedding emb that are not among its k
// nearest in the input x, weighted by how far down x's ranking they are. It is 1 when the
// embedding invents no neighbours. It needs k < n/2.
func Trustworthiness(x, emb [][]float64, k int) float64 {
	n := len(x)
	rank := make([]int, n*n) // rank[i*n+j]: j's rank among i's neighbours in x, from 1
	for i, idx := range neighbours(pairDist(x), n, n-1) {
		for r, j := range idx {
			rank[i*n+j] = r + 1
		}
	}
	var t float64
	for i, idx := range neighbours(pairDist(emb), n, k) {
		for _, j := range idx {
			t += float64(max(0, rank[i*n+j]-k))
		}
	}
	fn, fk := float64(n), float64(k)
	return 1 - 2/(fn*fk*(2*fn-3*fk-1))*t
}
