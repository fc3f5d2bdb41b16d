package vision

import (
	"image"
	"image/color"
	"math"
)

// BasisGrid draws the columns of a d×K basis (d = size²) as a grid of size×size tiles, cols
// tiles a row, each scaled to its own largest magnitude (grey is zero, white positive, black
// negative) and magnified scale times, with a one-pixel gap.
func BasisGrid(basis interface {
	Dims() (int, int)
	At(i, j int) float64
}, size, cols, scale int) *image.Gray {
	_, K := basis.Dims()
	rows := (K + cols - 1) / cols
	t := size*scale + 1
	img := image.NewGray(image.Rect(0, 0, cols*t+1, rows*t+1))
	for i := range img.Pix {
		img.Pix[i] = 40
	}
	for k := range K {
		m := 0.0
		for i := range size * size {
			m = math.Max(m, math.Abs(basis.At(i, k)))
		}
		if m == 0 {
			m = 1
		}
		ox, oy := 1+(k%cols)*t, 1+(k/cols)*t
		for y := range size * scale {
			for x := range size * scale {
				v := basis.At((y/scale)*size+x/scale, k) / m
				img.SetGray(ox+x, oy+y, color.Gray{Y: uint8(math.Round(127.5 + 127.5*v))})
			}
		}
	}
	return img
}
