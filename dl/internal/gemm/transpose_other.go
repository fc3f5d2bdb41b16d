//go:build !amd64 || purego

package gemm

// transposeFast is transpose.
func transposeFast(d []float32, w int, src []float32, lds, n, k int) {
	transpose(d, w, src, lds, n, k)
}

// copyPanel sets d[p·w + j] = src[p·lds + j] for p < k, j < w: a micro-panel of row-major B
// copied into contiguous rows.
func copyPanel(d []float32, src []float32, lds, k, w int) { copyRows(d, w, src, lds, k, w) }
