package trainview_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
	"github.com/deepnb/deepnb/widgets"
	"github.com/deepnb/deepnb/widgets/trainview"
)

// blobs returns n 1×2×2 images of 2 classes: class c is noise plus 1 on pixel c.
func blobs(n int) *datasets.Set {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 4*n)
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(2)
		for p := range 4 {
			x[4*i+p] = 0.3 * float32(rng.NormFloat64())
		}
		x[4*i+y[i]]++
	}
	return &datasets.Set{X: dl.New(x, n, 1, 2, 2), Y: y, Classes: []string{"a", "b"}}
}

// TestAttach runs a small loop with the view attached outside a notebook and checks what it
// shows: one line per epoch, the finished bar over every step, both curves on the chart up to
// the last epoch, and the hooks the loop had before still called, their errors still stopping it.
func TestAttach(t *testing.T) {
	var out bytes.Buffer
	widgets.Out, trainview.Out = &out, &out
	t.Cleanup(func() { widgets.Out, trainview.Out = nil, nil })

	for i, tc := range []struct {
		stopAt     int // the step at which the loop's own OnStep returns train.ErrStop (0: never)
		wantSteps  int
		wantEpochs int
	}{
		{stopAt: 0, wantSteps: 3 * 13, wantEpochs: 3}, // ⌈200/16⌉ = 13 batches per epoch
		{stopAt: 20, wantSteps: 20, wantEpochs: 1},
	} {
		out.Reset()
		rng := rand.New(rand.NewPCG(1, 1))
		model := nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 4, 8), nn.ReLU, nn.NewLinear(rng, 8, 2))
		steps, epochs := 0, 0
		loop := train.Loop{Model: model, Opt: optim.NewAdam(model.Parameters(), 0.01), Epochs: 3,
			OnStep: func(s train.Step) error {
				if steps++; s.Step == tc.stopAt {
					return train.ErrStop
				}
				return nil
			},
			OnEpoch: func(train.Epoch) error { epochs++; return nil },
		}
		v := trainview.Attach(&loop, "blobs")
		hist, err := loop.Run(blobs(200), blobs(50), 16, 1)
		if err != nil {
			t.Fatalf("case %d: Run: %v", i, err)
		}
		if steps != tc.wantSteps || epochs != tc.wantEpochs || len(hist.Loss) != tc.wantSteps {
			t.Errorf("case %d: the loop's own hooks saw %d steps and %d epochs (History %d steps), want %d and %d", i, steps, epochs, len(hist.Loss), tc.wantSteps, tc.wantEpochs)
		}
		lines := regexp.MustCompile(`epoch \d: training loss \d\.\d{4}, test accuracy \d+\.\d\d%\n`).FindAllString(out.String(), -1)
		if len(lines) != tc.wantEpochs {
			t.Errorf("case %d: %d epoch lines, want %d; output:\n%s", i, len(lines), tc.wantEpochs, out.String())
		}
		if want := fmt.Sprintf("blobs  %d/39 [", tc.wantSteps); !strings.HasPrefix(v.Bar.String(), want) || !strings.Contains(out.String(), want) {
			t.Errorf("case %d: progress bar %q, want it finished at %q in the output", i, v.Bar.String(), want)
		}
		series := v.Chart.Series()
		if len(series) != 2 || series[0].Name != "loss" && series[1].Name != "loss" {
			t.Fatalf("case %d: chart series %+v, want loss and accuracy", i, series)
		}
		for _, s := range series {
			last := s.X[len(s.X)-1]
			if want := float64(tc.stopAt) / 13; tc.stopAt == 0 && last != 3 || tc.stopAt > 0 && (last < want-0.4 || last > want) {
				t.Errorf("case %d: series %s ends at epoch %.3f (%d points)", i, s.Name, last, len(s.X))
			}
		}
	}
}
