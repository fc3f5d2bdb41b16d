package dl

import (
	"image"
	"image/color"

	"gonum.org/v1/gonum/mat"
)

// FromImage returns img as a tensor of shape [3, H, W] (channels first, as conv layers take
// it) with the red, green and blue values scaled to [0, 1], or [1, H, W] if gray is set
// (luminance, as color.GrayModel computes it). Alpha is ignored.
func FromImage(img image.Image, gray bool) *Tensor {
	b := img.Bounds()
	h, w := b.Dy(), b.Dx()
	if gray {
		t := Zeros(1, h, w)
		for y := range h {
			for x := range w {
				g := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
				t.data[y*w+x] = float32(g.Y) / 255
			}
		}
		return t
	}
	t := Zeros(3, h, w)
	plane := h * w
	if rgba, ok := img.(*image.RGBA); ok { // fast path: read Pix directly
		for y := range h {
			row := rgba.Pix[rgba.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				t.data[y*w+x] = float32(row[4*x]) / 255
				t.data[plane+y*w+x] = float32(row[4*x+1]) / 255
				t.data[2*plane+y*w+x] = float32(row[4*x+2]) / 255
			}
		}
		return t
	}
	for y := range h {
		for x := range w {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			t.data[y*w+x] = float32(r) / 0xffff
			t.data[plane+y*w+x] = float32(g) / 0xffff
			t.data[2*plane+y*w+x] = float32(bl) / 0xffff
		}
	}
	return t
}

// FromMatrix returns a copy of the gonum matrix m as a tensor of shape [rows, cols]
// (float64 values rounded to float32).
func FromMatrix(m mat.Matrix) *Tensor {
	r, c := m.Dims()
	t := Zeros(r, c)
	for i := range r {
		for j := range c {
			t.data[i*c+j] = float32(m.At(i, j))
		}
	}
	return t
}

// Matrix returns a copy of a 2-D tensor as a gonum *mat.Dense, for gonum's linear algebra
// (SVD, eigenvalues, solving). Matrix panics with a *ShapeError if t is not 2-D.
func (t *Tensor) Matrix() *mat.Dense {
	if len(t.shape) != 2 {
		panic(&ShapeError{Op: "Matrix", A: t.shape, Msg: "tensor is not 2-D"})
	}
	d := make([]float64, len(t.data))
	for i, v := range t.data {
		d[i] = float64(v)
	}
	return mat.NewDense(t.shape[0], t.shape[1], d)
}
