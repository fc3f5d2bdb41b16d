package vec

import (
	"math"
	"testing"
)

// TestExpReduced: ExpReduced is within 2 ulp of float64 math.Exp across the reduced range.
func TestExpReduced(t *testing.T) {
	const h = math.Ln2 / 2
	for i := 0; i <= 10000; i++ {
		r := float32(-h + 2*h*float64(i)/10000)
		got, want := ExpReduced(r), float32(math.Exp(float64(r)))
		ulp := math.Float32frombits(math.Float32bits(want)+1) - want
		if d := math.Abs(float64(got - want)); d > 2*float64(ulp) {
			t.Fatalf("ExpReduced(%g) = %g, want %g (%.1f ulp off)", r, got, want, d/float64(ulp))
		}
	}
}
