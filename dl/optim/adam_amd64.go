//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, b1, b2, step, eps float32)

var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// adamUpdate runs Adam's moment and weight update over w (see Adam.Step), eight values at a
// time with AVX2; the other slices must be at least as long as w.
func adamUpdate(w, g, m, v []float32, b1, b2, step, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	n := 0
	if haveAVX2 {
		if n = len(w) &^ 7; n > 0 {
			adamAVX2(&w[0], &g[0], &m[0], &v[0], n, b1, b2, step, eps)
		}
	}
	adamGeneric(w[n:], g[n:], m[n:], v[n:], b1, b2, step, eps)
}

//go:noescape
func momentumAVX2(w, grad, v *float32, n int, mu, lr float32)

// momentumUpdate runs SGD's momentum update over w (see SGD.Step): v ← μ·v + g; w ← w − η·v.
// g and v must be at least as long as w.
func momentumUpdate(w, g, v []float32, mu, lr float32) {
	g, v = g[:len(w)], v[:len(w)]
	n := 0
	if haveAVX2 {
		if n = len(w) &^ 7; n > 0 {
			momentumAVX2(&w[0], &g[0], &v[0], n, mu, lr)
		}
	}
	momentumGeneric(w[n:], g[n:], v[n:], mu, lr)
}
