package gemm

import "fmt"

// Describe names the micro-kernel Sgemm uses on this CPU with its register tile and cache
// blocking, for benchmark reports: "avx512 8×32 (kc 256, mc 512, nc 4096)", say. In the
// openblas build it names OpenBLAS and the kernel SgemmSerial uses.
func Describe() string {
	ks := &active
	s := fmt.Sprintf("%s %d×%d (kc %d, mc %d, nc %d)", ks.name, ks.mr, ks.nr, ks.kc, ks.mc, ks.nc)
	if Backend() == "openblas" {
		return "openblas (SgemmSerial: " + s + ")"
	}
	return s
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C, row-major, op(X) = Xᵀ if transX.
// A is m×k (k×m if transA) with row stride lda; B is k×n (n×k if transB) with stride ldb;
// C is m×n with stride ldc. When beta is 0, C is not read (it may hold NaN or Inf).
// Large products use up to runtime.GOMAXPROCS goroutines; Sgemm may be called concurrently
// for different C. Sgemm panics if a size is negative, a stride is smaller than its row length, or a slice is
// too short for the sizes and strides given.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmBatch computes batch products C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i], where
// item i of X starts at x[i·strideX] and has the layout Sgemm describes. A stride of 0 reuses
// the same matrix for every item (a shared weight, say), except for C, whose items must not
// overlap: strideC ≥ (m−1)·ldc + n. Small products run in parallel across the batch, large ones one after another,
// each in parallel. SgemmBatch panics as Sgemm does, or if a stride is negative or C's
// items overlap.
func SgemmBatch(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	if batch < 0 || strideA < 0 || strideB < 0 || strideC < 0 {
		panic("gemm: negative batch or stride")
	}
	if batch == 0 {
		checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	if batch > 1 && m > 0 && n > 0 && strideC < (m-1)*ldc+n {
		panic("gemm: C items overlap")
	}
	last := batch - 1
	// The items are evenly spaced, so checking the last one checks them all.
	checkArgs(transA, transB, m, n, k, tail(a, last*strideA, k > 0), lda, tail(b, last*strideB, k > 0), ldb, tail(c, last*strideC, true), ldc)
	if m == 0 || n == 0 {
		return
	}
	sgemmBatch(transA, transB, batch, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC)
}

// tail is s[off:], or nil if s is shorter than off (or the matrix is not read); checkArgs
// then reports the short slice.
func tail(s []float32, off int, used bool) []float32 {
	if !used || off > len(s) {
		return nil
	}
	return s[off:]
}

func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative size")
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if lda < max(1, ac) {
		panic("gemm: bad lda")
	}
	if ldb < max(1, bc) {
		panic("gemm: bad ldb")
	}
	if ldc < max(1, n) {
		panic("gemm: bad ldc")
	}
	if m == 0 || n == 0 {
		return
	}
	if k > 0 {
		if len(a) < (ar-1)*lda+ac {
			panic("gemm: short A")
		}
		if len(b) < (br-1)*ldb+bc {
			panic("gemm: short B")
		}
	}
	if len(c) < (m-1)*ldc+n {
		panic("gemm: short C")
	}
}
