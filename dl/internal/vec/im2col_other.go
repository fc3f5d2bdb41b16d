//go:build !amd64 || purego

package vec

// Im2colS1 writes into col the im2col matrix of a stride-1 convolution, where an assembly
// kernel covers the shape (see the amd64 build); this build has none, so it reports false
// and the caller builds the matrix itself.
func Im2colS1(col, img []float32, c, h, w, kh, kw, d, p, ow, oy0, nr int) bool { return false }
