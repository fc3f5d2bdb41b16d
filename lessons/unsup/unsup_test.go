package unsup

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/deepnb/deepnb/datasets"
)

// blobs returns n points in d dimensions around k well-separated centres (10 apart, unit
// spread), with their blob as label.
func blobs(n, d, k int, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	x, y := make([][]float64, n), make([]int, n)
	for i := range x {
		y[i] = i % k
		x[i] = make([]float64, d)
		for j := range d {
			x[i][j] = rng.NormFloat64()
		}
		x[i][y[i]%d] += 10 * float64(1+y[i]/d)
	}
	return x, y
}

var mnist = sync.OnceValues(func() (*datasets.Set, error) {
	trainSet, _, err := datasets.MNIST(1000, 0)
	return trainSet, err
})

func digits(t *testing.T, n int) ([][]float64, []int) {
	t.Helper()
	s, err := mnist()
	if err != nil {
		t.Fatal(err)
	}
	s = s.Subset(n)
	return Rows(s.X), s.Y
}

func TestNMIAndPurity(t *testing.T) {
	for _, tc := range []struct {
		name           string
		assign, labels []int
		nmi, purity    float64
	}{
		{"identical", []int{0, 0, 1, 1, 2, 2}, []int{0, 0, 1, 1, 2, 2}, 1, 1},
		{"renamed", []int{2, 2, 0, 0, 1, 1}, []int{0, 0, 1, 1, 2, 2}, 1, 1},
		{"independent", []int{0, 1, 0, 1}, []int{0, 0, 1, 1}, 0, 0.5},
		{"one cluster", []int{0, 0, 0, 0}, []int{0, 0, 1, 1}, 0, 0.5},
		// By hand: H(A) = ln 2, H(L) = −¼ln¼ − ¾ln¾ = 0.5623, I(A; L) = ¼ln2 + ¼ln(2/3) + ½ln(4/3)
		// = 0.2158, NMI = I/((H(A)+H(L))/2).
		{"partial", []int{0, 0, 1, 1}, []int{0, 1, 1, 1}, 0.34371101848545077, 0.75},
	} {
		if got := NMI(tc.assign, tc.labels); math.Abs(got-tc.nmi) > 1e-9 {
			t.Errorf("%s: NMI %v, want %v", tc.name, got, tc.nmi)
		}
		if got := Purity(tc.assign, tc.labels); math.Abs(got-tc.purity) > 1e-12 {
			t.Errorf("%s: purity %v, want %v", tc.name, got, tc.purity)
		}
	}
}

func TestMajorityLabels(t *testing.T) {
	got := MajorityLabels([]int{0, 0, 0, 1, 1, 2}, []int{3, 3, 1, 2, 4, 5}, 4)
	want := []int{3, 2, 5, -1}
	if !slices.Equal(got, want) {
		t.Errorf("MajorityLabels = %v, want %v", got, want)
	}
}

func TestKMeansFindsBlobs(t *testing.T) {
	x, y := blobs(300, 5, 4, 1)
	c := KMeans(x, 4, 100, 1)
	if nmi := NMI(c.Assign, y); nmi < 0.999 {
		t.Errorf("NMI %.3f on four well-separated blobs, want 1", nmi)
	}
	if c.Iters >= 100 {
		t.Errorf("did not converge in 100 iterations")
	}
}

func TestKMeansMNIST(t *testing.T) {
	x, y := digits(t, 1000)
	c := KMeans(x, 10, 100, 1)
	nmi, pur := NMI(c.Assign, y), Purity(c.Assign, y)
	t.Logf("k-means on 1000 raw MNIST digits: NMI %.3f, purity %.3f, %d iterations", nmi, pur, c.Iters)
	if nmi < 0.4 || pur < 0.5 {
		t.Errorf("NMI %.3f, purity %.3f; want ≥ 0.4 and ≥ 0.5", nmi, pur)
	}
}

func TestPCA(t *testing.T) {
	// Points on the line (1, 2, 2)/3 · s with tiny noise: one component explains nearly all.
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([][]float64, 200)
	for i := range x {
		s := rng.NormFloat64() * 5
		x[i] = []float64{s/3 + 1e-3*rng.NormFloat64(), 2*s/3 + 4, 2 * s / 3}
	}
	p, err := FitPCA(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Components[0]
	if math.Abs(math.Abs(c[0])-1.0/3) > 1e-3 || math.Abs(math.Abs(c[1])-2.0/3) > 1e-3 {
		t.Errorf("first component %v, want ±(1, 2, 2)/3", c)
	}
	if p.Explained() < 0.9999 {
		t.Errorf("explained %v, want ≈1", p.Explained())
	}
	z := p.Transform(x)
	// Reconstructing from the coordinates gives the points back.
	for i := range 5 {
		for j := range 3 {
			r := p.Mean[j] + z[i][0]*p.Components[0][j] + z[i][1]*p.Components[1][j]
			if math.Abs(r-x[i][j]) > 1e-9 {
				t.Fatalf("point %d: reconstructed %v, want %v", i, r, x[i][j])
			}
		}
	}
}

func TestTSNESeparatesBlobs(t *testing.T) {
	x, y := blobs(150, 10, 3, 2)
	emb := TSNE(x, TSNEOpts{Iters: 300}, 1)
	if acc := KNNAccuracy(emb, y, 5); acc < 1 {
		t.Errorf("5-NN accuracy %.3f in the embedding of three separated blobs, want 1", acc)
	}
	if tr := Trustworthiness(x, emb, 5); tr < 0.8 {
		t.Errorf("trustworthiness %.3f, want ≥ 0.8", tr)
	}
}

func TestTSNEMNIST(t *testing.T) {
	x, y := digits(t, 500)
	p, err := FitPCA(x, 30)
	if err != nil {
		t.Fatal(err)
	}
	z := p.Transform(x)
	emb := TSNE(z, TSNEOpts{Iters: 400}, 1)
	acc, tr := KNNAccuracy(emb, y, 5), Trustworthiness(z, emb, 5)
	pacc := KNNAccuracy(Columns(z, 2), y, 5)
	t.Logf("500 digits: t-SNE 5-NN accuracy %.3f, trustworthiness %.3f; PCA-2 5-NN accuracy %.3f", acc, tr, pacc)
	if acc < 0.8 || tr < 0.9 || acc <= pacc {
		t.Errorf("t-SNE 5-NN accuracy %.3f (want ≥ 0.8 and above PCA's %.3f), trustworthiness %.3f (want ≥ 0.9)", acc, pacc, tr)
	}
}

func TestTrustworthinessIdentity(t *testing.T) {
	x, _ := blobs(60, 3, 3, 4)
	if tr := Trustworthiness(x, x, 5); tr != 1 {
		t.Errorf("trustworthiness of the identity %v, want 1", tr)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	random := make([][]float64, len(x))
	for i := range random {
		random[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	if tr := Trustworthiness(x, random, 5); tr > 0.7 {
		t.Errorf("trustworthiness of a random embedding %v, want < 0.7", tr)
	}
}

func TestScatterByLabel(t *testing.T) {
	x, y := blobs(30, 2, 3, 1)
	f, err := ScatterByLabel("blobs", x, y)
	if err != nil || f == nil {
		t.Fatalf("ScatterByLabel: %v", err)
	}
}
