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
