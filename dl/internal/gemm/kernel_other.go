//go:build !amd64 || purego

package gemm

func bestKernel() kernelSpec { return genericKernel }

// kernels lists every micro-kernel this CPU can run, for tests and benchmarks.
func kernels() []kernelSpec { return []kernelSpec{genericKernel} }
