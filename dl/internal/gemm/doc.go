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
// narrow weight gradients); a partial panel of B at C's right edge is read in place too, up to
// its last rows whose full-width read would run past B, which alone are packed. A·Bᵀ with both operands stored along k (nn.Linear's x·Wᵀ) may instead run a
// dot-product kernel that packs nothing: each entry of a 4×4 (AVX-512) or 3×4 (AVX2) tile of
// C accumulates in its own vector register along k, reduced by a fixed tree of shuffles at the
// end, where the packed tiles would waste columns (64×10×256) or C has at most 128 rows and k
// is long (≥ 256 with AVX-512, ≥ 512 with AVX2; useDot has the measurements). Products of at least 2²⁰ multiply-adds run on up to runtime.GOMAXPROCS goroutines:
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
//     8×16 when C (or its last tile) is at most 16 columns wide, with opmask stores for
//     partial tiles, and 4- and 2-row kernels for partial tiles of at most 4 or 2 rows (a
//     10-row product is 8 + 2 rows: 12% faster than 8 + 4, some 45% than 8 + 8).
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
// The figures here were measured once, on one machine: a 2-core AMD EPYC (Zen 4) with
// AVX-512, shared with many other jobs, so in GFLOP per CPU-second (scripts/bench.sh gemm,
// best of 3 rounds alternating with PyTorch 1.13 on OpenBLAS 0.3.21, core Cooperlake). Its
// measured FMA peak is 117 GFLOP per core-second with YMM or ZMM alike; the 8×32 kernel alone
// reaches 110–113 on L1-resident panels, Sgemm 91–104 at n = 128…1024 (88% of the peak at
// n = 1024; OpenBLAS 81–98), and 74–103 on the MLP layers and im2col convolutions, 0.98–1.39
// times OpenBLAS on every one of them: 64×10×256 (dot kernel) 88 against 84, 10×256×64
// (in-place transposed A, 2-row edge kernel) 99 against 89, 16×169×144 (partial B panel read
// in place) 103 against 97; 64×256×10 is 83 against 84. With the AVX2 kernels forced
// (SetKernel; gemm_avx2 in bench.sh) against OpenBLAS's Haswell kernels on the same machine:
// the MLP's narrow products and the small convolutions 1.03–2.6 times OpenBLAS, n = 512 and
// 768 1.05 times, the MLP's 64×256×784 (3×4 dot kernel) 1.04, but n = 128…384 0.77–0.89,
// n = 1024 0.97, 256×784×64 0.90, and the large Tiny YOLO convolutions 0.85–0.97 (the 4×24 kernel
// alone reaches 105–110 per core-second, as a 6×16 one did, which was no faster in Sgemm).
// On two goroutines, wall clock (gemmbench against gemm_torch.py --threads 2, best of 5
// alternations, same machine): the AVX2 kernels against OpenBLAS's Haswell ones n = 128…1024
// 0.97–1.30 times, the MLP's products 1.15–1.16, the convolutions 0.97–1.36 (256×676×1152 the
// lowest); AVX-512 against OpenBLAS's SkylakeX kernels 1.01–1.52, 1.20–1.30 and 0.99–1.54. The
// goroutines split C and each packs the panels of a row-major B it reads: sharing that packing
// (a barrier per block) was 4–16% slower on this busy 2-vCPU machine.
// Other CPUs give other figures; compare ratios measured in one run on one machine. The
// benchmarks (go test -bench Sgemm) report wall-clock GFLOP/s and GFLOP per CPU-second for Sgemm and for each kernel on the same shapes as
// bench.sh, which uses the PyTorch reference benchmark (torch_bench.py) shipped beside the
// repository in ../shared/bench, not in it (the TORCH_BENCH variable points bench.sh
// elsewhere), and gemmbench with scripts/gemm_torch.py for the shapes.
//
// # Errors
//
// Sgemm and SgemmBatch panic with a plain string ("gemm: bad lda", "gemm: short C", …) when a
// size is negative, a stride is shorter than its row, or a slice is too short for the sizes
// and strides: these are bugs in the caller (package dl checks shapes first and reports them
// as *dl.ShapeError).
package gemm
