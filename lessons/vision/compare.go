package vision

import (
	"fmt"
	"math"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
	"github.com/deepnb/deepnb/widgets"
)

// Maximized is activation maximisation of one objective measured as the lecture reports it:
// the value reached without a prior and with one, against the best of the photographs, and the
// high-frequency energy (HighFrequency) and total variation (TotalVariation) of both inputs.
// Its fields are plain values so that GoNB's cache can keep it.
type Maximized struct {
	Name             string
	Photo            string  // the photograph that scores highest
	PhotoValue       float64 // its value
	Plain, Prior     float64 // the value reached without and with the prior
	HFPlain, HFPrior float64
	TVPlain, TVPrior float64
	Shape            []int     // of the inputs, [1, C, H, W]
	PlainX, PriorX   []float32 // the inputs found
}

// Maximize runs ActivationMax on o twice, without a prior and with prior, steps steps at rate
// from seed, and measures both against the best of photos (named images, letterboxed to net's
// input). name labels the result.
func Maximize(net *darknet.Net, name string, o Objective, photos []string, prior Prior, steps int, rate float64, seed uint64) (Maximized, error) {
	best, v, err := o.BestPhoto(net, photos)
	if err != nil {
		return Maximized{}, err
	}
	x, tr := ActivationMax(net, o, Prior{}, steps, rate, seed)
	xp, trp := ActivationMax(net, o, prior, steps, rate, seed)
	return Maximized{Name: name, Photo: best, PhotoValue: v,
		Plain: tr[len(tr)-1], Prior: trp[len(trp)-1],
		HFPlain: HighFrequency(x), HFPrior: HighFrequency(xp),
		TVPlain: TotalVariation(x), TVPrior: TotalVariation(xp),
		Shape: x.Shape(), PlainX: x.Data(), PriorX: xp.Data()}, nil
}

// Inputs returns the inputs found without and with the prior, [1, C, H, W].
func (m Maximized) Inputs() (plain, prior *dl.Tensor) {
	return dl.New(m.PlainX, m.Shape...), dl.New(m.PriorX, m.Shape...)
}

// String reads "cat (centre cell)  best photo chelsea  9.49 | no prior 16.23 (HF 0.64, TV 0.0688) | with priors 6.10 (HF 0.09, TV 0.0096)".
func (m Maximized) String() string {
	return fmt.Sprintf("%-16s best photo %-10s %7.3f | no prior %7.3f (HF %.2f, TV %.4f) | with priors %7.3f (HF %.2f, TV %.4f)",
		m.Name, m.Photo, m.PhotoValue, m.Plain, m.HFPlain, m.TVPlain, m.Prior, m.HFPrior, m.TVPrior)
}

// Plots draws a cell's orientation tuning curve (mean response over a drift cycle against the
// grating's angle, at the preferred period) and its response over one drift cycle at the
// preferred grating, titled with the layer's name.
func (c Cell) Plots(layer string) (orientation, drift *widgets.Figure, err error) {
	deg := make([]float64, len(c.Angles))
	for i, a := range c.Angles {
		deg[i] = a * 180 / math.Pi
	}
	orientation, err = widgets.Line(widgets.PlotOpts{Title: fmt.Sprintf("%s unit %d: OSI %.2f", layer, c.Channel, c.OSI), XLabel: "orientation (degrees)", Width: 320},
		widgets.Series{X: deg, Y: c.Orientation})
	if err != nil {
		return nil, nil, err
	}
	drift, err = widgets.Line(widgets.PlotOpts{Title: fmt.Sprintf("drifting grating: F1/F0 %.2f", c.F1F0), XLabel: "phase (radians)", Width: 320},
		widgets.Series{X: c.Phases, Y: c.Drift})
	if err != nil {
		return nil, nil, err
	}
	return orientation, drift, nil
}
