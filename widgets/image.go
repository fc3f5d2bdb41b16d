package widgets

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
)

// Norm says how tensor values are mapped to the [0, 1] range of a colour map or channel.
type Norm int

const (
	// Auto is the default: one-channel images are stretched from their own min to max; RGB
	// images whose values all lie in [0, 1] are shown as they are, other RGB images are
	// stretched from min to max.
	Auto Norm = iota
	// PerImage stretches each image from its own min to its own max.
	PerImage
	// Shared stretches every image of a grid with one min and max, taken over the whole grid,
	// so that images can be compared (for a single image it is PerImage).
	Shared
	// Fixed maps ImageOpts.Min to 0 and ImageOpts.Max to 1, clamping outside.
	Fixed
)

// ImageOpts configures how a tensor is turned into an image. The zero value is ready to use:
// channel-first layout, Auto normalisation, gray colour map, small images enlarged to at least
// 128 pixels and large ones shrunk to at most 512.
type ImageOpts struct {
	// ChannelsLast reads 3-D tensors as [H W C] instead of the default [C H W].
	ChannelsLast bool
	// ColorMap colours one-channel images (default Gray); it is ignored for RGB images.
	ColorMap *ColorMap
	// Norm picks the value range (default Auto).
	Norm Norm
	// Min and Max are the value range for Norm == Fixed.
	Min, Max float64
	// Symmetric widens the range to [-m, m], m = max|v|, so that 0 maps to the middle of the
	// colour map: white on Diverging. Use it for signed data such as filter weights.
	Symmetric bool
	// Scale enlarges every pixel to a Scale×Scale block (nearest neighbour). 0 picks the
	// largest integer factor keeping the longer side at most MinSize (at least 1).
	Scale int
	// MinSize is the size in pixels small images are enlarged to when Scale is 0
	// (default 128 for Image, 56 for each cell of ImageGrid).
	MinSize int
	// MaxSize caps the longer side of the result in pixels (default 512 for Image, 1024 for
	// the whole of ImageGrid); larger images are shrunk with bilinear filtering.
	MaxSize int
}

// layout describes a tensor read as an image: c channels of h×w values.
type layout struct {
	c, h, w     int
	chLast      bool
	data        []float32
	off, stride int // data offset of this image in a batch, and values per image
}

// at returns the value at channel ch, row y, column x.
func (l layout) at(ch, y, x int) float32 {
	if l.chLast {
		return l.data[l.off+(y*l.w+x)*l.c+ch]
	}
	return l.data[l.off+(ch*l.h+y)*l.w+x]
}

// values returns this image's slice of the data.
func (l layout) values() []float32 { return l.data[l.off : l.off+l.c*l.h*l.w] }

// imageLayout reads shape (without a batch dimension) as an image layout.
func imageLayout(widget string, shape []int, chLast bool) (layout, error) {
	want := "[H W], [C H W] or, with ChannelsLast, [H W C], with C = 1 or 3"
	var l layout
	switch len(shape) {
	case 2:
		l = layout{c: 1, h: shape[0], w: shape[1]}
	case 3:
		if chLast {
			l = layout{c: shape[2], h: shape[0], w: shape[1], chLast: true}
		} else {
			l = layout{c: shape[0], h: shape[1], w: shape[2]}
		}
	default:
		return l, shapeError(widget, shape, want)
	}
	if (l.c != 1 && l.c != 3) || l.h <= 0 || l.w <= 0 {
		return l, shapeError(widget, shape, want)
	}
	if l.c == 1 {
		l.chLast = false
	}
	return l, nil
}

// valueRange returns the range [lo, hi] that opts maps to [0, 1] for data with c channels.
func valueRange(widget string, data []float32, c int, opts *ImageOpts) (lo, hi float64, err error) {
	lo, hi, err = dataRange(widget, data)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case opts.Norm == Fixed:
		lo, hi = opts.Min, opts.Max
	case opts.Symmetric:
		m := max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	case opts.Norm == Auto && c == 3 && lo >= 0 && hi <= 1:
		lo, hi = 0, 1
	}
	return lo, hi, nil
}

// autoScale returns the nearest-neighbour enlargement for an h×w image under opts.
func autoScale(h, w int, opts *ImageOpts, minSize int) int {
	if opts.Scale > 0 {
		return opts.Scale
	}
	if opts.MinSize > 0 {
		minSize = opts.MinSize
	}
	return max(1, minSize/max(h, w))
}

