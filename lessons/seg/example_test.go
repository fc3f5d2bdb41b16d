package seg_test

import (
	"fmt"

	"github.com/deepnb/deepnb/lessons/seg"
)

func ExampleIoU() {
	truth := [][]uint8{{0, 0, 1, 1}}
	pred := [][]uint8{{0, 1, 1, 1}}
	per, mean := seg.IoU(pred, truth, 2)
	fmt.Printf("background %.2f, circle %.2f, mean %.2f\n", per[0], per[1], mean)
	// Output: background 0.50, circle 0.67, mean 0.58
}
