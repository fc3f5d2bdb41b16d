package dl_test

import (
	"errors"
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"gonum.org/v1/gonum/mat"
)

func TestFromImage(t *testing.T) {
	t.Parallel()
	rgba := image.NewRGBA(image.Rect(10, 20, 12, 21)) // 2×1, offset bounds
	rgba.SetRGBA(10, 20, color.RGBA{255, 0, 51, 255})
	rgba.SetRGBA(11, 20, color.RGBA{0, 102, 255, 255})
	nrgba := image.NewNRGBA(rgba.Bounds())
	nrgba.Set(10, 20, rgba.At(10, 20))
	nrgba.Set(11, 20, rgba.At(11, 20))
	want := []float32{1, 0, 0, 0.4, 0.2, 1} // R plane, G plane, B plane
	for i, img := range []image.Image{rgba, nrgba} {
		got := dl.FromImage(img, false)
		if !slices.Equal(got.Shape(), []int{3, 1, 2}) || !slices.Equal(got.Data(), want) {
			t.Errorf("case %d: FromImage: got %v, want shape [3 1 2] values %v", i, got, want)
		}
	}
	gray := dl.FromImage(rgba, true)
	if !slices.Equal(gray.Shape(), []int{1, 1, 2}) || gray.At(0, 0, 0) != 82.0/255 {
		t.Errorf("FromImage gray: got %v, want [1 1 2] with luminance 82/255 first (0.299·255 + 0.114·51)", gray)
	}
}

func TestMatrixRoundTrip(t *testing.T) {
	t.Parallel()
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	x := dl.FromMatrix(m)
	if !slices.Equal(x.Shape(), []int{2, 3}) || x.At(1, 0) != 4 {
		t.Fatalf("FromMatrix: got %v", x)
	}
	if !mat.Equal(x.Matrix(), m) {
		t.Errorf("Matrix: got %v, want %v", mat.Formatted(x.Matrix()), mat.Formatted(m))
	}
	err := dl.Try(func() { dl.Zeros(2).Matrix() })
	if !errors.Is(err, dl.ErrShape) {
		t.Errorf("Matrix of a vector: got %v, want a shape error", err)
	}
}
