package gen

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/deepnb/deepnb/lessons/stats"
)

// frechetOracle computes the Fréchet distance the textbook way: d×d covariances and the square
// root of Σ₁^½ Σ₂ Σ₁^½ through symmetric eigendecompositions.
func frechetOracle(a, b [][]float64) float64 {
	cov := func(x [][]float64) (*mat.SymDense, []float64) {
		m := stats.ColMeans(x)
		c := centred(x, m)
		var s mat.SymDense
		s.SymOuterK(1/float64(len(x)-1), c.T())
		return &s, m
	}
	sa, ma := cov(a)
	sb, mb := cov(b)
	sqrtm := func(s mat.Symmetric) *mat.Dense {
		var e mat.EigenSym
		e.Factorize(s, true)
		var v mat.Dense
		e.VectorsTo(&v)
		vals := e.Values(nil)
		d := mat.NewDiagDense(len(vals), nil)
		for i, x := range vals {
			d.SetDiag(i, math.Sqrt(max(x, 0)))
		}
		var r mat.Dense
		r.Product(&v, d, v.T())
		return &r
	}
	ra := sqrtm(sa)
	var p mat.Dense
	p.Product(ra, sb, ra)
	ps := mat.NewSymDense(len(ma), nil)
	for i := range len(ma) {
		for j := i; j < len(ma); j++ {
			ps.SetSym(i, j, (p.At(i, j)+p.At(j, i))/2)
		}
	}
	tr := mat.Trace(sqrtm(ps))
	var dist float64
	for k := range ma {
		dist += (ma[k] - mb[k]) * (ma[k] - mb[k])
	}
	return dist + mat.Trace(sa) + mat.Trace(sb) - 2*tr
}

func gaussRows(n, d int, shift, scale float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, d)
		for k := range x[i] {
			x[i][k] = shift + scale*rng.NormFloat64()*float64(1+k%3)
		}
	}
	return x
}

func TestFrechetDistanceMatchesOracle(t *testing.T) {
	for _, tc := range []struct {
		name       string
		na, nb, d  int
		shift, scl float64
	}{
		{"n > d", 200, 150, 6, 0.5, 2},
		{"n < d", 20, 30, 40, 1, 0.5},
		{"same law", 300, 300, 5, 0, 1},
	} {
		a := gaussRows(tc.na, tc.d, 0, 1, 1)
		b := gaussRows(tc.nb, tc.d, tc.shift, tc.scl, 2)
		got, err := FrechetDistance(a, b)
		if err != nil {
			t.Fatal(err)
		}
		want := frechetOracle(a, b)
		if math.Abs(got-want) > 1e-6*max(1, math.Abs(want)) {
			t.Errorf("%s: FrechetDistance %v, oracle %v", tc.name, got, want)
		}
		if self, _ := FrechetDistance(a, a); math.Abs(self) > 1e-8*frob(a) {
			t.Errorf("%s: distance of a set to itself %v, want 0", tc.name, self)
		}
	}
}

func frob(x [][]float64) float64 {
	var s float64
	for _, r := range x {
		for _, v := range r {
			s += v * v
		}
	}
	return s
}
