package gemm

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// impl is one way to run Sgemm, for comparing them in benchmarks and tests.
type impl struct {
	name string
	fn   func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// impls lists Sgemm (whatever backend this build uses) and the packed path with each
// micro-kernel this CPU can run.
func impls() []impl {
	out := []impl{{"Sgemm", Sgemm}}
	for _, ks := range kernels() {
		out = append(out, impl{ks.name, func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
			sgemmKernel(&ks, runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}})
	}
	return out
}

// benchSgemmT times C = op(A)·op(B), op(A) m×k and op(B) k×n, with each implementation and
// reports GFLOP/s (2·m·n·k per product) and GFLOP per CPU-second.
func benchSgemmT(b *testing.B, transA, transB bool, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y, z := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	for _, im := range impls() {
		if strings.HasPrefix(im.name, "generic") && m*n*k > 1<<28 {
			continue // seconds per product
		}
		b.Run(im.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			for b.Loop() {
				im.fn(transA, transB, m, n, k, 1, x, lda, y, ldb, 0, z, n)
			}
			gflop := 2 * float64(m) * float64(n) * float64(k) * float64(b.N) / 1e9
			b.ReportMetric(gflop/b.Elapsed().Seconds(), "GFLOP/s")
			reportCPU(b, gflop, cpuSeconds()-cpu0)
		})
	}
}

// benchShapes are the products BenchmarkSgemm times (m×n×k, operands stored transposed where
// marked T): square ones, the shapes the dl workloads produce, and the im2col convolutions of
// the MNIST CNN and of Tiny YOLO (out channels × pixels × in channels·kernel area). The same
// shapes are in scripts/bench.sh's gemm workload, against OpenBLAS.
var benchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"sq128", false, false, 128, 128, 128},
	{"sq256", false, false, 256, 256, 256},
	{"sq384", false, false, 384, 384, 384},
	{"sq512", false, false, 512, 512, 512},
	{"sq768", false, false, 768, 768, 768},
	{"sq1024", false, false, 1024, 1024, 1024},
	// MLP 784-256-10 with batch 64: forward x·Wᵀ, weight gradients gᵀ·x, input gradient g·W.
	{"mlp_fc1_64x256x784T", false, true, 64, 256, 784},
	{"mlp_fc1_dw_T256x784x64", true, false, 256, 784, 64},
	{"mlp_fc2_64x10x256T", false, true, 64, 10, 256},
	{"mlp_fc2_dx_64x256x10", false, false, 64, 256, 10},
	{"mlp_fc2_dw_T10x256x64", true, false, 10, 256, 64},
	{"64x784x256", false, false, 64, 784, 256},
	{"128x784x256", false, false, 128, 784, 256},
	// LSTM gates and a classifier head.
	{"64x512x128", false, false, 64, 512, 128},
	{"32x512x160", false, false, 32, 512, 160},
	{"64x10x256", false, false, 64, 10, 256},
	// im2col: MNIST CNN (per image and per batch of 64) and Tiny YOLO's 3×3 layers at
	// 104², 52², 26², 13² and its 1×1 head; M = 16 with N = 169 has ragged tiles both ways.
	{"cnn_16x784x25", false, false, 16, 784, 25},
	{"cnn_32x196x400", false, false, 32, 196, 400},
	{"cnn_16x50176x25", false, false, 16, 64 * 28 * 28, 25},
	{"cnn_32x12544x400", false, false, 32, 64 * 14 * 14, 400},
	{"yolo_16x169x144", false, false, 16, 169, 144},
	{"yolo_16x2704x144", false, false, 16, 2704, 144},
	{"yolo_64x10816x288", false, false, 64, 10816, 288},
	{"yolo_128x2704x576", false, false, 128, 2704, 576},
	{"yolo_256x676x1152", false, false, 256, 676, 1152},
	{"yolo_512x169x2304", false, false, 512, 169, 2304},
	{"yolo_425x169x1024", false, false, 425, 169, 1024},
	// Convolution backward passes per image (dl/conv.go): dWᵀ = col·dyᵀ and dcol = Wᵀ·dy.
	{"conv_dw_400x32x196T", false, true, 400, 32, 196},
	{"conv_dcol_T400x196x32", true, false, 400, 196, 32},
}

// BenchmarkSgemm times each shape of benchShapes with each implementation:
// go test -bench 'Sgemm/sq1024/avx512$'; compare runs with benchstat.
func BenchmarkSgemm(b *testing.B) {
	for _, sh := range benchShapes {
		b.Run(sh.name, func(b *testing.B) { benchSgemmT(b, sh.transA, sh.transB, sh.m, sh.n, sh.k) })
	}
}

// reportCPU reports GFLOP per CPU-second (user + system time of the whole process). On a
// machine shared with other jobs this shows per-core speed where wall-clock GFLOP/s cannot;
// it counts the time OpenBLAS's threads spin waiting for work against it.
func reportCPU(b *testing.B, gflop, cpu float64) {
	if cpu > 0 {
		b.ReportMetric(gflop/cpu, "GFLOP/cpu-s")
	}
}
