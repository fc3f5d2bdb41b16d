package unsup

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/deepnb/deepnb/lessons/stats"
)

// GMM is a Gaussian mixture: component c has weight Weights[c], mean Means[c] and full
// covariance Covs[c].
type GMM struct {
	Weights []float64
	Means   [][]float64
	Covs    []*mat.SymDense
	chol    []mat.Cholesky
}

// NewGMM returns the mixture with the given parts; it returns an error naming the component
// whose covariance is not positive definite.
func NewGMM(weights []float64, means [][]float64, covs []*mat.SymDense) (*GMM, error) {
	g := &GMM{Weights: weights, Means: means, Covs: covs, chol: make([]mat.Cholesky, len(covs))}
	for c, s := range covs {
		if !g.chol[c].Factorize(s) {
			return nil, fmt.Errorf("unsup: GMM component %d: covariance not positive definite", c)
		}
	}
	return g, nil
}

// logNormal returns log N(x | μ_c, Σ_c).
func (g *GMM) logNormal(c int, x []float64) float64 {
	d := len(x)
	diff := make([]float64, d)
	for j := range d {
		diff[j] = x[j] - g.Means[c][j]
	}
	var sol mat.VecDense
	if err := g.chol[c].SolveVecTo(&sol, mat.NewVecDense(d, diff)); err != nil {
		return math.Inf(-1)
	}
	m := mat.Dot(mat.NewVecDense(d, diff), &sol)
	return -0.5 * (float64(d)*math.Log(2*math.Pi) + g.chol[c].LogDet() + m)
}

// LogPDF returns log p(x) of one point, in nats.
func (g *GMM) LogPDF(x []float64) float64 {
	l := make([]float64, len(g.Weights))
	for c, w := range g.Weights {
		l[c] = math.Log(w) + g.logNormal(c, x)
	}
	return logSumExp(l)
}

// MeanLogLik returns the mean log-likelihood of x's points, in nats per point.
func (g *GMM) MeanLogLik(x [][]float64) float64 {
	var s float64
	for _, p := range x {
		s += g.LogPDF(p)
	}
	return s / float64(len(x))
}

