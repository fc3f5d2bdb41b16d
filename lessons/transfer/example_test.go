package transfer_test

import (
	"fmt"

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
