//go:build amd64

package main

import "golang.org/x/sys/cpu"

//go:noescape
func fmaYMM(n int)

//go:noescape
func fmaZMM(n int)

// fmaLoops lists the FMA-throughput loops this CPU can run: name, FLOP per iteration, loop.
func fmaLoops() []fmaLoop {
	var ls []fmaLoop
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ls = append(ls, fmaLoop{"ymm", 12 * 8 * 2, fmaYMM})
	}
	if cpu.X86.HasAVX512F {
		ls = append(ls, fmaLoop{"zmm", 12 * 16 * 2, fmaZMM})
	}
	return ls
}
