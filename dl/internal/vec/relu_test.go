package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestReLUBack: ReLUBack adds g where x > 0 and nothing where x is zero (either sign),
// negative or NaN, with the same bits on both paths and at every length (the vector body and
// the tail).
func TestReLUBack(t *testing.T) {
	eachKernelSet(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		special := []float32{0, float32(math.Copysign(0, -1)), 1e-45, -1e-45, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 3, -3}
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 1000} {
			x, g, gx := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range x {
				x[i] = special[rng.IntN(len(special))]
				g[i] = float32(rng.NormFloat64())
				gx[i] = float32(rng.NormFloat64())
			}
			want := make([]float32, n)
			for i := range want {
				want[i] = gx[i]
				if x[i] > 0 {
					want[i] += g[i]
				}
			}
			ReLUBack(gx, g, x)
			for i := range gx {
				if math.Float32bits(gx[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n = %d, x[%d] = %v: got %v, want %v", n, i, x[i], gx[i], want[i])
				}
			}
		}
	})
}

// TestReLU: ReLU gives Go's max(x, 0) bit for bit on both paths and at every length: +0 for
// either zero, NaN for NaN.
func TestReLU(t *testing.T) {
	eachKernelSet(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		special := []float32{0, float32(math.Copysign(0, -1)), 1e-45, -1e-45, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 3, -3}
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 1000} {
			x, y := make([]float32, n), make([]float32, n+1)
			for i := range x {
				x[i] = special[rng.IntN(len(special))]
				if rng.IntN(2) == 0 {
					x[i] = float32(rng.NormFloat64())
				}
			}
			y[n] = 42
			ReLU(y[:n], x)
			for i, v := range x {
				want := max(v, 0)
				if math.IsNaN(float64(v)) {
					if !math.IsNaN(float64(y[i])) {
						t.Fatalf("n = %d: ReLU(NaN) = %v", n, y[i])
					}
					continue
				}
				if math.Float32bits(y[i]) != math.Float32bits(want) {
					t.Fatalf("n = %d, x[%d] = %v: got %v (bits %#x), want %v", n, i, v, y[i], math.Float32bits(y[i]), want)
				}
			}
			if y[n] != 42 {
				t.Fatalf("n = %d: wrote past dst", n)
			}
		}
	})
}

func BenchmarkReLUBack(b *testing.B) {
	const n = 1 << 16
	rng := rand.New(rand.NewPCG(1, 2))
	x, g, gx := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], g[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	for _, p := range []struct {
		name string
		f    func(gx, g, x []float32)
	}{{"portable", reluBackGeneric}, {"dispatched", ReLUBack}} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				p.f(gx, g, x)
			}
		})
	}
}
