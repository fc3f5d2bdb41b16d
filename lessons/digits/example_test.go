package digits_test

import (
	"fmt"

	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/digits"
)

func ExampleNewCNN() {
	cnn := digits.NewCNN(1)
	fmt.Println(nn.Count(cnn), "parameters; first filters", digits.FirstFilters(cnn).Shape())
	// Output: 28938 parameters; first filters [16 1 5 5]
}

func ExampleCheckpoint() {
	path := digits.Checkpoint("cnn", "v1", 10000)
	fmt.Println(path[len(path)-len("deepnb-02/cnn-v1-10000.safetensors"):])
	// Output: deepnb-02/cnn-v1-10000.safetensors
}
