package gemm

import (
	"fmt"
	"unsafe"
)

// kernelGeneric is the portable 2×4 micro-kernel (see kernelFunc). Its eight accumulators and
// six operands fit in amd64's sixteen float registers, where a 4×4 tile spills.
func kernelGeneric(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, rsa+(k-1)*csa+1)
	bp := unsafe.Slice(b, (k-1)*ldb+4)
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	for p := range k {
		av := ap[p*csa : p*csa+rsa+1 : p*csa+rsa+1]
		bv := bp[p*ldb : p*ldb+4 : p*ldb+4]
		a0, a1 := av[0], av[rsa]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	cs := unsafe.Slice(c, ldc+4)
	storeRow4(cs[0:4:4], alpha, beta, c00, c01, c02, c03)
	storeRow4(cs[ldc:ldc+4:ldc+4], alpha, beta, c10, c11, c12, c13)
}

// kernelGeneric4x4 is the portable 4×4 micro-kernel for CPUs with 32 float registers (arm64,
// where Go also fuses the multiply-adds): sixteen accumulators and eight operands fit.
func kernelGeneric4x4(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, 3*rsa+(k-1)*csa+1)
	bp := unsafe.Slice(b, (k-1)*ldb+4)
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := range k {
		av := ap[p*csa : p*csa+3*rsa+1 : p*csa+3*rsa+1]
		bv := bp[p*ldb : p*ldb+4 : p*ldb+4]
		a0, a1, a2, a3 := av[0], av[rsa], av[2*rsa], av[3*rsa]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	storeRow4(cs[0:4:4], alpha, beta, c00, c01, c02, c03)
	storeRow4(cs[ldc:ldc+4:ldc+4], alpha, beta, c10, c11, c12, c13)
	storeRow4(cs[2*ldc:2*ldc+4:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	storeRow4(cs[3*ldc:3*ldc+4:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

// storeRow4 sets r = alpha·x + beta·r, not reading r when beta is 0.
func storeRow4(r []float32, alpha, beta, x0, x1, x2, x3 float32) {
	r = r[:4:4]
	if beta == 0 {
		r[0], r[1], r[2], r[3] = alpha*x0, alpha*x1, alpha*x2, alpha*x3
		return
	}
	r[0], r[1], r[2], r[3] = alpha*x0+beta*r[0], alpha*x1+beta*r[1], alpha*x2+beta*r[2], alpha*x3+beta*r[3]
}

// useKernel makes Sgemm, SgemmBatch and SgemmSerial use the micro-kernel named name, one of
// kernels(), and returns a function that restores the previous one. It is the switch tests
// use to run every code path of the package on each kernel the CPU can run (the AVX2 kernel
// on an AVX-512 machine, say); no Sgemm may run concurrently with either call.
func useKernel(name string) (restore func()) {
	restore, err := SetKernel(name)
	if err != nil {
		panic(err)
	}
	return restore
}

// SetKernel makes Sgemm, SgemmBatch and SgemmSerial use the micro-kernel named name ("avx2"
// on an AVX-512 CPU, say, to measure what an AVX2-only CPU would get; Kernels lists the
// names) and returns a function that restores the previous one. It is for benchmarks and
// tests: no Sgemm may run concurrently with it or with restore. It returns an error if this
// CPU cannot run that kernel.
func SetKernel(name string) (restore func(), err error) {
	for _, ks := range kernels() {
		if ks.name == name {
			old := active
			active = ks
			return func() { active = old }, nil
		}
	}
	return nil, fmt.Errorf("gemm: no kernel %q on this CPU (have %v)", name, Kernels())
}

// Kernels names the micro-kernels this CPU can run, for SetKernel.
func Kernels() []string {
	var names []string
	for _, ks := range kernels() {
		names = append(names, ks.name)
	}
	return names
}
