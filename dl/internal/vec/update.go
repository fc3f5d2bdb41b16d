package vec

import "math"

// momentumGeneric is MomentumUpdate in plain Go.
func momentumGeneric(w, g, v []float32, mu, lr float32) {
	g, v = g[:len(w)], v[:len(w)]
	for j, gj := range g {
		vj := mu*v[j] + gj
		v[j] = vj
		w[j] -= lr * vj
	}
}

// adamGeneric is AdamUpdate in plain Go: m ← β₁·m + (1−β₁)·g; v ← β₂·v + (1−β₂)·g²;
// w ← w − step·m/(√v + eps).
func adamGeneric(w, g, m, v []float32, b1, b2, step, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for j, gj := range g {
		mj := b1*m[j] + (1-b1)*gj
		vj := b2*v[j] + (1-b2)*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= step * mj / (sqrt32(vj) + eps)
	}
}

// sqrt32 is √x in float32 through float64 math.Sqrt.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
