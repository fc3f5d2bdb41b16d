//go:build amd64 && !purego

package vec

//go:noescape
func copyRowsAVX2(dst *float32, ldd int, src *float32, lds, rows, w int)

// CopyRows copies rows rows of w floats: dst[r·ldd + j] = src[r·lds + j] for r < rows, j < w,
// as im2col does for each kernel tap (rows of 14 or 28 floats in the MNIST CNN, where one
// memmove call per row cost more than the copying). The rows must not overlap between dst
// and src. It panics if dst or src is too short.
func CopyRows(dst []float32, ldd int, src []float32, lds, rows, w int) {
	if rows <= 0 || w <= 0 {
		return
	}
	_ = dst[(rows-1)*ldd+w-1]
	_ = src[(rows-1)*lds+w-1]
	if haveAVX2 && w >= 8 && w <= 64 {
		copyRowsAVX2(&dst[0], ldd, &src[0], lds, rows, w)
		return
	}
	copyRowsGeneric(dst, ldd, src, lds, rows, w)
}
