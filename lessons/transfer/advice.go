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

// DatasetsWhere returns the data sets of Datasets in one cell of the deck's table: similar to
// COCO's photographs (or not), with very little data (or not).
func DatasetsWhere(similar, little bool) []Dataset {
	var ds []Dataset
	for _, d := range Datasets {
		if d.Similar == similar && (d.PerClass < LittleData) == little {
			ds = append(ds, d)
		}
	}
	return ds
}

// CheckStrategy checks a student's choose(d) against the deck's table (Advice, with "very little
// data" meaning fewer than LittleData examples per class) on Datasets.
func CheckStrategy(choose func(d Dataset) Strategy) check.Result {
	return CheckStrategyCases("choosing the strategy", Datasets, choose)
}

// CheckStrategyCases checks choose on the data sets ds against Advice, with a hint aimed at the
// choice made: the wrong row (fine-tuning on little data, or not fine-tuning on a lot), or the
// wrong column (the top layer for a very different data set, a few layers for one, and back).
func CheckStrategyCases(name string, ds []Dataset, choose func(d Dataset) Strategy) check.Result {
	res := check.Result{Name: name}
	linear := func(s Strategy) bool { return s == LinearTop || s == LinearStages }
	for _, d := range ds {
		res.Cases++
		want := Advice(d.Similar, d.PerClass < LittleData)
		var got Strategy
		if err := check.CallSafely(func() { got = choose(d) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = fmt.Sprintf("%+v", d), err.Error(), want.String(), "replace the panic(\"TODO\") with your choice"
			return res
		}
		if got == want {
			continue
		}
		res.Case, res.Got, res.Want = fmt.Sprintf("%s (similar to COCO: %v, %d per class)", d.What, d.Similar, d.PerClass), got.String(), want.String()
		switch {
		case linear(want) && !linear(got):
			res.Hint = fmt.Sprintf("with fewer than %d examples per class, fine-tuning overfits: do not fine-tune, fit a linear classifier", LittleData)
		case !linear(want) && linear(got):
			res.Hint = fmt.Sprintf("with %d or more examples per class there is enough data to fine-tune: a linear classifier leaves accuracy behind", LittleData)
		case want == LinearStages:
			res.Hint = "a very different data set: the top layer's features are specific to COCO's photographs, so try linear classifiers on the features of earlier stages"
		case want == LinearTop:
			res.Hint = "a data set similar to COCO's photographs: the top layer's features already fit it, a linear classifier on them is enough"
		case want == FineTuneMany:
			res.Hint = "a very different data set: even its lower layers' features need to change, so fine-tune a larger number of layers"
		default:
			res.Hint = "a data set similar to COCO's photographs: the lower layers' features already fit it, fine-tune only a few top layers"
		}
		return res
	}
	res.Passed = true
	return res
}
