package vision

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// Cell is one neuron's answer to drifting gratings: the unit at the centre of channel Channel's
// map in layer Layer. Responses are taken relative to a blank (uniform grey) screen, as a
// physiologist subtracts the spontaneous rate, and rectified at zero: a firing rate.
type Cell struct {
	Layer, Channel int
	// Angles are the grating orientations swept (radians); Orientation is the tuning curve:
	// the mean response over one drift cycle at each angle, at the preferred period.
	Angles, Orientation []float64
	// Angle and Period are the preferred grating (the largest mean response).
	Angle, Period float64
	// Phases are the grating's phases over one cycle of its drift (radians); Drift is the
	// response at each, at the preferred angle and period.
	Phases, Drift []float64
	// OSI is the orientation selectivity, 1 − circular variance of Orientation: 1 for a unit
	// that answers to one orientation only, 0 for one that answers to all alike.
	OSI float64
	// F1F0 is Drift's modulation ratio (ModulationRatio): above 1 for a simple cell, whose answer
	// follows the stripes as they drift by, below 1 for a complex cell, which answers throughout.
	F1F0 float64
	// Peak is the largest mean response over all gratings (0 for a unit they do not drive).
	Peak float64
}

// ModulationRatio returns F1/F0 of the responses r to one cycle of a drifting grating sampled
// at evenly spaced phases: the amplitude of their first harmonic over their mean, the standard
// measure that separates simple cells (F1/F0 > 1) from complex cells (Skottun et al., Vision
// Research 1991). A half-wave rectified sinusoid, a linear filter's answer, has π/2; a constant
// answer has 0. It returns 0 when the mean is 0.
func ModulationRatio(r []float64) float64 {
	n := len(r)
	var f1 complex128
	f0 := 0.0
	for k, v := range r {
		f0 += v
		f1 += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(k)/float64(n)))
	}
	if f0 <= 0 {
		return 0
	}
	return 2 * cmplx.Abs(f1) / f0
}

// OrientationSelectivity returns 1 − circular variance of a tuning curve over angles in
// [0, π): |Σ r(θ) e^{2iθ}| / Σ r(θ), the standard index (Ringach et al., J. Neurosci. 2002),
// which uses the whole curve rather than its two extremes. It returns 0 when Σ r is 0.
func OrientationSelectivity(angles, r []float64) float64 {
	var s complex128
	sum := 0.0
	for i, v := range r {
		s += complex(v, 0) * cmplx.Exp(complex(0, 2*angles[i]))
		sum += v
	}
	if sum <= 0 {
		return 0
	}
	return cmplx.Abs(s) / sum
}

// MeasureCells shows every channel of layer i of net drifting gratings, angles × periods ×
// phases evenly spaced phases over one cycle, and measures each channel's centre unit as a
// Cell. Use a small net (TinyYOLOAt): only the centre unit is read.
func MeasureCells(net *darknet.Net, i int, angles, periods []float64, phases int) []Cell {
	w, h := net.InputSize()
	ph := Sweep(phases, 2*math.Pi)
	centre := func(y *dl.Tensor, n, c int) float64 {
		s := y.Shape()
		return float64(y.At(n, c, s[2]/2, s[3]/2))
	}
	var blank []float64
	grey := dl.Full(0.5, 1, 3, h, w)
	dl.NoGrad(func() {
		y := net.ForwardUntil(grey, i)
		blank = make([]float64, y.Dim(1))
		for c := range blank {
			blank[c] = centre(y, 0, c)
		}
	})
	C := len(blank)
	// resp[c][a][p][k]: channel c, angle a, period p, phase k.
	resp := make([][][][]float64, C)
	for c := range resp {
		resp[c] = make([][][]float64, len(angles))
		for a := range angles {
			resp[c][a] = make([][]float64, len(periods))
		}
	}
	batch := dl.Zeros(phases, 3, h, w)
	n := 3 * h * w
	for a, th := range angles {
		for p, per := range periods {
			for k, phi := range ph {
				copy(batch.Data()[k*n:(k+1)*n], Grating(w, h, th, per, phi).Data())
			}
			dl.NoGrad(func() {
				y := net.ForwardUntil(batch, i)
				for c := range C {
					r := make([]float64, phases)
					for k := range phases {
						r[k] = max(0, centre(y, k, c)-blank[c])
					}
					resp[c][a][p] = r
				}
			})
		}
	}
	cells := make([]Cell, C)
	for c := range C {
		bestA, bestP, peak := 0, 0, -1.0
		for a := range angles {
			for p := range periods {
				if m := mean(resp[c][a][p]); m > peak {
					bestA, bestP, peak = a, p, m
				}
			}
		}
		orient := make([]float64, len(angles))
		for a := range angles {
			orient[a] = mean(resp[c][a][bestP])
		}
		drift := resp[c][bestA][bestP]
		cells[c] = Cell{Layer: i, Channel: c, Angles: angles, Orientation: orient,
			Angle: angles[bestA], Period: periods[bestP], Phases: ph, Drift: drift,
			OSI: OrientationSelectivity(angles, orient), F1F0: ModulationRatio(drift), Peak: peak}
	}
	return cells
}

