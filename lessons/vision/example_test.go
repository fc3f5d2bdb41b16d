package vision_test

import (
	"fmt"

	"github.com/deepnb/deepnb/lessons/vision"
)

func ExampleSoftThreshold() {
	for _, a := range []float64{-2, -0.3, 0, 0.3, 2} {
		fmt.Printf("%.1f ", vision.SoftThreshold(a, 0.5))
	}
	fmt.Println()
	// Output: -1.5 0.0 0.0 0.0 1.5
}

func ExampleCheckSoftThreshold() {
	fmt.Println(vision.CheckSoftThreshold(func(a, t float64) float64 { return vision.SoftThreshold(a, t) }))
	// Output: ✓ ISTA shrinkage: 208 cases pass
}

func ExampleFitGabor() {
	g := vision.Gabor{X0: 6, Y0: 5, Theta: 0.5, SigmaX: 2, SigmaY: 3, Freq: 0.2, A: 1}
	w := make([]float64, 12*12)
	for y := range 12 {
		for x := range 12 {
			w[y*12+x] = g.At(float64(x), float64(y))
		}
	}
	_, r2 := vision.FitGabor(w, 12)
	fmt.Printf("R² ≥ 0.99: %v\n", r2 >= 0.99)
	// Output: R² ≥ 0.99: true
}