func logSumExp(l []float64) float64 {
	m := math.Inf(-1)
	for _, v := range l {
		m = max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, v := range l {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// FitGMM fits a k-component Gaussian mixture with full covariances to x by expectation–
// maximisation (Dempster, Laird and Rubin 1977): means start at k-means++ centres (seeded),
// covariances at the data's, weights equal; each iteration computes every point's
// responsibilities (E) and re-estimates weights, means and covariances from them (M), with reg
// added to each covariance's diagonal to keep it invertible. It returns the mixture and the
// mean log-likelihood of x after each iteration, which EM never lowers.
func FitGMM(x [][]float64, k, iters int, reg float64, seed uint64) (*GMM, []float64, error) {
	n, d := len(x), len(x[0])
	km := KMeans(x, k, 0, seed) // seeding only
	all := covariance(x, stats.ColMeans(x), nil, reg)
	weights := make([]float64, k)
	covs := make([]*mat.SymDense, k)
	for c := range k {
		weights[c] = 1 / float64(k)
		covs[c] = mat.NewSymDense(d, nil)
		covs[c].CopySym(all)
	}
	g, err := NewGMM(weights, km.Centres, covs)
	if err != nil {
		return nil, nil, err
	}
	resp := make([][]float64, n)
	for i := range resp {
		resp[i] = make([]float64, k)
	}
	var hist []float64
	for range iters {
		// E step.
		for i, p := range x {
			for c, w := range g.Weights {
				resp[i][c] = math.Log(w) + g.logNormal(c, p)
			}
			lse := logSumExp(resp[i])
			for c := range resp[i] {
				resp[i][c] = math.Exp(resp[i][c] - lse)
			}
		}
		// M step.
		weights, means, covs := make([]float64, k), make([][]float64, k), make([]*mat.SymDense, k)
		for c := range k {
			w := make([]float64, n)
			var nc float64
			for i := range x {
				w[i] = resp[i][c]
				nc += w[i]
			}
			nc = max(nc, 1e-12)
			weights[c] = nc / float64(n)
			means[c] = make([]float64, d)
			for i, p := range x {
				for j, v := range p {
					means[c][j] += w[i] * v / nc
				}
			}
			covs[c] = covariance(x, means[c], w, reg)
		}
		if g, err = NewGMM(weights, means, covs); err != nil {
			return nil, nil, err
		}
		hist = append(hist, g.MeanLogLik(x))
	}
	return g, hist, nil
}

// covariance returns Σ wᵢ (xᵢ − m)(xᵢ − m)ᵀ / Σ wᵢ + reg·I (all weights 1 if w is nil).
func covariance(x [][]float64, m, w []float64, reg float64) *mat.SymDense {
	d := len(m)
	s := mat.NewSymDense(d, nil)
	var total float64
	diff := make([]float64, d)
	for i, p := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi < 1e-12 {
			continue
		}
		total += wi
		for j := range d {
			diff[j] = p[j] - m[j]
		}
		s.SymRankOne(s, wi, mat.NewVecDense(d, diff))
	}
	s.ScaleSym(1/max(total, 1e-12), s)
	for j := range d {
		s.SetSym(j, j, s.At(j, j)+reg)
	}
	return s
}

// KDE is a Gaussian kernel density estimate: the mean of isotropic Gaussians of standard
// deviation Bandwidth centred on the Points.
type KDE struct {
	Points    [][]float64
	Bandwidth float64
}

// LogPDF returns log p(x) of one point, in nats.
func (k KDE) LogPDF(x []float64) float64 {
	d := float64(len(x))
	h2 := k.Bandwidth * k.Bandwidth
	l := make([]float64, len(k.Points))
	for i, p := range k.Points {
		l[i] = -sqDist(x, p) / (2 * h2)
	}
	return logSumExp(l) - math.Log(float64(len(k.Points))) - d/2*math.Log(2*math.Pi*h2)
}

// MeanLogLik returns the mean log-likelihood of x's points, in nats per point.
func (k KDE) MeanLogLik(x [][]float64) float64 {
	var s float64
	for _, p := range x {
		s += k.LogPDF(p)
	}
	return s / float64(len(x))
}

// FitKDE returns the KDE on points whose bandwidth, among the candidates, gives val the highest
// mean log-likelihood.
func FitKDE(points, val [][]float64, bandwidths []float64) KDE {
	best, bl := KDE{Points: points, Bandwidth: bandwidths[0]}, math.Inf(-1)
	for _, h := range bandwidths {
		k := KDE{Points: points, Bandwidth: h}
		if l := k.MeanLogLik(val); l > bl {
			best, bl = k, l
		}
	}
	return best
}

// ToyMixture returns the 2-D mixture the lecture's density-estimation example draws from: three
// elongated Gaussians of weights 0.5, 0.3 and 0.2.
func ToyMixture() *GMM {
	sym := func(a, b, c float64) *mat.SymDense { return mat.NewSymDense(2, []float64{a, b, b, c}) }
	g, err := NewGMM([]float64{0.5, 0.3, 0.2},
		[][]float64{{0, 0}, {4, 3}, {-3, 4}},
		[]*mat.SymDense{sym(2, 1.2, 1), sym(0.5, 0, 2), sym(1, -0.6, 0.6)})
	if err != nil {
		panic(err)
	}
	return g
}

// Sample draws n points from the mixture with a generator seeded with seed.
func (g *GMM) Sample(n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 59))
	d := len(g.Means[0])
	out := make([][]float64, n)
	for i := range out {
		r, c := rng.Float64(), 0
		for c < len(g.Weights)-1 && r >= g.Weights[c] {
			r -= g.Weights[c]
			c++
		}
		var l mat.TriDense
		g.chol[c].LTo(&l)
		e := make([]float64, d)
		for j := range e {
			e[j] = rng.NormFloat64()
		}
		var v mat.VecDense
		v.MulVec(&l, mat.NewVecDense(d, e))
		p := make([]float64, d)
		for j := range p {
			p[j] = g.Means[c][j] + v.AtVec(j)
		}
		out[i] = p
	}
	return out
}

// DensityGrid returns log p on a side×side grid over [x0, x1]×[y0, y1] (rows from y1 down to
// y0), as a [side, side] row-major slice, for a heat map of a 2-D density.
func DensityGrid(logPDF func([]float64) float64, x0, x1, y0, y1 float64, side int) []float32 {
	out := make([]float32, 0, side*side)
	for r := range side {
		y := y1 - (y1-y0)*float64(r)/float64(side-1)
		for c := range side {
			x := x0 + (x1-x0)*float64(c)/float64(side-1)
			out = append(out, float32(logPDF([]float64{x, y})))
		}
	}
	return out
}
