//go:build !amd64 || purego

package gemm

// readCaches returns zeros: the blocking falls back to sizes that suit most CPUs.
func readCaches() caches { return caches{} }
