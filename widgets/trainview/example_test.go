package trainview_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
	"github.com/deepnb/deepnb/widgets"
	"github.com/deepnb/deepnb/widgets/trainview"
)

// A training loop with its live view attached. In a notebook the chart and the bar are drawn in
// the cell and each epoch prints a line; here their text goes to io.Discard.
func ExampleAttach() {
	widgets.Out, trainview.Out = io.Discard, io.Discard
	defer func() { widgets.Out, trainview.Out = nil, nil }()

	rng := rand.New(rand.NewPCG(1, 1))
	model := nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 4, 8), nn.ReLU, nn.NewLinear(rng, 8, 2))
	loop := train.Loop{Model: model, Opt: optim.NewAdam(model.Parameters(), 0.01), Epochs: 2}
	view := trainview.Attach(&loop, "blobs")
	hist, err := loop.Run(blobs(100), blobs(50), 10, 1)
	fmt.Println(len(hist.Epochs), "epochs, error:", err)
	fmt.Println(strings.Fields(view.Bar.String())[1], "steps on the bar")
	for _, s := range view.Chart.Series() {
		fmt.Printf("%s: %d points, the last at epoch %.0f\n", s.Name, len(s.X), s.X[len(s.X)-1])
	}
	// Output:
	// 2 epochs, error: <nil>
	// 20/20 steps on the bar
	// accuracy: 4 points, the last at epoch 2
	// loss: 4 points, the last at epoch 2
}
