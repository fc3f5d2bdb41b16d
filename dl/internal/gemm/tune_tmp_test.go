package gemm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTune: GEMM_TUNE="m,n,k" GEMM_CFG="name:kc:mc:nc;..." interleaved best-of rounds.
func TestTune(t *testing.T) {
	spec := os.Getenv("GEMM_TUNE")
	if spec == "" {
		t.Skip()
	}
	var shapes [][3]int
	for _, s := range strings.Split(spec, ";") {
		f := strings.Split(s, ",")
		m, _ := strconv.Atoi(f[0])
		n, _ := strconv.Atoi(f[1])
		k, _ := strconv.Atoi(f[2])
		shapes = append(shapes, [3]int{m, n, k})
	}
	byName := map[string]kernelSpec{}
	for _, ks := range kernels() {
		byName[ks.name] = ks
	}
	var cfgs []kernelSpec
	for _, c := range strings.Split(os.Getenv("GEMM_CFG"), ";") {
		f := strings.Split(c, ":")
		ks := byName[f[0]]
		if f[0] == "simple" || f[0] == "packed" {
			ks = active
			ks.name = f[0]
		}
		if len(f) > 1 {
			ks.kc, _ = strconv.Atoi(f[1])
			ks.mc, _ = strconv.Atoi(f[2])
			ks.nc, _ = strconv.Atoi(f[3])
		}
		cfgs = append(cfgs, ks)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		x, y, z := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
		best := make([]float64, len(cfgs))
		bestWall := make([]float64, len(cfgs))
		reps := max(1, int(1e8/(2*float64(m*n*k))))
		for round := 0; round < 7; round++ {
			for i, ks := range cfgs {
				if ks.name == "packed" {
					ks.small = 0
				}
				c0, t0 := cpuSeconds(), time.Now()
				for range reps {
					if ks.name == "simple" {
						sgemmSimple(false, false, m, n, k, 1, x, k, y, n, 0, z, n)
					} else if ks.name == "" {
						Sgemm(false, false, m, n, k, 1, x, k, y, n, 0, z, n)
					} else {
						sgemmKernel(&ks, runtime.GOMAXPROCS(0), false, false, m, n, k, 1, x, k, y, n, 0, z, n)
					}
				}
				gf := 2 * float64(m*n*k) * float64(reps) / 1e9
				best[i] = max(best[i], gf/(cpuSeconds()-c0))
				bestWall[i] = max(bestWall[i], gf/time.Since(t0).Seconds())
			}
		}
		for i, ks := range cfgs {
			fmt.Printf("%dx%dx%d %-9s kc=%d mc=%d nc=%d  best %.1f GFLOP/cpu-s  %.1f GFLOP/s wall\n", m, n, k, ks.name, ks.kc, ks.mc, ks.nc, best[i], bestWall[i])
		}
	}
}
