//go:build !unix

package gemm

func cpuSeconds() float64 { return 0 }

func cyclesPerCPUSecond() float64 { return 0 }
