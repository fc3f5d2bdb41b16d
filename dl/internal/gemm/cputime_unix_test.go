//go:build unix

package gemm

import "syscall"

// cpuSeconds is the process's user+system CPU time, so that benchmarks on a busy machine can
// report work per CPU-second next to wall-clock figures.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

//go:noinline
func chain(n int) int {
	x := 0
	for i := range n {
		x += i ^ x // two dependent 1-cycle ops per iteration
	}
	return x
}

var chainSink int

// cyclesPerCPUSecond estimates the clock the process gets per CPU-second from a dependent
// integer chain of known latency (2 cycles per iteration), so that flops per cycle can be
// quoted on a shared or throttled machine.
func cyclesPerCPUSecond() float64 {
	const n = 20_000_000
	c0 := cpuSeconds()
	chainSink += chain(n)
	if d := cpuSeconds() - c0; d > 0 {
		return 2 * n / d
	}
	return 0
}
