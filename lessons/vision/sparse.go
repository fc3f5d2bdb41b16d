package vision

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

func sqrtf(x float64) float64 { return math.Sqrt(x) }

// SoftThreshold is ISTA's shrinkage step, the proximal operator of t·|a|: it moves a toward
// zero by t and gives zero when |a| ≤ t.
func SoftThreshold(a, t float64) float64 {
	switch {
	case a > t:
		return a - t
	case a < -t:
		return a + t
	}
	return 0
}

// SparseCoding is an Olshausen–Field dictionary: patches x are coded as x ≈ D a with a sparse
// code a found by minimising ½‖x − D a‖² + λ‖a‖₁.
type SparseCoding struct {
	D      *mat.Dense // d×K dictionary, unit columns: the basis functions
	Lambda float64    // sparsity penalty λ
	Iters  int        // FISTA iterations per code
}

// SparseConfig sets how NewSparseCoding learns.
type SparseConfig struct {
	Bases  int     // K, the number of basis functions
	Lambda float64 // sparsity penalty λ (on whitened patches of unit variance, ~0.1–0.5)
	Iters  int     // FISTA iterations per batch of codes
	Steps  int     // dictionary gradient steps
	Batch  int     // patches per step
	Rate   float64 // dictionary learning rate
	Seed   uint64  // for the initial dictionary and the batches
}

// NewSparseCoding learns a dictionary from the rows of X (whitened patches): each step draws a
// batch, codes it with FISTA under the current dictionary, takes a gradient step on D
// (D += η (X − D A) Aᵀ / B) and renormalises D's columns. It panics on a non-positive size.
func NewSparseCoding(X *mat.Dense, c SparseConfig) *SparseCoding {
	n, d := X.Dims()
	if c.Bases <= 0 || c.Iters <= 0 || c.Steps < 0 || c.Batch <= 0 || c.Batch > n {
		panic(fmt.Sprintf("vision: NewSparseCoding: bad config %+v for %d patches", c, n))
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x5bd1e995))
	D := mat.NewDense(d, c.Bases, nil)
	for i := range d {
		for k := range c.Bases {
			D.Set(i, k, rng.NormFloat64())
		}
	}
	normalizeColumns(D)
	s := &SparseCoding{D: D, Lambda: c.Lambda, Iters: c.Iters}
	Xb := mat.NewDense(c.Batch, d, nil)
	var R, G mat.Dense
	for range c.Steps {
		for r := range c.Batch {
			Xb.SetRow(r, X.RawRowView(rng.IntN(n)))
		}
		A := s.Codes(Xb)
		R.Mul(A, D.T()) // B×d reconstruction
		R.Sub(Xb, &R)   // residual
		G.Mul(R.T(), A) // d×K
		G.Scale(c.Rate/float64(c.Batch), &G)
		D.Add(D, &G)
		normalizeColumns(D)
	}
	return s
}

func normalizeColumns(D *mat.Dense) {
	d, K := D.Dims()
	for k := range K {
		s := 0.0
		for i := range d {
			s += D.At(i, k) * D.At(i, k)
		}
		s = math.Sqrt(s)
		if s == 0 {
			continue
		}
		for i := range d {
			D.Set(i, k, D.At(i, k)/s)
		}
	}
}

// Codes returns the sparse codes (one row per row of X) by FISTA: gradient steps of size 1/L
// on ½‖X − A Dᵀ‖² (L the largest eigenvalue of DᵀD) followed by SoftThreshold at λ/L, with
// Nesterov momentum.
func (s *SparseCoding) Codes(X *mat.Dense) *mat.Dense {
	n, _ := X.Dims()
	_, K := s.D.Dims()
	var DtD, XD mat.Dense
	DtD.Mul(s.D.T(), s.D)
	XD.Mul(X, s.D)
	L := largestEigen(&DtD)
	A := mat.NewDense(n, K, nil)
	Y := mat.NewDense(n, K, nil)
	An := mat.NewDense(n, K, nil)
	var G mat.Dense
	t := 1.0
	th := s.Lambda / L
	for range s.Iters {
		G.Mul(Y, &DtD)
		G.Sub(&G, &XD)
		ya, ga, an := Y.RawMatrix().Data, G.RawMatrix().Data, An.RawMatrix().Data
		for i := range an {
			an[i] = SoftThreshold(ya[i]-ga[i]/L, th)
		}
		tn := (1 + math.Sqrt(1+4*t*t)) / 2
		mom := (t - 1) / tn
		aa := A.RawMatrix().Data
		for i := range an {
			ya[i] = an[i] + mom*(an[i]-aa[i])
		}
		A, An = An, A
		t = tn
	}
	return A
}

// largestEigen returns the largest eigenvalue of the symmetric positive semi-definite M by
// power iteration.
func largestEigen(M *mat.Dense) float64 {
	n, _ := M.Dims()
	v := mat.NewVecDense(n, nil)
	for i := range n {
		v.SetVec(i, 1/math.Sqrt(float64(n))+1e-3*float64(i%7))
	}
	var w mat.VecDense
	lam := 0.0
	for range 100 {
		w.MulVec(M, v)
		nw := mat.Norm(&w, 2)
		if nw == 0 {
			return 1
		}
		lam = nw / mat.Norm(v, 2)
		v.ScaleVec(1/nw, &w)
	}
	return lam * 1.0001
}

// Kurtosis returns the mean excess kurtosis of the columns of A (E[a⁴]/E[a²]² − 3 for each
// output unit, averaged): 0 for Gaussian outputs, large for sparse ones.
func Kurtosis(A *mat.Dense) float64 {
	n, K := A.Dims()
	total := 0.0
	used := 0
	for k := range K {
		m := 0.0
		for r := range n {
			m += A.At(r, k)
		}
		m /= float64(n)
		m2, m4 := 0.0, 0.0
		for r := range n {
			x := A.At(r, k) - m
			m2 += x * x
			m4 += x * x * x * x
		}
		if m2 == 0 {
			continue
		}
		m2 /= float64(n)
		m4 /= float64(n)
		total += m4/(m2*m2) - 3
		used++
	}
	if used == 0 {
		return 0
	}
	return total / float64(used)
}

// MeanAbsCorrelation returns the mean |correlation| between distinct columns of A (pairs where a
// column is constant are skipped): the redundancy of a code.
func MeanAbsCorrelation(A *mat.Dense) float64 {
	n, K := A.Dims()
	Z := mat.NewDense(n, K, nil)
	ok := make([]bool, K)
	for k := range K {
		m := 0.0
		for r := range n {
			m += A.At(r, k)
		}
		m /= float64(n)
		s := 0.0
		for r := range n {
			s += (A.At(r, k) - m) * (A.At(r, k) - m)
		}
		if s == 0 {
			continue
		}
		ok[k] = true
		s = math.Sqrt(s)
		for r := range n {
			Z.Set(r, k, (A.At(r, k)-m)/s)
		}
	}
	var C mat.Dense
	C.Mul(Z.T(), Z)
	sum, cnt := 0.0, 0
	for i := range K {
		for j := i + 1; j < K; j++ {
			if ok[i] && ok[j] {
				sum += math.Abs(C.At(i, j))
				cnt++
			}
		}
	}
	if cnt == 0 {
		return 0
	}
	return sum / float64(cnt)
}
