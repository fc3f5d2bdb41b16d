package gemm

// SgemmSerial is Sgemm computed on the calling goroutine only, for callers that already split
// their work across goroutines (each computing its own rows of C, say) and would otherwise have
// every product spread over all cores again. It uses the pure-Go/assembly kernels, also in the
// openblas build. It panics as Sgemm does.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmKernel(&active, 1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
