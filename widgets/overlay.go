package widgets

import (
	"image"
	"image/color"
	"math"
)

// OverlayOpts configures Overlay. The zero value blends the Turbo colour map over the photo
// with opacity 0.5, the usual Grad-CAM look.
type OverlayOpts struct {
	// ColorMap colours the heat map (default Turbo).
	ColorMap *ColorMap
	// Alpha is the opacity of the heat map, in (0, 1] (default 0.5).
	Alpha float64
	// Weighted makes the opacity grow with the value, from 0 to Alpha, so that the photo shows
	// untouched where the weight is low; it suits Heat.
	Weighted bool
	// MinSize enlarges small photos (nearest neighbour) to at least this many pixels on the
	// longer side (default 224); MaxSize shrinks large ones (default 512).
	MinSize, MaxSize int
}

// Overlay blends a heat map — attention weights, a saliency map, class activations: a tensor
// of shape [h w] or [1 h w], any size — over photo. The heat map is normalised to its own
// min…max, resized to the photo with bilinear interpolation of the values (not the colours),
// coloured by opts.ColorMap and alpha-blended. The result has the photo's size (after the
// MinSize/MaxSize adjustment) and shares no memory with the inputs.
//
// Overlay returns an error wrapping ErrShape for other shapes, ErrNaN for NaN or Inf in the heat
// map and ErrEmpty for an empty heat map or photo.
func Overlay(photo image.Image, heat Tensor, opts OverlayOpts) (*image.RGBA, error) {
	shape := heat.Shape()
	if len(shape) == 3 && shape[0] == 1 {
		shape = shape[1:]
	}
	if len(shape) != 2 || shape[0] <= 0 || shape[1] <= 0 {
		return nil, shapeError("Overlay", heat.Shape(), "[h w] or [1 h w]")
	}
	pb := photo.Bounds()
	if pb.Empty() {
		return nil, emptyError("Overlay")
	}
	data, err := tensorData("Overlay", heat)
	if err != nil {
		return nil, err
	}
	lo, hi, err := dataRange("Overlay", data)
	if err != nil {
		return nil, err
	}
	minSize, maxSize := opts.MinSize, opts.MaxSize
	if minSize <= 0 {
		minSize = 224
	}
	if maxSize <= 0 {
		maxSize = 512
	}
	var base *image.RGBA
	if k := minSize / max(pb.Dx(), pb.Dy()); k > 1 {
		base = Enlarge(photo, k)
	} else {
		base = fit(cloneRGBA(photo), maxSize)
	}
	cm := opts.ColorMap
	if cm == nil {
		cm = Turbo
	}
	alpha := opts.Alpha
	if alpha <= 0 || alpha > 1 {
		alpha = 0.5
	}
	hh, hw := shape[0], shape[1]
	W, H := base.Bounds().Dx(), base.Bounds().Dy()
	// Bilinear sampling of the value grid at pixel centres.
	sample := func(fy, fx float64) float64 {
		fy = min(max(fy, 0), float64(hh-1))
		fx = min(max(fx, 0), float64(hw-1))
		y0, x0 := int(fy), int(fx)
		y1, x1 := min(y0+1, hh-1), min(x0+1, hw-1)
		dy, dx := fy-float64(y0), fx-float64(x0)
		v := func(y, x int) float64 { return float64(data[y*hw+x]) }
		return (1-dy)*((1-dx)*v(y0, x0)+dx*v(y0, x1)) + dy*((1-dx)*v(y1, x0)+dx*v(y1, x1))
	}
	var lut [256]color.RGBA
	for i := range lut {
		lut[i] = cm.At(float64(i) / 255)
	}
	for y := range H {
		fy := (float64(y)+0.5)*float64(hh)/float64(H) - 0.5
		for x := range W {
			fx := (float64(x)+0.5)*float64(hw)/float64(W) - 0.5
			t := Scale(sample(fy, fx), lo, hi)
			c := lut[int(t*255+0.5)]
			a := alpha
			if opts.Weighted {
				a *= t
			}
			i := base.PixOffset(x, y)
			p := base.Pix[i : i+4 : i+4]
			p[0] = uint8(math.Round((1-a)*float64(p[0]) + a*float64(c.R)))
			p[1] = uint8(math.Round((1-a)*float64(p[1]) + a*float64(c.G)))
			p[2] = uint8(math.Round((1-a)*float64(p[2]) + a*float64(c.B)))
			p[3] = 255
		}
	}
	return base, nil
}

// cloneRGBA returns a copy of img as *image.RGBA with origin (0, 0).
func cloneRGBA(img image.Image) *image.RGBA {
	r := toRGBA(img)
	if r == img {
		c := *r
		c.Pix = append([]uint8(nil), r.Pix...)
		return &c
	}
	return r
}
