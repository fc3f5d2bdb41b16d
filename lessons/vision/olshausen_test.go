package vision

import (
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
)

// TestOlshausenField learns a sparse code at test size on a fixed seed and asserts the deck's
// claims: most learned bases are Gabor-like (far more than PCA's), and sparse codes are
// sparser (kurtosis) and less redundant (correlation) than raw pixels.
func TestOlshausenField(t *testing.T) {
	if testing.Short() {
		t.Skip("learns a dictionary (~20 s)")
	}
	t.Parallel()
	r, err := TestSizeOlshausenField.Run()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.WriteTable(&b)
	t.Log("\n" + b.String())
	if os.Getenv("LEC03_PNG") != "" {
		savePNG(os.Getenv("LEC03_PNG"), BasisGrid(r.Coding.D, r.Size, 8, 4))
	}
	if r.Fraction < 0.6 {
		t.Errorf("Gabor-like fraction %.2f, want ≥ 0.6", r.Fraction)
	}
	if r.Fraction < r.FractionPCA+0.3 {
		t.Errorf("sparse coding fraction %.2f not well above PCA's %.2f", r.Fraction, r.FractionPCA)
	}
	if r.Kurtosis[2] < 2*r.Kurtosis[0] {
		t.Errorf("sparse-code kurtosis %.1f not above twice the raw pixels' %.1f", r.Kurtosis[2], r.Kurtosis[0])
	}
	if r.Correlation[2] > r.Correlation[0]/2 {
		t.Errorf("sparse-code correlation %.3f not below half the raw pixels' %.3f", r.Correlation[2], r.Correlation[0])
	}
}

func savePNG(name string, m image.Image) {
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	png.Encode(f, m)
}
