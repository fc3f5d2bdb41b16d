package widgets

import (
	"image"
	"image/color"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Text in images uses the 7×13 bitmap face from golang.org/x/image/font/basicfont: crisp at
// 1:1, no font files, identical on every machine (so goldens are stable).
const (
	charW      = 7  // advance of one character, pixels
	lineH      = 15 // height of a caption line, pixels
	textAscent = 11
)

// textWidth returns the width in pixels of s in the caption face.
func textWidth(s string) int { return len([]rune(s)) * charW }

// fitText shortens s with a trailing "…" so that it is at most width pixels wide.
func fitText(s string, width int) string {
	r := []rune(s)
	n := width / charW
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

// drawText draws s with its top-left corner at (x, y).
func drawText(dst *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(c),
		Face: basicfont.Face7x13,
		Dot:  fixed.P(x, y+textAscent),
	}
	d.DrawString(s)
}

// drawTextCentered draws s centred horizontally on cx with its top at y.
func drawTextCentered(dst *image.RGBA, cx, y int, s string, c color.Color) {
	drawText(dst, cx-textWidth(s)/2, y, s, c)
}

// luminance returns the relative luminance of c in [0, 1], to pick black or white text on it.
func luminance(c color.RGBA) float64 {
	return (0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)) / 255
}

// textOn returns black or white, whichever reads better on background bg.
func textOn(bg color.RGBA) color.RGBA {
	if luminance(bg) > 0.5 {
		return color.RGBA{0, 0, 0, 255}
	}
	return color.RGBA{255, 255, 255, 255}
}
