package vec

import (
	"math/rand/v2"
	"testing"
)

func TestMaxPairs(t *testing.T) { eachKernelSet(t, checkMaxPairs) }

func checkMaxPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 104, 208} {
		r0, r1 := make([]float32, 2*n+3), make([]float32, 2*n+3)
		for i := range r0 {
			r0[i], r1[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		dst := make([]float32, n+1)
		dst[n] = 42 // past the row: untouched
		MaxPairs(dst[:n], r0, r1)
		for j := range n {
			if want := max(r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]); dst[j] != want {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, j, dst[j], want)
			}
		}
		if dst[n] != 42 {
			t.Fatalf("n=%d: wrote past dst", n)
		}
	}
}

func TestBiasLeaky(t *testing.T) { eachKernelSet(t, checkBiasLeaky) }

func checkBiasLeaky(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, slope := range []float32{0, 0.1, 1} {
		for _, n := range []int{0, 1, 7, 8, 9, 33, 169} {
			x := make([]float32, n+1)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			orig := append([]float32(nil), x...)
			BiasLeaky(x[:n], 0.25, slope)
			for i := range n {
				v := orig[i] + 0.25
				want := v
				if v < 0 {
					want = slope * v
				}
				if x[i] != want {
					t.Fatalf("slope %v n=%d: x[%d] = %v, want %v", slope, n, i, x[i], want)
				}
			}
			if x[n] != orig[n] {
				t.Fatalf("slope %v n=%d: wrote past x", slope, n)
			}
		}
	}
}

func TestMaxPairsArg(t *testing.T) { eachKernelSet(t, checkMaxPairsArg) }

// checkMaxPairsArg compares MaxPairsArg with a plain scan on random rows and on rows with ties
// (small integers), where the first maximum in row-major order must win.
func checkMaxPairsArg(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, ties := range []bool{false, true} {
		for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 64, 100} {
			const w = 1000
			r0, r1 := make([]float32, 2*n+1), make([]float32, 2*n+1)
			for i := range r0 {
				if ties {
					r0[i], r1[i] = float32(rng.IntN(3)), float32(rng.IntN(3))
				} else {
					r0[i], r1[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
				}
			}
			dst, arg := make([]float32, n+1), make([]int32, n+1)
			dst[n], arg[n] = 42, 42
			MaxPairsArg(dst[:n], arg[:n], r0, r1, 5*w, w)
			for j := range n {
				win := [4]float32{r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]}
				best := 0
				for k := 1; k < 4; k++ {
					if win[k] > win[best] {
						best = k
					}
				}
				want := int32(5*w + 2*j + best%2 + best/2*w)
				if dst[j] != win[best] || arg[j] != want {
					t.Fatalf("ties %v n=%d j=%d: got (%v, %d), want (%v, %d)", ties, n, j, dst[j], arg[j], win[best], want)
				}
			}
			if dst[n] != 42 || arg[n] != 42 {
				t.Fatalf("n=%d: wrote past dst or arg", n)
			}
		}
	}
}