func mean(r []float64) float64 {
	s := 0.0
	for _, v := range r {
		s += v
	}
	return s / float64(len(r))
}

// MostSelective returns the k cells of highest OSI, most selective first, among those that the
// gratings drive: Peak at least minFrac of the layer's largest Peak. This is how the units are
// chosen: by their orientation tuning alone, before their F1/F0 is looked at.
func MostSelective(cells []Cell, k int, minFrac float64) []Cell {
	top := 0.0
	for _, c := range cells {
		top = max(top, c.Peak)
	}
	var driven []Cell
	for _, c := range cells {
		if top > 0 && c.Peak >= minFrac*top {
			driven = append(driven, c)
		}
	}
	slices.SortStableFunc(driven, func(a, b Cell) int { return cmp.Compare(b.OSI, a.OSI) })
	return driven[:min(k, len(driven))]
}

// FractionSimple returns the fraction of cells with F1/F0 > 1: simple cells.
func FractionSimple(cells []Cell) float64 {
	if len(cells) == 0 {
		return 0
	}
	n := 0
	for _, c := range cells {
		if c.F1F0 > 1 {
			n++
		}
	}
	return float64(n) / float64(len(cells))
}

// String reads "conv_0 unit 4: OSI 0.81, F1/F0 1.57 (period 4, 45°)".
func (c Cell) String() string {
	return fmt.Sprintf("layer %d unit %d: OSI %.2f, F1/F0 %.2f (period %g, %.0f°)", c.Layer, c.Channel, c.OSI, c.F1F0, c.Period, c.Angle*180/math.Pi)
}

// Gratings is a drifting-grating experiment: Angles orientations in [0, π), the Periods (pixels)
// tried for each, Phases samples over one drift cycle; the Top most orientation-selective cells
// of a layer among those driven to at least MinFrac of its strongest are kept.
type Gratings struct {
	Angles  int
	Periods []float64
	Phases  int
	Top     int
	MinFrac float64
}

// LectureGratings is the lecture's experiment: 8 orientations, periods of 4, 8 and 16 pixels,
// 8 phases a cycle, the 8 most selective driven cells of each layer.
var LectureGratings = Gratings{Angles: 8, Periods: []float64{4, 8, 16}, Phases: 8, Top: 8, MinFrac: 0.1}

// LayerCells is what Gratings.Run measured in one layer.
type LayerCells struct {
	Name   string // e.g. "conv_0"
	Cells  []Cell // the Top most orientation-selective driven cells, most selective first
	Units  int    // channels in the layer
	Simple float64
}

// Run measures the centre unit of every channel of each of the layers (see MeasureCells) and
// keeps each layer's most orientation-selective cells (MostSelective) with the fraction of them
// that are simple (FractionSimple).
func (g Gratings) Run(net *darknet.Net, layers ...int) []LayerCells {
	angles := Sweep(g.Angles, math.Pi)
	var out []LayerCells
	for _, i := range layers {
		all := MeasureCells(net, i, angles, g.Periods, g.Phases)
		top := MostSelective(all, g.Top, g.MinFrac)
		out = append(out, LayerCells{Name: net.Layers[i].Name, Cells: top, Units: len(all), Simple: FractionSimple(top)})
	}
	return out
}

// String reads "conv_0     8 of 16 units: F1/F0 > 1 in 100% (median F1/F0 1.63, median OSI 0.45)".
func (l LayerCells) String() string {
	var f, o []float64
	for _, c := range l.Cells {
		f, o = append(f, c.F1F0), append(o, c.OSI)
	}
	return fmt.Sprintf("%-10s %d of %3d units: F1/F0 > 1 in %3.0f%% (median F1/F0 %.2f, median OSI %.2f)",
		l.Name, len(l.Cells), l.Units, 100*l.Simple, median(f), median(o))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
