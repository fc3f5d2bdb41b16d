package vision_test

import (
	"fmt"
	"math"

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

// A hidden test aims at one mistake: a hard threshold keeps the survivors as they are.
func ExampleCheckSoftThresholdCases() {
	hard := func(a, t float64) float64 {
		if a > t || a < -t {
			return a
		}
		return 0
	}
	fmt.Println(vision.CheckSoftThresholdCases("dead zone", []vision.ShrinkCase{{A: 0.3, T: 0.5}, {A: -0.5, T: 0.5}}, hard))
	fmt.Println(vision.CheckSoftThresholdCases("a > t", []vision.ShrinkCase{{A: 2, T: 0.5}}, hard))
	// Output:
	// ✓ dead zone: 2 cases pass
	// ✗ a > t: case 1 fails
	//   case: soft(2, 0.5)
	//   got:  2
	//   want: 1.5
	//   hint: that is a hard threshold (keep a, or zero it): the soft threshold also shrinks the survivors toward zero by t, a − t·sign(a)
}

// A simple cell's answer to a drifting grating follows the stripes (a rectified sinusoid,
// F1/F0 = π/2); a complex cell's hardly changes (F1/F0 near 0).
func ExampleModulationRatio() {
	simple, complex := make([]float64, 64), make([]float64, 64)
	for k := range 64 {
		phase := 2 * math.Pi * float64(k) / 64
		simple[k] = max(0, math.Sin(phase))
		complex[k] = 1 + 0.05*math.Sin(phase)
	}
	fmt.Printf("simple %.2f, complex %.2f\n", vision.ModulationRatio(simple), vision.ModulationRatio(complex))
	// Output: simple 1.57, complex 0.05
}

func ExampleOrientationSelectivity() {
	angles := vision.Sweep(4, math.Pi) // 0°, 45°, 90°, 135°
	fmt.Printf("%.2f %.2f\n",
		vision.OrientationSelectivity(angles, []float64{0, 0, 3, 0}),
		vision.OrientationSelectivity(angles, []float64{1, 1, 1, 1}))
	// Output: 1.00 0.00
}

func ExampleNewClassScore() {
	s := vision.NewClassScore("cat")
	fmt.Println(s.Class, s.Name())
	// Output: 15 cat
}
