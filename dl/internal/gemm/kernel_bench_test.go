package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernel times each micro-kernel alone on L1-resident packed panels (k = 128, 256, 512).
func BenchmarkKernel(b *testing.B) {
	for _, ks := range kernels() {
		for _, k := range []int{128, 256, 512} {
			b.Run(fmt.Sprintf("%s/k=%d", ks.name, k), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 1))
				pa, pb := randSlice(rng, ks.mr*k), randSlice(rng, ks.nr*k)
				c := make([]float32, ks.mr*ks.nr)
				cpu0 := cpuSeconds()
				for b.Loop() {
					ks.fn(k, &pa[0], &pb[0], &c[0], 1, ks.mr, ks.nr, ks.nr, 1, 1)
				}
				gflop := 2 * float64(ks.mr*ks.nr*k) * float64(b.N) / 1e9
				b.ReportMetric(gflop/b.Elapsed().Seconds(), "GFLOP/s")
				reportCPU(b, gflop, cpuSeconds()-cpu0)
			})
		}
	}
}
