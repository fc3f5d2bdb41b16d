//go:build amd64 && !purego

package gemm

//go:noescape
func dotAVX512(k int, a, b, c *float32, lda, ldb, ldc int, alpha, beta float32, rows, cols int)

//go:noescape
func dotAVX2(k int, a, b, c *float32, lda, ldb, ldc int, alpha, beta float32, rows, cols int)

var (
	dotAVX512Spec = dotSpec{name: "dot-avx512", mr: 4, nr: 4, fn: dotAVX512, minK: 64, minUse: 0.9, longK: 256}
	dotAVX2Spec   = dotSpec{name: "dot-avx2", mr: 3, nr: 4, fn: dotAVX2, minK: 128, minUse: 0.95, longK: 512}
)
