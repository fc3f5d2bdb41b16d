package vision

import (
	"fmt"
	"image"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/deepnb/deepnb/datasets"
)

// NaturalPhotos are the committed photographs Patches samples by default: scenes and objects,
// leaving out the texture close-ups and the deep-field image.
var NaturalPhotos = []string{"astronaut", "camera", "chelsea", "coffee", "coins", "rocket"}

// Patches samples n grey size×size patches uniformly from the named committed images
// (datasets.Image; NaturalPhotos when names is empty), with the given seed. Each row of the
// result is one patch, row-major, in [0, 1] with its own mean removed (the DC component, which
// Olshausen and Field also drop). It returns an error for an unknown image or one smaller
// than size, and panics if n or size is not positive.
func Patches(names []string, n, size int, seed uint64) (*mat.Dense, error) {
	if n <= 0 || size <= 0 {
		panic(fmt.Sprintf("vision: Patches: n = %d and size = %d must be positive", n, size))
	}
	if len(names) == 0 {
		names = NaturalPhotos
	}
	greys := make([]*image.Gray, len(names))
	for i, name := range names {
		m, err := datasets.Image(name)
		if err != nil {
			return nil, err
		}
		b := m.Bounds()
		if b.Dx() < size || b.Dy() < size {
			return nil, fmt.Errorf("vision: Patches: image %q is %d×%d, smaller than a %d×%d patch", name, b.Dx(), b.Dy(), size, size)
		}
		g := image.NewGray(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				g.Set(x, y, m.At(x, y))
			}
		}
		greys[i] = g
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	X := mat.NewDense(n, size*size, nil)
	for r := range n {
		g := greys[rng.IntN(len(greys))]
		b := g.Bounds()
		x0 := b.Min.X + rng.IntN(b.Dx()-size+1)
		y0 := b.Min.Y + rng.IntN(b.Dy()-size+1)
		row := X.RawRowView(r)
		mean := 0.0
		for y := range size {
			for x := range size {
				v := float64(g.GrayAt(x0+x, y0+y).Y) / 255
				row[y*size+x] = v
				mean += v
			}
		}
		mean /= float64(size * size)
		for i := range row {
			row[i] -= mean
		}
	}
	return X, nil
}

// PCA returns the principal components of the rows of X (each column of the returned matrix
// is a unit component, ordered by decreasing variance) and the variances along them.
func PCA(X *mat.Dense) (components *mat.Dense, variances []float64) {
	n, d := X.Dims()
	mean := make([]float64, d)
	for r := range n {
		for j, v := range X.RawRowView(r) {
			mean[j] += v / float64(n)
		}
	}
	C := mat.NewDense(n, d, nil)
	for r := range n {
		row := C.RawRowView(r)
		for j, v := range X.RawRowView(r) {
			row[j] = v - mean[j]
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1/float64(n), C.T())
	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		panic("vision: PCA: eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	components = mat.NewDense(d, d, nil)
	variances = make([]float64, d)
	for k := range d { // gonum orders ascending; reverse
		src := d - 1 - k
		variances[k] = max(vals[src], 0)
		for i := range d {
			components.Set(i, k, vecs.At(i, src))
		}
	}
	return components, variances
}

// Whitening is a ZCA whitening transform: x ↦ W x with W = U diag(1/√(λ+ε)) Uᵀ, which makes
// the patches' covariance (nearly) the identity while keeping them looking like patches.
type Whitening struct {
	W *mat.Dense // d×d, symmetric
}

// NewWhitening fits ZCA whitening to the rows of X with regulariser eps (relative to the
// largest variance; 1e-2 damps the noisy highest frequencies, as Olshausen and Field's
// low-pass filter does).
func NewWhitening(X *mat.Dense, eps float64) *Whitening {
	U, vars := PCA(X)
	d := len(vars)
	e := eps * vars[0]
	S := mat.NewDense(d, d, nil)
	for k := range d {
		S.Set(k, k, 1/sqrtf(vars[k]+e))
	}
	var tmp, W mat.Dense
	tmp.Mul(U, S)
	W.Mul(&tmp, U.T())
	return &Whitening{W: &W}
}

// Apply returns the whitened rows of X.
func (w *Whitening) Apply(X *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Mul(X, w.W) // W is symmetric
	return &out
}
