// Package gemm is the float32 matrix multiply that dl stands on:
// C = α·op(A)·op(B) + β·C on row-major matrices, op(X) = X or Xᵀ.
//
// # Overview
//
// Sgemm multiplies one product and SgemmBatch many of the same shape. Both work on raw
// []float32 slices with row strides (lda, ldb, ldc), as BLAS does, so that callers can pass
// sub-matrices and transposed views without copying. With β = 0, C is written without being
// read, so it may hold garbage (NaN, Inf).
//
// # Algorithm
//
// Products of more than a few hundred multiply-adds take the GotoBLAS/BLIS route: op(B) is
// packed kc×nc at a time into micro-panels nr columns wide, op(A) mc×kc at a time into
// micro-panels mr rows high, and a register-blocked micro-kernel computes each mr×nr tile of C
// with the tile held in registers. The blocks are sized for the caches (a B micro-panel in L1,
// the A block in L2) and split evenly, so that no block is a sliver. Products of at least 2²⁰
// multiply-adds are split across runtime.GOMAXPROCS goroutines along the longer of C's sides,
// in whole tiles; packing buffers are reused through a sync.Pool, so that a steady stream of
// calls does not allocate (one small allocation per parallel call starts its goroutine).
// SgemmBatch spreads small products over the goroutines one item each instead.
//
// # Backends and build tags
//
// The micro-kernel is chosen when the program starts, from the CPU's features:
//
//   - amd64 with AVX-512F: 8×32 tiles of ZMM FMAs (VFMADD231PS with a broadcast of A),
//     with opmask stores for partial tiles; the fastest here.
//   - amd64 with AVX2 and FMA: 4×24 tiles of YMM FMAs.
//   - anything else, or the purego build tag: a 2×4 tile in plain Go. Go does not vectorise,
//     so this is some 30 times slower than the assembly kernels; it is there to be correct
//     everywhere.
//
// The kernels are generated Go assembly (gen_kernels.go writes kernel_amd64.s), so the
// default build needs no cgo. The openblas build tag routes Sgemm to OpenBLAS's cblas_sgemm
// through cgo instead (package gemm/cblas; Debian: apt-get install libopenblas-dev). OpenBLAS
// chooses its kernels when the library loads and does not recognise every CPU: Debian's 0.3.21
// needs OPENBLAS_CORETYPE=SkylakeX in the environment before the program starts to use its
// AVX-512 kernels on AMD Zen 4, and is several times slower without it. Backend reports which
// implementation is in use.
//
// # Errors
//
// Sgemm and SgemmBatch panic with a plain string ("gemm: bad lda", "gemm: short C", …) when a
// size is negative, a stride is shorter than its row, or a slice is too short for the sizes
// and strides: these are bugs in the caller (package dl checks shapes first and reports them
// as *dl.ShapeError).
package gemm
