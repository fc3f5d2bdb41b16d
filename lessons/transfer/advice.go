package transfer

import (
	"fmt"

	"github.com/deepnb/deepnb/lessons/check"
)

// Strategy is one of the deck's four pieces of advice.
type Strategy int

const (
	LinearTop    Strategy = iota // a linear classifier on the top layer
	LinearStages                 // "you're in trouble": try linear classifiers from different stages
	FineTuneFew                  // fine-tune a few layers
	FineTuneMany                 // fine-tune a larger number of layers
)

func (s Strategy) String() string {
	switch s {
	case LinearTop:
		return "linear classifier on the top layer"
	case LinearStages:
		return "in trouble: linear from different stages"
	case FineTuneFew:
		return "fine-tune a few layers"
	case FineTuneMany:
		return "fine-tune a larger number of layers"
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// Dataset describes a new data set for the strategy exercise.
type Dataset struct {
	What     string // e.g. "X-ray images of lungs"
	Similar  bool   // close to the source network's data (COCO's everyday photographs)
	PerClass int    // labelled examples per class
}

// LittleData is the number of examples per class below which the deck's "very little data"
// row applies.
const LittleData = 100

// Advice returns the deck's advice for a data set that is similar (or not) to the source
// data and has little (or quite a lot of) data.
func Advice(similar, little bool) Strategy {
	switch {
	case similar && little:
		return LinearTop
	case !similar && little:
		return LinearStages
	case similar:
		return FineTuneFew
	}
	return FineTuneMany
}

// Datasets are the cases of CheckStrategy.
var Datasets = []Dataset{
	{"20 photos each of 5 kinds of dog", true, 20},
	{"chest X-rays, 40 per diagnosis", false, 40},
	{"50,000 street photos of 10 kinds of vehicle", true, 5000},
	{"handwritten digits, 6,000 per class", false, 6000},
	{"8 holiday photos per landmark", true, 8},
	{"satellite images of fields, 3 per crop type", false, 3},
	{"product photos, 1,000 per category", true, 1000},
	{"spectrograms of bird song, 500 per species", false, 500},
}

// CheckStrategy checks a student's choose(d) against the deck's table (Advice, with "very little
// data" meaning fewer than LittleData examples per class) on Datasets.
func CheckStrategy(choose func(d Dataset) Strategy) check.Result {
	res := check.Result{Name: "choosing the strategy"}
	for _, d := range Datasets {
		res.Cases++
		want := Advice(d.Similar, d.PerClass < LittleData)
		var got Strategy
		if err := check.CallSafely(func() { got = choose(d) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = fmt.Sprintf("%+v", d), err.Error(), want.String(), "replace the panic(\"TODO\") with your choice"
			return res
		}
		if got != want {
			res.Case, res.Got, res.Want = fmt.Sprintf("%s (similar to COCO: %v, %d per class)", d.What, d.Similar, d.PerClass), got.String(), want.String()
			if (got == LinearTop || got == LinearStages) != (want == LinearTop || want == LinearStages) {
				res.Hint = fmt.Sprintf("with fewer than %d examples per class, do not fine-tune: fit a linear classifier", LittleData)
			} else {
				res.Hint = "the less similar the data, the lower the layers whose features still help (and the more layers to fine-tune)"
			}
			return res
		}
	}
	res.Passed = true
	return res
}
