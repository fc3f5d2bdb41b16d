package widgets

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// ColorMap maps a value t in [0, 1] to a colour by linear interpolation between evenly spaced
// stops. Values outside [0, 1] are clamped; NaN maps to the first stop.
type ColorMap struct {
	// Name is a short name, shown nowhere but useful in test messages.
	Name string
	// Stops are the colours at t = 0, 1/(n-1), …, 1. There must be at least two.
	Stops []color.RGBA
}

// At returns the colour for t ∈ [0, 1], clamping t into that range.
func (m *ColorMap) At(t float64) color.RGBA {
	if m == nil {
		m = Gray
	}
	if !(t > 0) { // also NaN
		return m.Stops[0]
	}
	if t >= 1 {
		return m.Stops[len(m.Stops)-1]
	}
	x := t * float64(len(m.Stops)-1)
	i := int(x)
	f := x - float64(i)
	a, b := m.Stops[i], m.Stops[i+1]
	lerp := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return color.RGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), lerp(a.A, b.A)}
}

// Palette returns n colours sampled evenly from m, as a gonum/plot palette (used for colour bars
// and plotter.HeatMap).
func (m *ColorMap) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		cs[i] = m.At(t)
	}
	return colorList(cs)
}

type colorList []color.Color

func (c colorList) Colors() []color.Color { return c }

// plotColorMap adapts a ColorMap over [lo, hi] to gonum/plot's palette.ColorMap, for ColorBar.
type plotColorMap struct {
	m      *ColorMap
	lo, hi float64
	alpha  float64
}

func (p *plotColorMap) At(v float64) (color.Color, error) {
	return p.m.At((v - p.lo) / (p.hi - p.lo)), nil
}
func (p *plotColorMap) Max() float64                       { return p.hi }
func (p *plotColorMap) SetMax(v float64)                   { p.hi = v }
func (p *plotColorMap) Min() float64                       { return p.lo }
func (p *plotColorMap) SetMin(v float64)                   { p.lo = v }
func (p *plotColorMap) Alpha() float64                     { return 1 }
func (p *plotColorMap) SetAlpha(float64)                   {}
func (p *plotColorMap) Palette(colors int) palette.Palette { return p.m.Palette(colors) }

func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 255}
}

// The colour maps. Gray is the default for one-channel images.
var (
	// Gray runs from black (0) to white (1).
	Gray = &ColorMap{Name: "gray", Stops: []color.RGBA{rgb(0x000000), rgb(0xffffff)}}

	// Viridis is matplotlib's perceptually uniform dark-blue → green → yellow map, good for
	// unsigned values such as probabilities or state values.
	Viridis = &ColorMap{Name: "viridis", Stops: []color.RGBA{
		rgb(0x440154), rgb(0x482878), rgb(0x3e4a89), rgb(0x31688e), rgb(0x26828e),
		rgb(0x1f9e89), rgb(0x35b779), rgb(0x6dcd59), rgb(0xb4de2c), rgb(0xfde725)}}

	// Diverging runs blue (0) → white (½) → red (1), ColorBrewer's RdBu reversed. Use it with
	// ImageOpts.Symmetric for signed values such as filter weights, so that 0 is white.
	Diverging = &ColorMap{Name: "diverging", Stops: []color.RGBA{
		rgb(0x2166ac), rgb(0x4393c3), rgb(0x92c5de), rgb(0xd1e5f0), rgb(0xf7f7f7),
		rgb(0xfddbc7), rgb(0xf4a582), rgb(0xd6604d), rgb(0xb2182b)}}

	// Turbo is Google's rainbow map (dark blue → cyan → green → yellow → red), the usual look
	// of attention and Grad-CAM overlays; Overlay's default.
	Turbo = &ColorMap{Name: "turbo", Stops: []color.RGBA{
		rgb(0x30123b), rgb(0x4145ab), rgb(0x4675ed), rgb(0x39a2fc), rgb(0x1bcfd4),
		rgb(0x24eca6), rgb(0x61fc6c), rgb(0xa4fc3b), rgb(0xd1e834), rgb(0xf3c63a),
		rgb(0xfe9b2d), rgb(0xf36315), rgb(0xd93806), rgb(0xb11901), rgb(0x7a0403)}}

	// Heat runs black → red → yellow → white, for saliency and attention overlays.
	Heat = &ColorMap{Name: "heat", Stops: []color.RGBA{
		rgb(0x000000), rgb(0x800000), rgb(0xe03000), rgb(0xffa000), rgb(0xffff60), rgb(0xffffff)}}
)

// Scale maps v in [lo, hi] linearly to [0, 1], clamping. When hi == lo every value maps to ½.
func Scale(v, lo, hi float64) float64 {
	if hi <= lo {
		return 0.5
	}
	t := (v - lo) / (hi - lo)
	return min(max(t, 0), 1)
}
