//go:build openblas && cgo

package gemm

import (
	"math"

	"github.com/deepnb/deepnb/dl/internal/gemm/cblas"
)

// Backend names the implementation behind Sgemm: "openblas" in this build (see package cblas
// for the OPENBLAS_CORETYPE setting it needs on some CPUs).
func Backend() string { return "openblas" }

func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 || alpha == 0 || max(m, n, k, lda, ldb, ldc) > math.MaxInt32 {
		// Nothing for BLAS to multiply, or sizes a C int cannot hold.
		sgemmPacked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	cblas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmBatch runs the items of SgemmBatch (arguments checked) one after another; OpenBLAS
// threads each product itself.
func sgemmBatch(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	for i := range batch {
		var ai, bi []float32
		if k > 0 {
			ai, bi = a[i*strideA:], b[i*strideB:]
		}
		sgemm(transA, transB, m, n, k, alpha, ai, lda, bi, ldb, beta, c[i*strideC:], ldc)
	}
}
