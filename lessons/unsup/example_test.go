package unsup_test

import (
	"fmt"

	"github.com/deepnb/deepnb/lessons/unsup"
)

func ExampleKMeans() {
	x := [][]float64{{0, 0}, {0, 1}, {10, 10}, {10, 11}, {0, 0.5}}
	c := unsup.KMeans(x, 2, 10, 1)
	fmt.Println(c.Assign[0] == c.Assign[1], c.Assign[0] == c.Assign[2], c.Assign[2] == c.Assign[3])
	// Output: true false true
}

func ExampleNMI() {
	fmt.Printf("%.1f %.1f\n", unsup.NMI([]int{1, 1, 0, 0}, []int{0, 0, 1, 1}), unsup.Purity([]int{0, 0, 0, 0}, []int{0, 0, 1, 1}))
	// Output: 1.0 0.5
}

func ExampleFitGMM() {
	truth := unsup.ToyMixture()
	g, _, err := unsup.FitGMM(truth.Sample(1000, 1), 3, 50, 1e-6, 1)
	if err != nil {
		panic(err)
	}
	held := truth.Sample(500, 2)
	fmt.Println(g.MeanLogLik(held) > truth.MeanLogLik(held)-0.05)
	// Output: true
}
