//go:build !amd64 || purego

package vec

// AdamUpdate runs Adam's moment and weight update over w (see optim.Adam.Step); the other slices must
// be at least as long as w.
func AdamUpdate(w, g, m, v []float32, b1, b2, step, eps float32) {
	adamGeneric(w, g, m, v, b1, b2, step, eps)
}

// MomentumUpdate runs SGD's momentum update over w (see optim.SGD.Step): v ← μ·v + g; w ← w − η·v.
// g and v must be at least as long as w.
func MomentumUpdate(w, g, v []float32, mu, lr float32) { momentumGeneric(w, g, v, mu, lr) }
