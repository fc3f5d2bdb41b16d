package gemm

// sgemmSimple is the unblocked reference path: scale C by beta, then add alpha·op(A)·op(B)
// row by row. It is used for small products, where packing and goroutines do not pay.
func sgemmSimple(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
		} else if beta != 1 {
			for j := range ci {
				ci[j] *= beta
			}
		}
		if alpha == 0 || k == 0 {
			continue
		}
		switch {
		case !transB:
			// ci += alpha·Σ_p A[i,p]·B[p,:]
			for p := range k {
				var av float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				av *= alpha
				bp := b[p*ldb : p*ldb+n]
				for j, bv := range bp {
					ci[j] += av * bv
				}
			}
		case !transA:
			ai := a[i*lda : i*lda+k]
			for j := range n {
				bj := b[j*ldb : j*ldb+k]
				var s float32
				for p, av := range ai {
					s += av * bj[p]
				}
				ci[j] += alpha * s
			}
		default:
			for j := range n {
				bj := b[j*ldb : j*ldb+k]
				var s float32
				for p, bv := range bj {
					s += a[p*lda+i] * bv
				}
				ci[j] += alpha * s
			}
		}
	}
}