// paint draws the image described by l into dst with its top-left corner at (x0, y0), each
// value a k×k block, mapping [lo, hi] to [0, 1]. It writes dst.Pix directly.
func paint(dst *image.RGBA, x0, y0 int, l layout, k int, lo, hi float64, cm *ColorMap) {
	if cm == nil {
		cm = Gray
	}
	// Precompute a 256-entry lookup of the colour map: one table lookup per pixel.
	var lut [256]color.RGBA
	for i := range lut {
		lut[i] = cm.At(float64(i) / 255)
	}
	inv := 0.0
	if hi > lo {
		inv = 1 / (hi - lo)
	}
	level := func(v float32) uint8 {
		if inv == 0 {
			return 128
		}
		t := (float64(v) - lo) * inv
		return uint8(math.Round(255 * min(max(t, 0), 1)))
	}
	for y := 0; y < l.h; y++ {
		for x := 0; x < l.w; x++ {
			var c color.RGBA
			if l.c == 1 {
				c = lut[level(l.at(0, y, x))]
			} else {
				c = color.RGBA{level(l.at(0, y, x)), level(l.at(1, y, x)), level(l.at(2, y, x)), 255}
			}
			for dy := 0; dy < k; dy++ {
				i := dst.PixOffset(x0+x*k, y0+y*k+dy)
				for dx := 0; dx < k; dx++ {
					p := dst.Pix[i : i+4 : i+4]
					p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
					i += 4
				}
			}
		}
	}
}

// Image renders a tensor as an image: [H W] or [1 H W] through opts.ColorMap (gray by default),
// [3 H W] (or [H W 3] with ChannelsLast) as RGB. Tiny images are enlarged with nearest
// neighbour so that an 8×8 filter is visible; large ones are shrunk to opts.MaxSize.
//
// Image returns an error wrapping ErrShape for other shapes, ErrNaN for NaN or Inf and ErrEmpty
// for empty data. The result does not share memory with t.
func Image(t Tensor, opts ImageOpts) (*image.RGBA, error) {
	l, err := imageLayout("Image", t.Shape(), opts.ChannelsLast)
	if err != nil {
		return nil, err
	}
	if l.data, err = tensorData("Image", t); err != nil {
		return nil, err
	}
	lo, hi, err := valueRange("Image", l.values(), l.c, &opts)
	if err != nil {
		return nil, err
	}
	maxSize := opts.MaxSize
	if maxSize <= 0 {
		maxSize = 512
	}
	k := autoScale(l.h, l.w, &opts, 128)
	for k > 1 && max(l.h, l.w)*k > maxSize {
		k--
	}
	img := image.NewRGBA(image.Rect(0, 0, l.w*k, l.h*k))
	paint(img, 0, 0, l, k, lo, hi, opts.ColorMap)
	return fit(img, maxSize), nil
}

// fit shrinks img (bilinear) so that its longer side is at most maxSize; it returns img itself
// when it already fits.
func fit(img *image.RGBA, maxSize int) *image.RGBA {
	b := img.Bounds()
	if maxSize <= 0 || max(b.Dx(), b.Dy()) <= maxSize {
		return img
	}
	f := float64(maxSize) / float64(max(b.Dx(), b.Dy()))
	w, h := max(1, int(math.Round(float64(b.Dx())*f))), max(1, int(math.Round(float64(b.Dy())*f)))
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	return out
}

// Enlarge returns img with every pixel repeated k×k times (nearest neighbour), the way to make
// an 8×8 filter visible without blurring it. k < 1 is treated as 1.
func Enlarge(img image.Image, k int) *image.RGBA {
	k = max(k, 1)
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	xdraw.NearestNeighbor.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	return out
}

// Resize returns img scaled to w×h: nearest neighbour when enlarging by a whole factor (pixels
// stay crisp), Catmull-Rom otherwise.
func Resize(img image.Image, w, h int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	var s xdraw.Scaler = xdraw.CatmullRom
	if w%b.Dx() == 0 && h%b.Dy() == 0 && w/b.Dx() == h/b.Dy() {
		s = xdraw.NearestNeighbor
	}
	s.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	return out
}

// toRGBA returns img as *image.RGBA with origin (0, 0), copying unless it already is one.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Bounds().Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}
