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
// with the tile held in registers. The blocks are sized for the caches, whose sizes are read
// from CPUID when the program starts (leaf 4 on Intel, 0x8000001D on AMD): a B micro-panel
// fills L1, the A block half of L2, the B block a quarter of L3; they are split evenly, so that
// no block is a sliver. A partial tile at C's right edge runs the narrowest kernel of the same
// height that covers its columns. Packing pays only when a panel is reused: when C has at
// most 128 rows, B's micro-panels are read in place from row-major B, and when C is at most
// four micro-panels wide, A's are read in place from row-major A (the im2col convolutions, the
// narrow weight gradients); partial panels are still packed, so that no read runs past a
// matrix. Products of at least 2²⁰ multiply-adds run on up to runtime.GOMAXPROCS goroutines:
// where B is packed, as a team that splits C's rows in whole tiles and shares the packing of
// each block of B (meeting at a barrier before and after it); where B is read in place, along
// the longer of C's sides, each goroutine on its own. Packing buffers are reused through
// sync.Pools, so that a steady stream of calls does not allocate (small allocations per
// parallel call start its goroutines). SgemmBatch spreads small products over the goroutines
// one item each instead.
//
// # Backends and build tags
//
// The micro-kernel is chosen when the program starts, from the CPU's features:
//
//   - amd64 with AVX-512F: 8×32 tiles of ZMM FMAs (VFMADD231PS with a broadcast of A),
//     8×16 when C is at most 16 columns wide, with opmask stores for partial tiles.
//   - amd64 with AVX2 and FMA: 4×24 tiles of YMM FMAs, 4×16 and 4×8 when C (or its last
//     tile) is at most that wide; partial tiles go through a scratch tile.
//   - anything else, or the purego build tag: a 4×4 tile in plain Go (2×4 on amd64, whose 16
//     float registers cannot hold more). Go does not vectorise, so this is some 20–30 times
//     slower than the assembly kernels; it is there to be correct everywhere.
//
// The kernels are generated Go assembly (gen_kernels.go writes kernel_amd64.s), so the
// default build needs no cgo. The openblas build tag routes Sgemm to OpenBLAS's cblas_sgemm
// through cgo instead (package gemm/cblas; Debian: apt-get install libopenblas-dev). OpenBLAS
// chooses its kernels when the library loads and does not recognise every CPU: Debian's 0.3.21
// needs OPENBLAS_CORETYPE=SkylakeX in the environment before the program starts to use its
// AVX-512 kernels on AMD Zen 4, and is several times slower without it. Backend reports which
// implementation is in use; Describe adds its tile and blocking.
//
// # Performance
//
// The figures here were measured once, on one machine: a 2-core AMD EPYC (Zen 4) development
// machine with AVX-512, shared with other jobs. There, Sgemm with the AVX-512 kernel matched
// OpenBLAS 0.3.21 with OPENBLAS_CORETYPE=SkylakeX in GFLOP per CPU-second at n = 256…1024
// (≈ 45 vs 40–50), and beat it on the engine's shapes (LSTM gates, im2col convolutions,
// weight gradients), except products only a few columns wide (64×10×256: about half of
// OpenBLAS's speed). Other CPUs give other absolute figures; compare ratios measured in one
// run on one machine. The benchmarks (go test -bench Sgemm) report wall-clock GFLOP/s and
// GFLOP per CPU-second for Sgemm and for each kernel; scripts/bench.sh prints the CPU it ran
// on and compares the sgemm workload with PyTorch's on the same machine, using the PyTorch
// reference benchmark (torch_bench.py) shipped beside the repository in ../shared/bench, not
// in it (the TORCH_BENCH variable points bench.sh elsewhere).
//
// # Errors
//
// Sgemm and SgemmBatch panic with a plain string ("gemm: bad lda", "gemm: short C", …) when a
// size is negative, a stride is shorter than its row, or a slice is too short for the sizes
// and strides: these are bugs in the caller (package dl checks shapes first and reports them
// as *dl.ShapeError).
package gemm
