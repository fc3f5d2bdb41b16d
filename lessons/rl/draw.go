package rl

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

func newCanvas(w, h int, bg color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{bg}, image.Point{}, draw.Src)
	return img
}

func strokeRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	for x := r.Min.X; x <= r.Max.X; x++ {
		img.SetRGBA(x, r.Min.Y, c)
		img.SetRGBA(x, r.Max.Y, c)
	}
	for y := r.Min.Y; y <= r.Max.Y; y++ {
		img.SetRGBA(r.Min.X, y, c)
		img.SetRGBA(r.Max.X, y, c)
	}
}

func fillDisk(img *image.RGBA, cx, cy, rad int, c color.RGBA) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= rad*rad {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func ring(img *image.RGBA, cx, cy, rad, width int, c color.RGBA) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			d := math.Hypot(float64(x-cx), float64(y-cy))
			if d <= float64(rad) && d >= float64(rad-width) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// thickLine draws a line of the given width from (x0, y0) to (x1, y1).
func thickLine(img *image.RGBA, x0, y0, x1, y1 float64, width float64, c color.RGBA) {
	n := int(math.Hypot(x1-x0, y1-y0)) + 1
	r := int(width / 2)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := int(x0+t*(x1-x0)), int(y0+t*(y1-y0))
		fillDisk(img, x, y, r, c)
	}
}
