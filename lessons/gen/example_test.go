package gen_test

import (
	"fmt"

	"github.com/deepnb/deepnb/lessons/gen"
)

func ExampleFrechetDistance() {
	a := [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}
	b := [][]float64{{2, 0}, {3, 0}, {2, 1}, {3, 1}} // a shifted by (2, 0)
	d, err := gen.FrechetDistance(a, b)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", d)
	// Output: 4.000
}
