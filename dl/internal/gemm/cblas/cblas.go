//go:build openblas && cgo

package cblas

/*
#cgo LDFLAGS: -lopenblas
// The prototype from cblas.h, with the enums as ints (their ABI), so that no header path
// depends on the distribution's OpenBLAS variant.
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
	const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
*/
import "C"

const (
	rowMajor = 101
	noTrans  = 111
	trans    = 112
)

// Sgemm calls cblas_sgemm with row-major storage: C = alpha·op(A)·op(B) + beta·C.
// The caller checks the sizes; a, b and c must be non-empty and every size must fit in a C int.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := C.int(noTrans), C.int(noTrans)
	if transA {
		ta = trans
	}
	if transB {
		tb = trans
	}
	C.cblas_sgemm(rowMajor, ta, tb, C.int(m), C.int(n), C.int(k), C.float(alpha),
		(*C.float)(&a[0]), C.int(lda), (*C.float)(&b[0]), C.int(ldb), C.float(beta),
		(*C.float)(&c[0]), C.int(ldc))
}
