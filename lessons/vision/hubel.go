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

// Tuning is a unit's response to gratings swept over orientation and position (phase).
type Tuning struct {
	Angles   []float64   // radians
	Phases   []float64   // radians: the grating shifted across the receptive field
	Response [][]float64 // [angle][phase]: the unit's activation at the centre of its map
}

// MeasureTuning sweeps gratings of the given period over angles × phases and records, for
// every channel of layer i, the activation at the centre of its feature map: one neuron per
// channel, each with one receptive field. Responses are rectified at 0 (Tiny YOLO's leaky
// ReLU lets a little through below).
func MeasureTuning(net *darknet.Net, i int, period float64, angles, phases []float64) []Tuning {
	w, h := net.InputSize()
	var out []Tuning
	for a, th := range angles {
		for p, ph := range phases {
			y := net.ForwardUntil(Grating(w, h, th, period, ph), i)
			s := y.Shape()
			if out == nil {
				out = make([]Tuning, s[1])
				for c := range out {
					out[c] = Tuning{Angles: angles, Phases: phases, Response: make([][]float64, len(angles))}
					for k := range angles {
						out[c].Response[k] = make([]float64, len(phases))
					}
				}
			}
			for c := range out {
				out[c].Response[a][p] = max(0, float64(y.At(0, c, s[2]/2, s[3]/2)))
			}
		}
	}
	return out
}

// MostSelective returns the index of the tuning with the highest OrientationSelectivity
// among units whose peak response is at least minPeak.
func MostSelective(ts []Tuning, minPeak float64) int {
	best, bestS := -1, -1.0
	for c, t := range ts {
		if slices.Max(t.OrientationCurve()) < minPeak {
			continue
		}
		if s := t.OrientationSelectivity(); s > bestS {
			best, bestS = c, s
		}
	}
	return best
}

// OrientationCurve returns, for each angle, the response at the best phase.
func (t Tuning) OrientationCurve() []float64 {
	out := make([]float64, len(t.Angles))
	for a, r := range t.Response {
		out[a] = slices.Max(r)
	}
	return out
}

// PositionCurve returns the responses over phase at the preferred angle.
func (t Tuning) PositionCurve() []float64 {
	best := 0
	oc := t.OrientationCurve()
	for a := range oc {
		if oc[a] > oc[best] {
			best = a
		}
	}
	return t.Response[best]
}

// OrientationSelectivity is (max − min) / (max + min) of OrientationCurve: near 1 for a
// unit that answers to one orientation only, near 0 for one that answers to all.
func (t Tuning) OrientationSelectivity() float64 { return modulation(t.OrientationCurve()) }

// PositionModulation is the same index over PositionCurve: high for a simple cell, whose
// answer depends on where the stripes fall, low for a complex cell, which tolerates position.
func (t Tuning) PositionModulation() float64 { return modulation(t.PositionCurve()) }

func modulation(r []float64) float64 {
	hi, lo := slices.Max(r), slices.Min(r)
	if d := hi + lo; d > 0 {
		return (hi - lo) / d
	}
	return 0
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
