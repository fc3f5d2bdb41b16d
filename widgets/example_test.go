package widgets_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/deepnb/deepnb/widgets"
)

// An 8×8 filter is enlarged with nearest neighbour to 128×128 so that it is visible.
func ExampleImage() {
	filter := widgets.FromSlice(gabor(1, 8), 8, 8)
	img, err := widgets.Image(filter, widgets.ImageOpts{ColorMap: widgets.Diverging, Symmetric: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy())
	// Output: 128 × 128
}

// A batch of 16 one-channel 8×8 filters as a grid of 8 columns: each cell is enlarged 7×
// (to 56 pixels) with 2-pixel gaps.
func ExampleImageGrid() {
	batch := widgets.FromSlice(gabor(16, 8), 16, 1, 8, 8)
	img, err := widgets.ImageGrid(batch, widgets.GridOpts{Cols: 8,
		ImageOpts: widgets.ImageOpts{ColorMap: widgets.Diverging, Symmetric: true, Norm: widgets.Shared}})
	if err != nil {
		panic(err)
	}
	fmt.Println(img.Bounds().Size())
	// Output: (466,118)
}

// Outside a notebook Show writes a one-line summary to widgets.Out (stdout by default).
func ExampleShow() {
	f, err := widgets.Line(widgets.PlotOpts{Title: "loss", LogY: true},
		widgets.Series{Name: "train", Y: []float64{2.3, 1.1, 0.6, 0.4}})
	if err != nil {
		panic(err)
	}
	widgets.Show(f)
	// Output: [figure 480×320: loss]
}

func ExampleGridWorld() {
	values := []float64{0.1, 0.5, 1, 0, math.NaN(), -1}
	img, err := widgets.GridWorld(values, 2, 3, widgets.GridWorldOpts{
		Policy:   []widgets.Action{widgets.Right, widgets.Right, 0, widgets.Up, 0, 0},
		Terminal: []widgets.Cell{{Row: 0, Col: 2}, {Row: 1, Col: 2}},
		Walls:    []widgets.Cell{{Row: 1, Col: 1}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(img.Bounds().Size())
	// Output: (193,129)
}

// A NaN in user data is an error wrapping ErrNaN.
func ExampleErrNaN() {
	_, err := widgets.Histogram(widgets.PlotOpts{}, []float64{1, math.Inf(1)}, 10)
	fmt.Println(errors.Is(err, widgets.ErrNaN))
	fmt.Println(err)
	// Output:
	// true
	// widgets: NaN or Inf in data: Histogram: value 1 is +Inf
}

// No data is an error wrapping ErrEmpty, not ErrNaN.
func ExampleErrEmpty() {
	_, err := widgets.Line(widgets.PlotOpts{}, widgets.Series{Name: "loss"})
	fmt.Println(errors.Is(err, widgets.ErrEmpty), errors.Is(err, widgets.ErrNaN))
	fmt.Println(err)
	// Output:
	// true false
	// widgets: empty data: Line series "loss": no values
}

// Outside a notebook a Monitor prints one line per Add.
func ExampleMonitor() {
	m := widgets.NewMonitor(widgets.PlotOpts{Title: "training"})
	for epoch := 1; epoch <= 3; epoch++ {
		m.Add(float64(epoch), widgets.Values{"loss": 1 / float64(epoch), "acc": 1 - 0.5/float64(epoch)})
	}
	// Output:
	// epoch 1: acc=0.5 loss=1
	// epoch 2: acc=0.75 loss=0.5
	// epoch 3: acc=0.8333 loss=0.3333
}
