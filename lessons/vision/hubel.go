package vision

import (
	"math"
	"slices"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// Grating returns a sinusoidal grating [1, 3, h, w] in [0, 1] (grey, contrast 0.5): stripes
// at angle theta (radians, the direction across the stripes), period pixels apart, shifted by
// phase (radians).
func Grating(w, h int, theta, period, phase float64) *dl.Tensor {
	x := dl.Zeros(1, 3, h, w)
	d := x.Data()
	c, s := math.Cos(theta), math.Sin(theta)
	for y := range h {
		for xx := range w {
			v := float32(0.5 + 0.5*math.Sin(2*math.Pi*(float64(xx)*c+float64(y)*s)/period+phase))
			for k := range 3 {
				d[(k*h+y)*w+xx] = v
			}
		}
	}
	return x
}

// Crop is a region of a letterboxed photograph that activates a unit.
type Crop struct {
	Photo      string
	Activation float64
	Image      *dl.Tensor // [1, 3, size, size] in [0, 1]
}

// TopCrops returns, best first, the k photographs among names whose strongest response of
// channel c of layer i is highest, each cropped (size×size pixels of the letterboxed input)
// around that strongest position: what a "grandmother cell" responds to.
func TopCrops(net *darknet.Net, i, c int, names []string, k, size int) ([]Crop, error) {
	w, h := net.InputSize()
	var crops []Crop
	for _, name := range names {
		m, err := datasets.Image(name)
		if err != nil {
			return nil, err
		}
		x := darknet.Letterbox(m, w, h)
		y := net.ForwardUntil(x, i)
		s := y.Shape()
		hw := s[2] * s[3]
		mp := y.Data()[c*hw : (c+1)*hw]
		bi := 0
		for j, v := range mp {
			if v > mp[bi] {
				bi = j
			}
		}
		cx := (bi%s[3])*w/s[3] + w/s[3]/2
		cy := (bi/s[3])*h/s[2] + h/s[2]/2
		x0 := min(max(0, cx-size/2), w-size)
		y0 := min(max(0, cy-size/2), h-size)
		crop := dl.Zeros(1, 3, size, size)
		cd, xd := crop.Data(), x.Data()
		for ch := range 3 {
			for yy := range size {
				copy(cd[(ch*size+yy)*size:(ch*size+yy+1)*size], xd[(ch*h+y0+yy)*w+x0:(ch*h+y0+yy)*w+x0+size])
			}
		}
		crops = append(crops, Crop{Photo: name, Activation: float64(mp[bi]), Image: crop})
	}
	slices.SortStableFunc(crops, func(a, b Crop) int { return -cmpF(a.Activation, b.Activation) })
	return crops[:min(k, len(crops))], nil
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Sweep returns n evenly spaced values in [0, span).
func Sweep(n int, span float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = span * float64(i) / float64(n)
	}
	return out
}
