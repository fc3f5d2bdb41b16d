package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
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
				for w := 1; w <= 6; w++ {
					c := slices.Clone(c0)
					sgemmKernel(&ks, w, tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, 1, c, n)
					if w == 1 {
						ref = c
					} else if !slices.Equal(c, ref) {
						t.Errorf("%s %d×%d×%d trans %v: %d goroutines give other bits than 1", ks.name, m, n, k, tr, w)
					}
				}
			}
		}
	}
}
