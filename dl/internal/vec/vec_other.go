//go:build !amd64 || purego

package vec

import "fmt"

// haveAVX2 is false: this build has no assembly kernels.
var haveAVX2 = false

// Kernels names the kernel sets this build runs, for SetKernels: "portable" (Go loops) alone.
func Kernels() []string { return []string{"portable"} }

// SetKernels makes the functions of vec use the kernel set named name, one of Kernels. It is
// for tests and benchmarks that compare the sets, and must not run while vec's functions do.
// restore goes back to the set in use before; err names an unknown set.
func SetKernels(name string) (restore func(), err error) {
	if name != "portable" {
		return nil, fmt.Errorf("vec: no kernel set %q in this build (have [portable])", name)
	}
	return func() {}, nil
}

// Axpy sets dst[i] += a·x[i] for i < len(dst). It panics if x is shorter than dst.
func Axpy(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += a * v
	}
}

// Dot returns Σ x[i]·y[i] over i < len(x). It panics if y is shorter than x.
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s float32
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// ReLU sets dst[i] = max(x[i], 0). It panics if x is shorter than dst.
func ReLU(dst, x []float32) { reluGeneric(dst, x) }

// Sum returns Σ x[i].
func Sum(x []float32) float32 { return sumGeneric(x) }

// Add sets dst[i] = x[i] + y[i] for i < len(dst). It panics if x or y is shorter than dst.
func Add(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

// TanhBack adds d[i] = g·v[i]·(1 − t[i]²), the gradient through t = tanh(·) of Σ v[i]·t[i]
// scaled by g, into dp and, unless it is nil, into dq. It panics if a slice is shorter than t.
func TanhBack(dp, dq, t, v []float32, g float32) {
	dp, v = dp[:len(t)], v[:len(t)]
	if dq != nil {
		dq = dq[:len(t)]
	}
	for i, x := range t {
		d := g * v[i] * (1 - x*x)
		dp[i] += d
		if dq != nil {
			dq[i] += d
		}
	}
}

// ReLUBack sets gx[i] += g[i] where x[i] > 0 (the gradient through a ReLU). It panics if g or
// x is shorter than gx.
func ReLUBack(gx, g, x []float32) { reluBackGeneric(gx, g, x) }
