package backbone_test

import (
	"fmt"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/backbone"
)

// Tiny YOLOv2's trunk on a 64-pixel image: the shape of every stage's features.
func Example() {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		panic(err)
	}
	b := backbone.New(net, backbone.MaxPool)
	x := dl.Full(0.5, 1, 3, 64, 64).NoGrad()
	b.Run(x, 0, b.Last(), func(i int, y *dl.Tensor) {
		if b.Layers[i].Conv {
			fmt.Println(b.Layers[i].Name, y.Shape()[1:])
		}
	})
	// Output:
	// conv_0 [16 64 64]
	// conv_2 [32 32 32]
	// conv_4 [64 16 16]
	// conv_6 [128 8 8]
	// conv_8 [256 4 4]
	// conv_10 [512 2 2]
	// conv_12 [1024 2 2]
	// conv_13 [512 2 2]
}
