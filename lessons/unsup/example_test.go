package unsup_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
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

func ExampleNewEncoderDecoder() {
	m := unsup.NewEncoderDecoder(rand.New(rand.NewPCG(1, 1)), 16, 6, 3) // Enc gives 6, Dec takes 3
	x := dl.RandU(rand.New(rand.NewPCG(2, 2)), 0, 1, 2, 1, 28, 28)
	fmt.Println("Enc:", m.Enc.Forward(x).Shape(), "Decode:", m.Decode(dl.Zeros(2, 3)).Shape())
	for _, p := range m.NamedParameters() {
		fmt.Print(p.Name, p.T.Shape(), " ")
	}
	fmt.Println()
	// Output:
	// Enc: [2 6] Decode: [2 1 28 28]
	// enc.1.weight[16 784] enc.1.bias[16] enc.3.weight[6 16] enc.3.bias[6] dec.0.weight[16 3] dec.0.bias[16] dec.2.weight[784 16] dec.2.bias[784]
}
