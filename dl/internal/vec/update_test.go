package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamUpdate checks the vectorized Adam update against the plain loop, on both paths.
func TestAdamUpdate(t *testing.T) { eachKernelSet(t, checkAdamUpdate) }

func checkAdamUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 8, 37, 256} {
		r := func(pos bool) []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(rng.NormFloat64())
				if pos {
					s[i] *= s[i]
				}
			}
			return s
		}
		w, g, m, v := r(false), r(false), r(false), r(true)
		w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
		AdamUpdate(w, g, m, v, 0.9, 0.999, 0.01, 1e-8)
		adamGeneric(w2, g, m2, v2, 0.9, 0.999, 0.01, 1e-8)
		for i := range n {
			for _, p := range [][2]float32{{w[i], w2[i]}, {m[i], m2[i]}, {v[i], v2[i]}} {
				if math.Abs(float64(p[0]-p[1])) > 1e-6*(1+math.Abs(float64(p[1]))) {
					t.Fatalf("n=%d, i=%d: AdamUpdate %v, adamGeneric %v", n, i, p[0], p[1])
				}
			}
		}
	}
}

// TestMomentumUpdate checks the vectorized momentum update against the plain loop, on both paths.
func TestMomentumUpdate(t *testing.T) { eachKernelSet(t, checkMomentumUpdate) }

func checkMomentumUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 8, 37} {
		w, g, v := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range n {
			w[i], g[i], v[i] = rng.Float32(), rng.Float32(), rng.Float32()
		}
		w2, v2 := append([]float32(nil), w...), append([]float32(nil), v...)
		MomentumUpdate(w, g, v, 0.9, 0.1)
		momentumGeneric(w2, g, v2, 0.9, 0.1)
		for i := range n {
			if math.Abs(float64(w[i]-w2[i])) > 1e-6 || math.Abs(float64(v[i]-v2[i])) > 1e-6 {
				t.Fatalf("n=%d, i=%d: w %v/%v v %v/%v", n, i, w[i], w2[i], v[i], v2[i])
			}
		}
	}
}
