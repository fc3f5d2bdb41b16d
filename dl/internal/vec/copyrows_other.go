//go:build !amd64 || purego

package vec

// CopyRows copies rows rows of w floats: dst[r·ldd + j] = src[r·lds + j] for r < rows, j < w.
// The rows must not overlap between dst and src. It panics if dst or src is too short.
func CopyRows(dst []float32, ldd int, src []float32, lds, rows, w int) {
	if rows <= 0 || w <= 0 {
		return
	}
	_ = dst[(rows-1)*ldd+w-1]
	_ = src[(rows-1)*lds+w-1]
	copyRowsGeneric(dst, ldd, src, lds, rows, w)
}
