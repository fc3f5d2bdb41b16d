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

// benchSgemm times C = A·B for an m×k by k×n product with each implementation and reports
// GFLOP/s (2·m·n·k per product) and GFLOP per CPU-second.
func benchSgemm(b *testing.B, m, n, k int) { benchSgemmT(b, false, false, m, n, k) }

// benchSgemmT is benchSgemm for C = op(A)·op(B).
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

func BenchmarkSgemm256(b *testing.B)  { benchSgemm(b, 256, 256, 256) }
func BenchmarkSgemm512(b *testing.B)  { benchSgemm(b, 512, 512, 512) }
func BenchmarkSgemm1024(b *testing.B) { benchSgemm(b, 1024, 1024, 1024) }

// Shapes the dl engine produces (m×n×k): MLP and LSTM layers, a classifier head, and im2col
// convolutions (out channels × pixels × in channels·kernel area).
func BenchmarkSgemm64x512x128(b *testing.B)   { benchSgemm(b, 64, 512, 128) }
func BenchmarkSgemm32x512x160(b *testing.B)   { benchSgemm(b, 32, 512, 160) }
func BenchmarkSgemm128x784x256(b *testing.B)  { benchSgemm(b, 128, 784, 256) }
func BenchmarkSgemm64x10x256(b *testing.B)    { benchSgemm(b, 64, 10, 256) }
func BenchmarkSgemm16x50176x25(b *testing.B)  { benchSgemm(b, 16, 64*28*28, 25) }
func BenchmarkSgemm32x12544x400(b *testing.B) { benchSgemm(b, 32, 64*14*14, 400) }

// Convolution backward passes per image (dl/conv.go): dWᵀ = col·dyᵀ and dcol = Wᵀ·dy.
func BenchmarkSgemm400x32x196TransB(b *testing.B) { benchSgemmT(b, false, true, 400, 32, 196) }
func BenchmarkSgemm400x196x32TransA(b *testing.B) { benchSgemmT(b, true, false, 400, 196, 32) }

// reportCPU reports GFLOP per CPU-second (user + system time of the whole process). On a
// machine shared with other jobs this shows per-core speed where wall-clock GFLOP/s cannot;
// it counts the time OpenBLAS's threads spin waiting for work against it.
func reportCPU(b *testing.B, gflop, cpu float64) {
	if cpu > 0 {
		b.ReportMetric(gflop/cpu, "GFLOP/cpu-s")
	}
}
