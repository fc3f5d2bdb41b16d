package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// colKernels are the micro-kernels with a column kernel for the last columns (ks.col).
func colKernels() []kernelSpec {
	var out []kernelSpec
	for _, ks := range kernels() {
		if ks.col != nil {
			out = append(out, ks)
		}
	}
	return out
}

// TestColumnEdge checks products whose last micro-panel of B has 1 or 2 columns, which
// loopNest computes a column at a time: against the float64 oracle with A and B packed, read in
// place and stored transposed, A in whole and partial micro-panels, on 1 and 3 goroutines.
func TestColumnEdge(t *testing.T) {
	t.Parallel()
	ks := colKernels()
	if len(ks) == 0 {
		t.Skip("no micro-kernel with a column kernel on this CPU")
	}
	var ims []impl
	for _, spec := range ks {
		for _, w := range []int{1, 3} {
			ims = append(ims, impl{fmt.Sprintf("%s/w=%d", spec.name, w), func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
				sgemmKernel(&spec, w, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			}})
		}
	}
	var shapes []shape
	for _, n := range []int{ks[0].nr + 1, 2*ks[0].nr + 2, 7*ks[0].nr + 1} {
		shapes = append(shapes, shape{9, n, 300}, shape{37, n, 37}, shape{300, n, 37})
	}
	checkShapes(t, ims, shapes)
}

// TestColumnEdgeSplitInvariant checks that the column kernel gives the same bits whatever the
// number of goroutines (the choice of kernel for a column must not depend on the split).
func TestColumnEdgeSplitInvariant(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, ks := range colKernels() {
		for _, sh := range [][3]int{{512, 7*ks.nr + 1, 300}, {130, 4*ks.nr + 2, 200}, {300, 2*ks.nr + 1, 64}} {
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}} {
				checkSplitBits(t, rng, &ks, 6, tr, sh, 1)
			}
		}
	}
}
