//go:build unix

package workloads

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
