package gemm_test

import (
	"fmt"
	"strings"

	"github.com/deepnb/deepnb/dl/internal/gemm"
)

// C = A·Bᵀ for a 2×3 A and a 2×3 B (so op(B) = Bᵀ is 3×2).
func ExampleSgemm() {
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{
		1, 0, 1,
		0, 1, 0,
	}
	c := make([]float32, 2*2)
	gemm.Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Printf("%.4f\n%.4f\n", c[0:2], c[2:4])
	// Output:
	// [4.0000 2.0000]
	// [10.0000 5.0000]
}

// Two 2×2 products with a shared right-hand side (stride 0).
func ExampleSgemmBatch() {
	a := []float32{
		1, 0, 0, 1, // identity
		2, 0, 0, 2, // 2·identity
	}
	w := []float32{1, 2, 3, 4}
	c := make([]float32, 8)
	gemm.SgemmBatch(false, false, 2, 2, 2, 2, 1, a, 2, 4, w, 2, 0, 0, c, 2, 4)
	fmt.Printf("%.4f\n%.4f\n", c[:4], c[4:])
	// Output:
	// [1.0000 2.0000 3.0000 4.0000]
	// [2.0000 4.0000 6.0000 8.0000]
}

// The kernel and blocking depend on the CPU, so this example prints no fixed output; on an
// AVX-512 CPU with a 32 KiB L1 and 1 MiB L2 it prints something like
// "avx512 8×32 (kc 256, mc 512, nc 4096)".
func ExampleDescribe() {
	fmt.Println(gemm.Backend() != "", gemm.Describe() != "")
	// Output: true true
}

// Switching to the portable Go kernel, which every CPU can run ("avx2" on an AVX-512 CPU
// works the same way), then back to the CPU's best.
func ExampleSetKernel() {
	restore, err := gemm.SetKernel("generic")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(gemm.Describe(), "generic"))
	restore()
	// Output: true
}
