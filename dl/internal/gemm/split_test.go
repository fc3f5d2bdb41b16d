package gemm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGoroutineCountInvariant: a product has the same bits whether one goroutine computes it or
// up to eight split it (team or band split), with and without transposes and beta: the
// goroutines split C, never the sum over k, so a model trains to the same weights on any
// number of cores. It checks the kernel in use and, on an AVX-512 CPU, the AVX2 one too. The
// shapes include bands of rows that read B in place while one goroutine packs it (256×250×100:
// B's last partial micro-panel cannot be read in place to its last row, 160×400×800: it can),
// and products wider than tall that split by rows (256×676×300, 384×1000×50; see splitRows).
func TestGoroutineCountInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ks := range kernels() {
		if ks.name != active.name && ks.name != "avx2" {
			continue
		}
		for _, sh := range [][3]int{{64, 256, 784}, {64, 784, 256}, {256, 784, 64}, {784, 256, 64}, {64, 32, 256}, {256, 32, 64}, {100, 300, 500}, {37, 513, 300}, {256, 250, 100}, {160, 400, 800}, {250, 90, 70}, {256, 676, 300}, {384, 1000, 50}} {
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}} {
				for _, beta := range []float32{0, 1} {
					checkSplitBits(t, rng, &ks, 8, tr, sh, beta)
				}
			}
		}
	}
}

// checkSplitBits computes the product of shape sh (m, n, k; random A, B and C, transposes tr)
// with kernel ks on 1 to maxw goroutines and reports any that gives other bits than one.
func checkSplitBits(t *testing.T, rng *rand.Rand, ks *kernelSpec, maxw int, tr [2]bool, sh [3]int, beta float32) {
	t.Helper()
	m, n, k := sh[0], sh[1], sh[2]
	a, b, c0 := randSlice(rng, m*k), randSlice(rng, k*n), randSlice(rng, m*n)
	lda, ldb := k, n
	if tr[0] {
		lda = m
	}
	if tr[1] {
		ldb = k
	}
	var ref []float32
	for w := 1; w <= maxw; w++ {
		c := slices.Clone(c0)
		sgemmKernel(ks, w, tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, beta, c, n)
		if w == 1 {
			ref = c
		} else if !slices.Equal(c, ref) {
			t.Errorf("%s %d×%d×%d trans %v beta %v: %d goroutines give other bits than 1", ks.name, m, n, k, tr, beta, w)
		}
	}
}
