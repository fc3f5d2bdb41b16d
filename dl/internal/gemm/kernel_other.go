//go:build !amd64 || purego

package gemm

import "runtime"

// bestKernel picks the portable kernel that suits the CPU's register file.
func bestKernel() kernelSpec {
	switch runtime.GOARCH {
	case "amd64", "386", "arm":
		return genericKernel // 16 float registers or fewer
	}
	return generic4x4Kernel
}

// kernels lists every micro-kernel this CPU can run, for tests and benchmarks.
func kernels() []kernelSpec { return []kernelSpec{genericKernel, generic4x4Kernel} }
