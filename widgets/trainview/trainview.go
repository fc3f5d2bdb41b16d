package trainview

import (
	"fmt"
	"io"
	"os"

	"github.com/deepnb/deepnb/dl/train"
	"github.com/deepnb/deepnb/widgets"
)

// Points is about how many averaged points the chart gets over a whole run (at least 5 steps
// each, and at the end of every epoch).
const Points = 40

// Out is where Attach's hooks print the line of each epoch (the notebook cell's output).
var Out io.Writer = os.Stdout

// Attach sets loop's OnStep and OnEpoch hooks to draw the run titled title: a live chart of
// the training loss and accuracy averaged over groups of steps (train.Every), whose x axis is
// in epochs; a progress bar over all the run's steps, finished after the last epoch; and after
// each epoch the line
//
//	epoch 1: training loss 0.3012, test accuracy 94.61%
//
// Hooks loop already had still run, after the view's, and their errors still stop training
// (the bar is then finished where it stands). The bar appears at the first step, when the number
// of batches is known. The chart gets only finite values: Run stops on a NaN loss before any hook.
func Attach(loop *train.Loop, title string) *View {
	v := &View{Chart: widgets.NewMonitor(widgets.PlotOpts{Title: title, XLabel: "epoch", YLabel: "training loss / accuracy"})}
	epochs := max(loop.Epochs, 1)
	var every func(train.Step) error
	onStep, onEpoch := loop.OnStep, loop.OnEpoch
	loop.OnStep = func(s train.Step) error {
		if v.Bar == nil {
			steps := epochs * s.Batches
			v.Bar = widgets.NewProgress(steps, title)
			every = train.Every(max(steps/Points, 5), func(s train.Step, loss, acc float64) {
				v.Chart.Add(s.Epochs(), widgets.Values{"loss": loss, "accuracy": acc})
				v.Bar.Set(s.Step, widgets.Values{"loss": loss})
			})
		}
		every(s)
		if onStep == nil {
			return nil
		}
		err := onStep(s)
		if err != nil {
			v.Bar.Set(s.Step, nil)
			v.Bar.Done()
		}
		return err
	}
	loop.OnEpoch = func(e train.Epoch) error {
		fmt.Fprintf(Out, "epoch %d: training loss %.4f, test accuracy %.2f%%\n", e.Epoch, e.Loss, 100*e.TestAccuracy)
		var err error
		if onEpoch != nil {
			err = onEpoch(e)
		}
		if e.Epoch == epochs || err != nil {
			v.Bar.Done()
		}
		return err
	}
	return v
}

// View is what Attach shows: the chart and the progress bar, for a lecture that wants to read
// the recorded curves (Chart.Series) after the run.
type View struct {
	Chart *widgets.Monitor
	Bar   *widgets.Progress // nil until the first step
}
