//go:build !amd64 || purego

package gemm

// transposeFast is transpose.
func transposeFast(d []float32, w int, src []float32, lds, n, k int) {
	transpose(d, w, src, lds, n, k)
}
