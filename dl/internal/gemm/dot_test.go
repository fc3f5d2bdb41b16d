package gemm

import (
	"math/rand/v2"
	"testing"
)

// dotSpecs lists the distinct dot-product kernels of the micro-kernels this CPU can run.
func dotSpecs() []*dotSpec {
	var out []*dotSpec
	seen := map[*dotSpec]bool{}
	for _, ks := range kernels() {
		if ks.dot != nil && !seen[ks.dot] {
			seen[ks.dot] = true
			out = append(out, ks.dot)
		}
	}
	return out
}

// TestDotKernels runs sgemmDot with each dot kernel this CPU can run (the AVX2 one on an
// AVX-512 CPU too), on one goroutine and split over three, on random shapes around the tile
// sizes and k around the vector width (masked tails), and compares A·Bᵀ with the naive
// product. The other transposes go through Sgemm, so that checkShapes's loops apply.
func TestDotKernels(t *testing.T) {
	specs := dotSpecs()
	if len(specs) == 0 {
		t.Skip("no dot-product kernel on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var shapes []shape
	for range 24 {
		shapes = append(shapes, shape{1 + rng.IntN(13), 1 + rng.IntN(13), 1 + rng.IntN(70)})
	}
	shapes = append(shapes, shape{64, 10, 256}, shape{9, 7, 255}, shape{5, 6, 257}, shape{33, 18, 784}, shape{300, 5, 100}, shape{600, 9, 200}, shape{7, 700, 220})
	var ims []impl
	for _, ds := range specs {
		for _, w := range []int{1, 3} {
			ims = append(ims, impl{ds.name, func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
				if transA || !transB || k == 0 || alpha == 0 {
					Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
					return
				}
				// Splitting needs m·n·k ≥ parWork; below that, w = 3 runs on one goroutine
				// like w = 1, and the split is exercised by the larger shapes.
				sgemmDot(ds, w, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			}})
		}
	}
	checkShapes(t, ims, shapes)
}
