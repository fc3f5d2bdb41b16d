package transfer

import (
	"fmt"
	"math"
	"strings"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/backbone"
)

// Config sizes the experiment.
type Config struct {
	Seeds        int     // seeded splits (and initialisations) per cell
	Little       int     // training images per class in the "very little data" rows
	TestPerClass int     // test images per class (the same for both regimes of a data set)
	LinearSteps  int     // Adam steps of each linear probe
	FineTune     []int   // k values: fine-tune the last k convolutional layers
	Epochs       int     // epochs of fine-tuning and of training from scratch
	TuneSteps    int     // fine-tuning runs at least this many mini-batch steps
	LR           float32 // Adam's step for the fine-tuned pretrained layers; their head's is 10×
	ScratchLR    float32 // Adam's step for training from scratch (1e-3 if 0)
}

// Outcome is one strategy's accuracies on one cell, one per seed.
type Outcome struct {
	Data, Regime string // "photos"/"digits", "little"/"a lot"
	Strategy     string // "linear conv_13", "fine-tune k=2", "from scratch"
	Stage        int    // the stage's index for a linear probe, else -1
	Acc          []float64
}

// Mean and Std return the accuracy's mean and standard deviation over the seeds.
func (o Outcome) Mean() float64 {
	var s float64
	for _, a := range o.Acc {
		s += a
	}
	return s / float64(len(o.Acc))
}

func (o Outcome) Std() float64 {
	m, s := o.Mean(), 0.0
	for _, a := range o.Acc {
		s += (a - m) * (a - m)
	}
	return math.Sqrt(s / float64(max(1, len(o.Acc)-1)))
}

// Run measures every strategy on the two regimes of f's data set: "little" (cfg.Little images
// per class, no augmentation) and "a lot" (every image not in the test set, with all the
// views f holds), over cfg.Seeds seeded splits. Linear probes read the cached features of
// every view; fine-tuning reads the cached maps at its cut; training from scratch runs the
// images through the whole trunk. An epoch of fine-tuning or training from scratch sees each
// training image once, in a random view. progress, if not nil, is called with a line per
// finished split.
func Run(b *backbone.Net, f *Features, cfg Config, progress func(string)) []Outcome {
	classes := len(f.Data.Classes)
	cuts := CutLayers(b)
	var out []Outcome
	for _, regime := range []string{"little", "a lot"} {
		per := cfg.Little
		if regime == "a lot" {
			per = 0
		}
		byName := map[string]*Outcome{}
		var order []string
		add := func(name string, stage int, acc float64) {
			o := byName[name]
			if o == nil {
				o = &Outcome{Data: f.Data.Name, Regime: regime, Strategy: name, Stage: stage}
				byName[name] = o
				order = append(order, name)
			}
			o.Acc = append(o.Acc, acc)
		}
		for seed := range uint64(cfg.Seeds) {
			trImg, teImg := SplitImages(f.Data.Y, classes, per, cfg.TestPerClass, seed+1)
			tr, te := f.rows(trImg, regime == "a lot"), f.rows(teImg, false)
			ytr, yte := f.labels(tr), f.labels(te)
			groups, ygr := f.groups(trImg, regime == "a lot")
			var top *Linear
			for k := range f.Stages {
				l := FitLinear(rowsOf(f.Pooled[k], f.Dims[k], tr), ytr, classes, cfg.LinearSteps)
				add("linear "+f.Names[k], k, l.Accuracy(rowsOf(f.Pooled[k], f.Dims[k], te), yte))
				top = l
			}
			for _, k := range cfg.FineTune {
				cut := cuts[k]
				n := newNet(b, cut+1, top, 0, classes, seed+1)
				acc := n.fit(func(rows []int) *dl.Tensor { return f.mapsOf(cut, rows) }, groups, ygr, te, yte, cfg.Epochs, cfg.TuneSteps, cfg.LR, 10*cfg.LR, seed+1)
				add(fmt.Sprintf("fine-tune k=%d", k), -1, acc)
			}
			n := newNet(b, 0, nil, f.Dims[len(f.Dims)-1], classes, seed+1)
			slr := cfg.ScratchLR
			if slr == 0 {
				slr = 1e-3
			}
			acc := n.fit(f.imagesOf, groups, ygr, te, yte, cfg.Epochs, 0, slr, slr, seed+1)
			add("from scratch", -1, acc)
			if progress != nil {
				progress(fmt.Sprintf("%s, %s data, seed %d: %d training rows, %d test images", f.Data.Name, regime, seed+1, len(tr), len(te)))
			}
		}
		for _, name := range order {
			out = append(out, *byName[name])
		}
	}
	return out
}

