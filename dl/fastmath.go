package dl

import (
	"math"

	"github.com/deepnb/deepnb/dl/internal/vec"
)

// expInto sets y[i] = eˣ⁽ⁱ⁾ in float32 to within 1 ulp (y may be x), about twice as fast as
// math.Exp in float64. It reduces x = n·ln 2 + r with |r| ≤ ln2/2 (Cody–Waite, ln 2 split in
// two parts), evaluates Cephes' expf polynomial for eʳ and scales by 2ⁿ through the exponent
// bits. Outside [−86, 88], where the result is near overflow or subnormal, and for NaN, it
// calls math.Exp.
func expInto(y, x []float32) {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
		round = 0x1.8p23
	)
	y = y[:len(x)]
	for i, v := range x {
		if !(v >= -86 && v <= 88) {
			y[i] = float32(math.Exp(float64(v)))
			continue
		}
		fn := (v*log2e + round) - round
		r := v - fn*ln2hi - fn*ln2lo
		e := vec.ExpReduced(r)
		y[i] = math.Float32frombits(math.Float32bits(e) + uint32(int32(fn))<<23)
	}
}

// tanhInto sets y[i] = tanh x[i] (y must not overlap x) to within 4 ulp: as 1 − 2/(e²ˣ + 1) through
// expInto for |x| ≥ 1/2, and by math.Tanh in float64 below, where that form would cancel.
func tanhInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = 2 * abs32(v)
	}
	expInto(y, y)
	for i, v := range x {
		if a := abs32(v); a < 0.5 {
			y[i] = float32(math.Tanh(float64(v)))
			continue
		}
		t := 1 - 2/(y[i]+1)
		if v < 0 {
			t = -t
		}
		y[i] = t
	}
}
