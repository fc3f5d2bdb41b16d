package darknet

import (
	"image"

	"github.com/deepnb/deepnb/dl"
)

// pixels returns img as Darknet holds an image: [3, H, W] planes of red, green and blue in
// [0, 1].
func pixels(img image.Image) (data []float32, w, h int) {
	t := dl.FromImage(img, false)
	s := t.Shape()
	return t.Data(), s[2], s[1]
}

// resize is Darknet's resize_image: bilinear interpolation with the corners of the source and
// destination aligned, computed as a horizontal pass then a vertical one, in float32 in the
// same order as Darknet so that the results agree to the last bit.
func resize(src []float32, c, w, h, nw, nh int) []float32 {
	part := make([]float32, c*h*nw)
	out := make([]float32, c*nh*nw)
	ws := float32(w-1) / float32(nw-1)
	hs := float32(h-1) / float32(nh-1)
	for k := range c {
		for r := range h {
			in := src[(k*h+r)*w : (k*h+r+1)*w]
			row := part[(k*h+r)*nw : (k*h+r+1)*nw]
			for col := range nw {
				if col == nw-1 || w == 1 {
					row[col] = in[w-1]
					continue
				}
				sx := float32(col) * ws
				ix := int(sx)
				dx := sx - float32(ix)
				row[col] = (1-dx)*in[ix] + dx*in[ix+1]
			}
		}
	}
	for k := range c {
		for r := range nh {
			sy := float32(r) * hs
			iy := int(sy)
			dy := sy - float32(iy)
			row := out[(k*nh+r)*nw : (k*nh+r+1)*nw]
			p0 := part[(k*h+iy)*nw : (k*h+iy+1)*nw]
			for col := range row {
				row[col] = (1 - dy) * p0[col]
			}
			if r == nh-1 || h == 1 {
				continue
			}
			p1 := part[(k*h+iy+1)*nw : (k*h+iy+2)*nw]
			for col := range row {
				row[col] += dy * p1[col]
			}
		}
	}
	return out
}

// fitted returns the size of an w×h image scaled to fit in netW×netH keeping its aspect ratio,
// as Darknet's letterbox_image and box correction compute it (integer division).
func fitted(w, h, netW, netH int) (nw, nh int) {
	if float32(netW)/float32(w) < float32(netH)/float32(h) {
		return netW, h * netW / w
	}
	return w * netH / h, netH
}

// Letterbox returns img scaled to fit in w×h with its aspect ratio kept, centred on grey (0.5),
// as a [1, 3, h, w] tensor in [0, 1]: the input Darknet's `detector test` feeds the network.
func Letterbox(img image.Image, w, h int) *dl.Tensor {
	src, iw, ih := pixels(img)
	nw, nh := fitted(iw, ih, w, h)
	r := resize(src, 3, iw, ih, nw, nh)
	out := dl.Full(0.5, 1, 3, h, w)
	d := out.Data()
	dx, dy := (w-nw)/2, (h-nh)/2
	for k := range 3 {
		for y := range nh {
			copy(d[(k*h+y+dy)*w+dx:], r[(k*nh+y)*nw:(k*nh+y+1)*nw])
		}
	}
	return out
}
