//go:build !unix

package workloads

func cpuSeconds() float64 { return 0 }
