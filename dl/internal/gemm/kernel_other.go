//go:build !amd64 || purego

package gemm

import "runtime"

// bestKernel picks the portable kernel that suits the CPU's register file.
func bestKernel() kernelSpec {
	switch runtime.GOARCH {
	case "amd64", "386", "arm":
		return genericKernel.sized(cpuCaches) // 16 float registers or fewer
	}
	return generic4x4Kernel.sized(cpuCaches)
}

// kernels lists every micro-kernel this CPU can run, for tests and benchmarks.
func kernels() []kernelSpec {
	return []kernelSpec{genericKernel.sized(cpuCaches), generic4x4Kernel.sized(cpuCaches)}
}
