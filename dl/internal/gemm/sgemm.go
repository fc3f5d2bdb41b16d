//go:build !openblas || !cgo

package gemm

import (
	"runtime"

	"github.com/deepnb/deepnb/dl/internal/par"
)

// Backend names the implementation behind Sgemm: the micro-kernel in use ("avx512", "avx2",
// "generic" or "generic4x4"), or "openblas" in the openblas build.
func Backend() string { return active.name }

func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmPacked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmBatch runs the items of SgemmBatch (arguments checked): small products spread over the
// goroutines one item each, large ones in turn, each in parallel.
func sgemmBatch(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	item := func(i, maxw int) {
		var ai, bi []float32
		if k > 0 {
			ai, bi = a[i*strideA:], b[i*strideB:]
		}
		sgemmKernel(&active, maxw, transA, transB, m, n, k, alpha, ai, lda, bi, ldb, beta, c[i*strideC:], ldc)
	}
	w := min(runtime.GOMAXPROCS(0), batch)
	if m*n*k >= parWork || w <= 1 || batch*m*n*k < parWork {
		for i := range batch {
			item(i, runtime.GOMAXPROCS(0))
		}
		return
	}
	par.Run(w, func(g, w int) {
		for i := g * batch / w; i < (g+1)*batch/w; i++ {
			item(i, 1)
		}
	})
}
