package nn

import (
	"math"

	"github.com/deepnb/deepnb/dl/internal/vec"
)

// expf returns eᕽ in float32 to about 2 ulp (Cephes' expf polynomial after reduction by ln 2),
// several times faster than float64 math.Exp. Inputs are clamped to [−87, 88], so the result is
// finite and normal: expf(−∞) ≈ 1.6e−38 and expf(+∞) ≈ 1.65e38. NaN gives NaN.
func expf(x float32) float32 {
	if x != x {
		return x
	}
	x = min(max(x, -87), 88)
	const log2e = 1.44269504088896341
	// n = round(x·log₂e); r = x − n·ln 2 ∈ [−ln2/2, ln2/2], with ln 2 split in two for accuracy.
	h := float32(0.5)
	if x < 0 {
		h = -0.5
	}
	n := float32(int32(x*log2e + h))
	r := x - n*0.693359375 + n*2.12194440e-4
	return vec.ExpReduced(r) * math.Float32frombits(uint32(int32(n)+127)<<23)
}
