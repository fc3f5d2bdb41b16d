//go:build amd64 && !purego

package vec

//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, b1, b2, step, eps float32)

// AdamUpdate runs Adam's moment and weight update over w (see optim.Adam.Step), eight values at a
// time with AVX2; the other slices must be at least as long as w.
func AdamUpdate(w, g, m, v []float32, b1, b2, step, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	n := 0
	if haveAVX2 {
		if n = len(w) &^ 7; n > 0 {
			adamAVX2(&w[0], &g[0], &m[0], &v[0], n, b1, b2, step, eps)
		}
	}
	if r := len(w) - n; r > 0 && haveAVX2 {
		// The tail through the same kernel, padded to eight (see Axpy).
		var ww, gg, mm, vv [8]float32
		copy(ww[:], w[n:])
		copy(gg[:], g[n:])
		copy(mm[:], m[n:])
		copy(vv[:], v[n:])
		adamAVX2(&ww[0], &gg[0], &mm[0], &vv[0], 8, b1, b2, step, eps)
		copy(w[n:], ww[:r])
		copy(m[n:], mm[:r])
		copy(v[n:], vv[:r])
		return
	}
	adamGeneric(w[n:], g[n:], m[n:], v[n:], b1, b2, step, eps)
}

//go:noescape
func momentumAVX2(w, grad, v *float32, n int, mu, lr float32)

// MomentumUpdate runs SGD's momentum update over w (see optim.SGD.Step): v ← μ·v + g; w ← w − η·v.
// g and v must be at least as long as w.
func MomentumUpdate(w, g, v []float32, mu, lr float32) {
	g, v = g[:len(w)], v[:len(w)]
	n := 0
	if haveAVX2 {
		if n = len(w) &^ 7; n > 0 {
			momentumAVX2(&w[0], &g[0], &v[0], n, mu, lr)
		}
	}
	if r := len(w) - n; r > 0 && haveAVX2 {
		// The tail through the same kernel, padded to eight (see Axpy).
		var ww, gg, vv [8]float32
		copy(ww[:], w[n:])
		copy(gg[:], g[n:])
		copy(vv[:], v[n:])
		momentumAVX2(&ww[0], &gg[0], &vv[0], 8, mu, lr)
		copy(w[n:], ww[:r])
		copy(v[n:], vv[:r])
		return
	}
	momentumGeneric(w[n:], g[n:], v[n:], mu, lr)
}