// Best returns the outcome with the highest mean accuracy among those of one data set and
// regime.
func Best(os []Outcome, data, regime string) Outcome {
	var best Outcome
	for _, o := range os {
		if o.Data == data && o.Regime == regime && (best.Acc == nil || o.Mean() > best.Mean()) {
			best = o
		}
	}
	return best
}

// Find returns the outcome of a strategy on a cell (zero if absent).
func Find(os []Outcome, data, regime, strategy string) Outcome {
	for _, o := range os {
		if o.Data == data && o.Regime == regime && o.Strategy == strategy {
			return o
		}
	}
	return Outcome{}
}

// Table prints the measured 2×2 table (best strategy, mean ± std accuracy) next to the deck's
// advice, for the similar and different data sets.
func Table(os []Outcome, similar, different string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s | %-44s | %-44s\n", "", "very similar ("+similar+")", "very different ("+different+")")
	for _, regime := range []string{"little", "a lot"} {
		var cells [2]string
		for i, d := range []string{similar, different} {
			o := Best(os, d, regime)
			cells[i] = fmt.Sprintf("%s %.1f%% ± %.1f", o.Strategy, 100*o.Mean(), 100*o.Std())
		}
		fmt.Fprintf(&b, "%-12s | %-44s | %-44s\n", regime+" data", cells[0], cells[1])
		fmt.Fprintf(&b, "%-12s | %-44s | %-44s\n", "  deck", Advice(true, regime == "little").String(), Advice(false, regime == "little").String())
	}
	return b.String()
}

// Verdict compares the measured best strategy of a cell with the deck's advice and says
// whether they agree, in one line: a linear probe on the top stage counts as "linear classifier
// on the top layer", one on an earlier stage as "linear from different stages", fine-tuning
// one layer as "a few layers", more as "a larger number", and training from scratch as none of
// the deck's cells. Where they disagree it gives the best outcome of the deck's choice too, and
// says whether that is within the best one's spread (its mean at least the best mean less the
// larger of the two standard deviations).
func Verdict(os []Outcome, data, regime string, similar bool) string {
	best := Best(os, data, regime)
	advice := Advice(similar, regime == "little")
	top := Find(os, data, regime, "linear conv_13")
	margin := fmt.Sprintf("(best %s %.1f%%, top-layer linear %.1f%%)", best.Strategy, 100*best.Mean(), 100*top.Mean())
	if kind(best) == advice {
		return fmt.Sprintf("%s, %s data: agrees with the deck — %s %s", data, regime, advice, margin)
	}
	line := fmt.Sprintf("%s, %s data: DISAGREES with the deck (%s) %s", data, regime, advice, margin)
	var deck Outcome
	for _, o := range os {
		if o.Data == data && o.Regime == regime && kind(o) == advice && (deck.Acc == nil || o.Mean() > deck.Mean()) {
			deck = o
		}
	}
	if deck.Acc == nil {
		return line
	}
	within := "outside"
	if deck.Mean() >= best.Mean()-max(best.Std(), deck.Std()) {
		within = "within"
	}
	return fmt.Sprintf("%s; the deck's choice at its best, %s %.1f%% ± %.1f, is %s the spread", line, deck.Strategy, 100*deck.Mean(), 100*deck.Std(), within)
}

// kind returns which of the deck's strategies an outcome is (see Verdict), −1 for training
// from scratch.
func kind(o Outcome) Strategy {
	switch {
	case o.Stage >= 0 && strings.HasSuffix(o.Strategy, "conv_13"):
		return LinearTop
	case o.Stage >= 0:
		return LinearStages
	case o.Strategy == "fine-tune k=1":
		return FineTuneFew
	case strings.HasPrefix(o.Strategy, "fine-tune"):
		return FineTuneMany
	}
	return -1
}

// DeCAF compares, on the data set's "little" cell, the top-layer linear classifier with the
// same network trained from scratch (DeCAF's and Razavian et al.'s point: off-the-shelf top
// features and a linear classifier beat training on little data), in one line that says
// whether this run confirms it.
func DeCAF(os []Outcome, data string, perClass int) string {
	top := Find(os, data, "little", "linear conv_13")
	scratch := Find(os, data, "little", "from scratch")
	verdict := "confirmed"
	if top.Mean() <= scratch.Mean() {
		verdict = "NOT confirmed in this run"
	}
	return fmt.Sprintf("DeCAF / Razavian et al., %s with %d per class: top-layer features + a linear classifier %.1f%% ± %.1f vs the same network trained from scratch %.1f%% ± %.1f: %s",
		data, perClass, 100*top.Mean(), 100*top.Std(), 100*scratch.Mean(), 100*scratch.Std(), verdict)
}
