package vision

import (
	"fmt"
	"io"

	"gonum.org/v1/gonum/mat"
)

// OlshausenField sets up the lecture's sparse-coding experiment.
type OlshausenField struct {
	Size    int // patch side (12–16 in the lecture)
	Patches int // patches sampled from NaturalPhotos
	Sparse  SparseConfig
	Eval    int     // patches coded to measure kurtosis and correlation
	MinR2   float64 // a basis counts as Gabor-like at R² ≥ MinR2 (0.7)
	Seed    uint64
}

// OlshausenFieldResult holds what the experiment measured.
type OlshausenFieldResult struct {
	Coding      *SparseCoding // the learned dictionary, on whitened patches
	PCA         *mat.Dense    // principal components of the same (whitened) patches, one per column
	GaborR2     []float64     // R² of the Gabor fit of each learned basis function
	GaborR2PCA  []float64     // the same for the principal components
	Fraction    float64       // fraction of learned bases with R² ≥ MinR2
	FractionPCA float64       // the same for PCA
	Kurtosis    [3]float64    // excess kurtosis of raw pixels, PCA coefficients, sparse codes
	Correlation [3]float64    // mean |correlation| of the same three
	Size, Eval  int
	MinR2       float64
}

// Run samples patches, whitens them, learns the sparse code, computes PCA on the same patches,
// fits Gabors to both bases and measures sparseness and redundancy of raw pixels, PCA
// coefficients and sparse codes on Eval fresh patches (seed+1).
func (c OlshausenField) Run() (*OlshausenFieldResult, error) {
	X, err := Patches(nil, c.Patches, c.Size, c.Seed)
	if err != nil {
		return nil, err
	}
	w := NewWhitening(X, 1e-2)
	Xw := w.Apply(X)
	r := &OlshausenFieldResult{Size: c.Size, Eval: c.Eval, MinR2: c.MinR2}
	r.Coding = NewSparseCoding(Xw, c.Sparse)
	r.PCA, _ = PCA(Xw)
	r.GaborR2, r.Fraction = GaborFraction(r.Coding.D, c.Size, c.MinR2)
	K := c.Sparse.Bases
	if _, d := Xw.Dims(); K > d {
		K = d
	}
	r.GaborR2PCA, r.FractionPCA = GaborFraction(r.PCA.Slice(0, c.Size*c.Size, 0, K), c.Size, c.MinR2)
	E, err := Patches(nil, c.Eval, c.Size, c.Seed+1)
	if err != nil {
		return nil, err
	}
	Uraw, _ := PCA(X)
	var P mat.Dense
	P.Mul(E, Uraw.Slice(0, c.Size*c.Size, 0, c.Size*c.Size-1)) // drop the zero-variance DC direction
	S := r.Coding.Codes(w.Apply(E))
	for i, m := range []*mat.Dense{E, &P, S} {
		r.Kurtosis[i] = Kurtosis(m)
		r.Correlation[i] = MeanAbsCorrelation(m)
	}
	return r, nil
}

// WriteTable prints the sparseness/redundancy table and the Gabor-fit fractions.
func (r *OlshausenFieldResult) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%-14s %10s %12s\n", "code", "kurtosis", "mean |corr|")
	for i, name := range []string{"raw pixels", "PCA", "sparse coding"} {
		fmt.Fprintf(w, "%-14s %10.2f %12.3f\n", name, r.Kurtosis[i], r.Correlation[i])
	}
	fmt.Fprintf(w, "Gabor fits with R² ≥ %.2g: sparse coding %.0f%% of %d, PCA %.0f%% of %d\n",
		r.MinR2, 100*r.Fraction, len(r.GaborR2), 100*r.FractionPCA, len(r.GaborR2PCA))
}
