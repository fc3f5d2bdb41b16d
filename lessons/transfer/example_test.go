package transfer_test

import (
	"fmt"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/transfer"
)

// The deck's advice for the four cells of its table.
func ExampleAdvice() {
	for _, little := range []bool{true, false} {
		fmt.Printf("%-44s | %s\n", transfer.Advice(true, little), transfer.Advice(false, little))
	}
	// Output:
	// linear classifier on the top layer           | in trouble: linear from different stages
	// fine-tune a few layers                       | fine-tune a larger number of layers
}

// A hidden test per cell of the table: a student who keeps the top layer for very little,
// very different data fails that cell only, with a hint aimed at the choice made.
func ExampleCheckStrategyCases() {
	topLayer := func(d transfer.Dataset) transfer.Strategy {
		return transfer.Advice(true, d.PerClass < transfer.LittleData)
	}
	fmt.Println(transfer.CheckStrategyCases("similar, little", transfer.DatasetsWhere(true, true), topLayer))
	fmt.Println(transfer.CheckStrategyCases("different, little", transfer.DatasetsWhere(false, true), topLayer).Hint)
	// Output:
	// ✓ similar, little: 2 cases pass
	// a very different data set: the top layer's features are specific to COCO's photographs, so try linear classifiers on the features of earlier stages
}

// A linear classifier on two features, the first of which tells the classes apart.
func ExampleFitLinear() {
	x := dl.New([]float32{
		-2, 0.3, -1, -0.2, -1.5, 0.1, // class 0: first feature negative
		2, 0.2, 1, -0.3, 1.5, 0.0, // class 1: positive
	}, 6, 2)
	y := []int{0, 0, 0, 1, 1, 1}
	l := transfer.FitLinear(x, y, 2, 50)
	fmt.Println("training accuracy:", l.Accuracy(x, y))
	fmt.Println("new rows:", l.Logits(dl.New([]float32{-3, 0, 3, 0}, 2, 2)).ArgMax(1))
	// Output:
	// training accuracy: 1
	// new rows: [0 1]
}

// DeCAF's comparison on made-up outcomes of three splits.
func ExampleDeCAF() {
	os := []transfer.Outcome{
		{Data: "photos", Regime: "little", Strategy: "linear conv_13", Stage: 7, Acc: []float64{0.7, 0.6, 0.8}},
		{Data: "photos", Regime: "little", Strategy: "from scratch", Stage: -1, Acc: []float64{0.2, 0.3, 0.25}},
	}
	fmt.Println(transfer.DeCAF(os, "photos", 5))
	// Output:
	// DeCAF / Razavian et al., photos with 5 per class: top-layer features + a linear classifier 70.0% ± 10.0 vs the same network trained from scratch 25.0% ± 5.0: confirmed
}
