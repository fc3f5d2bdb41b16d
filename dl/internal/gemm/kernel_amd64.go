//go:build amd64 && !purego

package gemm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run gen_kernels.go

//go:noescape
func kernelAVX512(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32)

//go:noescape
func kernelAVX512Edge(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows int, mask uint32)

// edgeAVX512 runs kernelAVX512Edge on the first rows×cols of a tile, masking the columns.
func edgeAVX512(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int) {
	kernelAVX512Edge(k, a, b, c, rsa, csa, ldb, ldc, alpha, beta, rows, uint32(1<<cols-1))
}

//go:noescape
func kernelAVX512N16(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32)

//go:noescape
func kernelAVX512N16Edge(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows int, mask uint32)

// edgeAVX512N16 runs kernelAVX512N16Edge on the first rows×cols of a tile, masking the columns.
func edgeAVX512N16(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int) {
	kernelAVX512N16Edge(k, a, b, c, rsa, csa, ldb, ldc, alpha, beta, rows, uint32(1<<cols-1))
}

//go:noescape
func kernelAVX512R4Edge(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows int, mask uint32)

//go:noescape
func kernelAVX512N16R4Edge(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows int, mask uint32)

//go:noescape
func kernelAVX512R2Edge(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows int, mask uint32)

//go:noescape
func kernelAVX512N16R2Edge(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows int, mask uint32)

// edgeAVX512R2 and edgeAVX512N16R2 are edgeAVX512 and edgeAVX512N16 for at most 2 rows.
func edgeAVX512R2(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int) {
	kernelAVX512R2Edge(k, a, b, c, rsa, csa, ldb, ldc, alpha, beta, rows, uint32(1<<cols-1))
}

func edgeAVX512N16R2(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int) {
	kernelAVX512N16R2Edge(k, a, b, c, rsa, csa, ldb, ldc, alpha, beta, rows, uint32(1<<cols-1))
}

// edgeAVX512R4 and edgeAVX512N16R4 are edgeAVX512 and edgeAVX512N16 for at most 4 rows.
func edgeAVX512R4(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int) {
	kernelAVX512R4Edge(k, a, b, c, rsa, csa, ldb, ldc, alpha, beta, rows, uint32(1<<cols-1))
}

func edgeAVX512N16R4(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int) {
	kernelAVX512N16R4Edge(k, a, b, c, rsa, csa, ldb, ldc, alpha, beta, rows, uint32(1<<cols-1))
}

//go:noescape
func kernelAVX2(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32)

//go:noescape
func kernelAVX2N16(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32)

//go:noescape
func kernelAVX2N8(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32)

//go:noescape
func colAVX2x8(k int, a *float32, ps, as int, b *float32, ldb int, t *float32)

//go:noescape
func colAVX2x4(k int, a *float32, ps, as int, b *float32, ldb int, t *float32)

//go:noescape
func colAVX2x1(k int, a *float32, ps, as int, b *float32, ldb int, t *float32)

// colAVX2 is a colFunc: colAVX2x8 on 8 micro-panels at a time (8 FMA chains in flight), then
// colAVX2x4 and colAVX2x1 on the rest; each sums in the same order.
func colAVX2(k int, a *float32, ps, as int, b *float32, ldb int, t []float32, panels int) {
	if panels == 0 {
		return
	}
	_ = t[4*panels-1]
	at := func(q int) *float32 { return (*float32)(unsafe.Add(unsafe.Pointer(a), q*ps*4)) }
	q := 0
	for ; q+8 <= panels; q += 8 {
		colAVX2x8(k, at(q), ps, as, b, ldb, &t[4*q])
	}
	for ; q+4 <= panels; q += 4 {
		colAVX2x4(k, at(q), ps, as, b, ldb, &t[4*q])
	}
	for ; q < panels; q++ {
		colAVX2x1(k, at(q), ps, as, b, ldb, &t[4*q])
	}
}

var (
	// avx512N16Kernel takes products at most 16 columns wide, which would leave half of
	// avx512Kernel's tile empty.
	avx512N16Kernel = kernelSpec{name: "avx512n16", mr: 8, nr: 16, kc: 256, mc: 8 * 16, nc: 1024, small: 512, fn: kernelAVX512N16, edge: edgeAVX512N16, edge4: edgeAVX512N16R4, edge2: edgeAVX512N16R2, dot: &dotAVX512Spec}
	avx512Kernel    = kernelSpec{name: "avx512", mr: 8, nr: 32, kc: 256, mc: 8 * 16, nc: 1024, small: 512, fn: kernelAVX512, edge: edgeAVX512, edge4: edgeAVX512R4, edge2: edgeAVX512R2, narrow: &avx512N16Kernel, dot: &dotAVX512Spec}
	// avx2N8Kernel and avx2N16Kernel take products at most 8 or 16 columns wide, and the
	// last columns of wider ones (169 = 7·24 + 1 would otherwise compute a 24-wide tile for one).
	avx2N8Kernel  = kernelSpec{name: "avx2n8", mr: 4, nr: 8, kc: 256, mc: 4 * 32, nc: 1024, small: 512, fn: kernelAVX2N8, dot: &dotAVX2Spec}
	avx2N16Kernel = kernelSpec{name: "avx2n16", mr: 4, nr: 16, kc: 256, mc: 4 * 32, nc: 1024, small: 512, fn: kernelAVX2N16, narrow: &avx2N8Kernel, dot: &dotAVX2Spec}
	// avx2Kernel's kc×24 micro-panel of B takes 3/4 of L1 (kc = 256 for 32 KiB, not 336, which
	// filled all of it: the A micro-panels streaming past then evicted it), and its A block a
	// quarter of L2 (mc = 256: m = 512 or 425 in one block of 512 left no room in a 1 MiB L2
	// for op(B)'s block and C's rows). On a Zen 4, one thread, GFLOP per CPU-second, the best
	// of several interleaved runs: sq256 93 → 109, sq1024 102 → 108, im2col 128×2704×576
	// 84 → 98, 256×676×1152 102 → 108; 512×169×2304 and 425×169×1024 no slower.
	avx2Kernel = kernelSpec{name: "avx2", mr: 4, nr: 24, kc: 256, mc: 4 * 64, nc: 1008, small: 512, l1B: 3, l2A: 1, fn: kernelAVX2, col: colAVX2, narrow: &avx2N16Kernel, dot: &dotAVX2Spec, copyB: true}
)

// bestKernel picks the fastest micro-kernel the CPU supports.
func bestKernel() kernelSpec {
	switch {
	case cpu.X86.HasAVX512F:
		return avx512Kernel.sized(cpuCaches)
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return avx2Kernel.sized(cpuCaches)
	}
	return genericKernel.sized(cpuCaches)
}

// kernels lists every micro-kernel this CPU can run, for tests and benchmarks.
func kernels() []kernelSpec {
	ks := []kernelSpec{genericKernel, generic4x4Kernel}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel, avx2N16Kernel, avx2N8Kernel)
	}
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Kernel, avx512N16Kernel)
	}
	for i := range ks {
		ks[i] = ks[i].sized(cpuCaches)
	}
	return ks
}
