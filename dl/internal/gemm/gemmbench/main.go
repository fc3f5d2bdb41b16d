// Command gemmbench measures the CPU's fp32 FMA peak and dl's SGEMM speed on given shapes, for
// scripts/bench.sh, which runs PyTorch's (OpenBLAS's) figures for the same shapes beside it
// (scripts/gemm_torch.py):
//
//	go run ./dl/internal/gemm/gemmbench [-peak] [-seconds S] [-kernel NAME] NAME:TA:TB:M:N:K ...
//
// -kernel makes gemm use another micro-kernel the CPU can run (gemm.SetKernel): avx2 on an
// AVX-512 CPU measures the AVX2 path, as an AVX2-only CPU would run it.
// -peak times loops of independent VFMADD231PS (YMM with AVX2+FMA, ZMM with AVX-512F) on one
// goroutine and on GOMAXPROCS goroutines at once, and prints `peak_ymm GFLOP/s`, `peak_zmm …`
// (all cores) and `peak_ymm_1core …`, each also per CPU-second of a thread (`_percpu`, times
// the threads), which is what the cores can do when other jobs share them. Each shape argument names a product C = op(A)·op(B),
// op(A) M×K, op(B) K×N, TA/TB 1 where that operand is stored transposed; for each, gemmbench
// prints `go_gemm_NAME GFLOP/s GFLOP/s`: 2·M·N·K over the median of 7 timed repeats of about
// S/7 seconds each, after warm-up, with C preallocated (beta = 0), as gemm_torch.py does, and
// `go_gemm_NAME_percpu GFLOP/cpu-s`: the same over the process's CPU time (user + system), which
// a machine shared with other jobs disturbs less than wall time.
// The first line (a comment) names the micro-kernel gemm chose for this CPU.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/deepnb/deepnb/dl/internal/gemm"
)

type fmaLoop struct {
	name string
	flop int
	run  func(n int)
}

// peak returns the GFLOP/s of loop l run on w goroutines at once (each locked to its thread),
// the best of 5 runs of about 0.1 s each on an idle machine, and the best sum over the
// goroutines of each one's GFLOP per CPU-second of its own thread (which other jobs on the
// machine disturb less).
func peak(l fmaLoop, w int) (wall, perCPU float64) {
	iters := (12 << 30) / l.flop // about 12 GFLOP per goroutine
	for range 5 {
		var wg sync.WaitGroup
		start := make(chan struct{})
		cpu := make([]float64, w)
		for i := range w {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				<-start
				c0 := threadCPUSeconds()
				l.run(iters)
				cpu[i] = threadCPUSeconds() - c0
			})
		}
		t0 := time.Now()
		close(start)
		wg.Wait()
		gflop := float64(l.flop) * float64(iters) / 1e9
		wall = max(wall, gflop*float64(w)/time.Since(t0).Seconds())
		sum := 0.0
		for _, c := range cpu {
			if c > 0 {
				sum += gflop / c
			}
		}
		perCPU = max(perCPU, sum)
	}
	return wall, perCPU
}

// threadCPUSeconds is the CPU time of the calling thread (RUSAGE_THREAD), or 0 if unknown.
func threadCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

type shape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

func parse(s string) (shape, error) {
	f := strings.Split(s, ":")
	if len(f) != 6 {
		return shape{}, fmt.Errorf("shape %q: want NAME:TA:TB:M:N:K", s)
	}
	var v [5]int
	for i, x := range f[1:] {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 {
			return shape{}, fmt.Errorf("shape %q: bad number %q", s, x)
		}
		v[i] = n
	}
	return shape{f[0], v[0] == 1, v[1] == 1, v[2], v[3], v[4]}, nil
}

// gflops times sh as described in the package comment.
func gflops(sh shape, seconds float64) (wall, perCPU float64) {
	rng := rand.New(rand.NewPCG(uint64(sh.m), uint64(sh.n*1009+sh.k)))
	randn := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		return s
	}
	m, n, k := sh.m, sh.n, sh.k
	a, b, c := randn(m*k), randn(k*n), make([]float32, m*n)
	lda, ldb := k, n
	if sh.transA {
		lda = m
	}
	if sh.transB {
		ldb = k
	}
	mm := func() { gemm.Sgemm(sh.transA, sh.transB, m, n, k, 1, a, lda, b, ldb, 0, c, n) }
	for range 3 {
		mm()
	}
	t0 := time.Now()
	mm()
	inner := max(1, int(seconds/7/max(time.Since(t0).Seconds(), 1e-7)))
	ts, cs := make([]float64, 7), make([]float64, 7)
	for i := range ts {
		t0, c0 := time.Now(), cpuSeconds()
		for range inner {
			mm()
		}
		ts[i] = time.Since(t0).Seconds() / float64(inner)
		cs[i] = (cpuSeconds() - c0) / float64(inner)
	}
	sort.Float64s(ts)
	sort.Float64s(cs)
	gflop := 2 * float64(m) * float64(n) * float64(k) / 1e9
	return gflop / ts[len(ts)/2], gflop / cs[len(cs)/2]
}

// cpuSeconds is the user+system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	doPeak := flag.Bool("peak", false, "measure the FMA peak")
	seconds := flag.Float64("seconds", 0.5, "time per shape")
	kernel := flag.String("kernel", "", "use this micro-kernel instead of the CPU's best (avx2 on an AVX-512 CPU, say)")
	flag.Parse()
	if *kernel != "" {
		if _, err := gemm.SetKernel(*kernel); err != nil {
			fmt.Fprintln(os.Stderr, "gemmbench:", err)
			os.Exit(2)
		}
	}
	fmt.Printf("# gemm kernel: %s; GOMAXPROCS=%d\n", gemm.Describe(), runtime.GOMAXPROCS(0))
	if *doPeak {
		for _, l := range fmaLoops() {
			w1, c1 := peak(l, 1)
			wn, cn := peak(l, runtime.GOMAXPROCS(0))
			fmt.Printf("peak_%s_1core %.1f GFLOP/s\npeak_%s_1core_percpu %.1f GFLOP/cpu-s\n", l.name, w1, l.name, c1)
			fmt.Printf("peak_%s %.1f GFLOP/s\npeak_%s_percpu %.1f GFLOP/cpu-s\n", l.name, wn, l.name, cn)
		}
	}
	for _, arg := range flag.Args() {
		sh, err := parse(arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gemmbench:", err)
			os.Exit(2)
		}
		wall, perCPU := gflops(sh, *seconds)
		fmt.Printf("go_gemm_%s %.1f GFLOP/s\ngo_gemm_%s_percpu %.1f GFLOP/cpu-s\n", sh.name, wall, sh.name, perCPU)
	}
}
