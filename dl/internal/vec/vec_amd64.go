//go:build amd64 && !purego

package vec

import (
	"fmt"
	"slices"

	"golang.org/x/sys/cpu"
)

// cpuAVX2 and cpuAVX512 are what the CPU (and OS) run: AVX2 with FMA, and AVX-512 (F and VL:
// masked 256-bit moves) on top.
var (
	cpuAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	cpuAVX512 = cpuAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
)

// haveAVX2 and haveAVX512 select the AVX2 and AVX-512 kernels; SetKernels turns them off to
// run the portable loops or the AVX2 kernels alone.
var haveAVX2, haveAVX512 = cpuAVX2, cpuAVX512

// haveBMI2 is the CPU's BMI2 (SHRX), which one AVX2 kernel also uses.
var haveBMI2 = cpu.X86.HasBMI2

// Kernels names the kernel sets this CPU runs, for SetKernels: "portable" (Go loops), then
// "avx2" and "avx512" where the CPU has them. The last one is the default.
func Kernels() []string {
	ks := []string{"portable"}
	if cpuAVX2 {
		ks = append(ks, "avx2")
	}
	if cpuAVX512 {
		ks = append(ks, "avx512")
	}
	return ks
}

// SetKernels makes the functions of vec use the kernel set named name, one of Kernels: "avx2"
// leaves the AVX-512 kernels out, "portable" every assembly kernel. It is for tests and
// benchmarks that compare the sets, and must not run while vec's functions do. restore goes
// back to the set in use before; err names an unknown set.
func SetKernels(name string) (restore func(), err error) {
	if !slices.Contains(Kernels(), name) {
		return nil, fmt.Errorf("vec: no kernel set %q on this CPU (have %v)", name, Kernels())
	}
	a, b := haveAVX2, haveAVX512
	haveAVX2, haveAVX512 = name != "portable", name == "avx512"
	return func() { haveAVX2, haveAVX512 = a, b }, nil
}

//go:noescape
func axpyAVX2(dst, x *float32, n int, a float32)

//go:noescape
func dotAVX2(x, y *float32, n int) float32

//go:noescape
func sumAVX2(x *float32, n int) float32

//go:noescape
func addAVX2(dst, x, y *float32, n int)

//go:noescape
func reluAVX2(dst, x *float32, n int)

//go:noescape
func reluBackAVX2(gx, grad, x *float32, n int)

//go:noescape
func tanhBackAVX2(dp, dq, t, v *float32, n int, s float32)

// Axpy sets dst[i] += a·x[i] for i < len(dst), eight at a time with AVX2. It panics if x is
// shorter than dst.
func Axpy(dst, x []float32, a float32) {
	x = x[:len(dst)]
	n := 0
	if haveAVX2 {
		if n = len(dst) &^ 7; n > 0 {
			axpyAVX2(&dst[0], &x[0], n, a)
		}
	}
	if r := len(dst) - n; r > 0 && haveAVX2 {
		// The tail through the same kernel, padded to eight: every element gets the same
		// bits wherever a slice starts or ends (par.For's chunks depend on the core count).
		var d, s [8]float32
		copy(d[:], dst[n:])
		copy(s[:], x[n:])
		axpyAVX2(&d[0], &s[0], 8, a)
		copy(dst[n:], d[:r])
		return
	}
	for i := n; i < len(dst); i++ {
		dst[i] += a * x[i]
	}
}

// Dot returns Σ x[i]·y[i] over i < len(x). It panics if y is shorter than x.
func Dot(x, y []float32) float32 {
	y = y[:len(x)]
	n := 0
	var s float32
	if haveAVX2 {
		if n = len(x) &^ 7; n > 0 {
			s = dotAVX2(&x[0], &y[0], n)
		}
	}
	for i := n; i < len(x); i++ {
		s += x[i] * y[i]
	}
	return s
}

// Sum returns Σ x[i], eight lanes at a time with AVX2 (the order of the additions differs from
// the portable loop's: the two round differently).
func Sum(x []float32) float32 {
	if !haveAVX2 {
		return sumGeneric(x)
	}
	n := len(x) &^ 7
	var s float32
	if n > 0 {
		s = sumAVX2(&x[0], n)
	}
	for _, v := range x[n:] {
		s += v
	}
	return s
}

// Add sets dst[i] = x[i] + y[i] for i < len(dst). It panics if x or y is shorter than dst.
func Add(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	n := 0
	if haveAVX2 {
		if n = len(dst) &^ 7; n > 0 {
			addAVX2(&dst[0], &x[0], &y[0], n)
		}
	}
	for i := n; i < len(dst); i++ {
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
	n := 0
	if haveAVX2 {
		if n = len(t) &^ 7; n > 0 {
			var q *float32
			if dq != nil {
				q = &dq[0]
			}
			tanhBackAVX2(&dp[0], q, &t[0], &v[0], n, g)
		}
	}
	if r := len(t) - n; r > 0 && haveAVX2 {
		// The tail through the same kernel, padded to eight (see Axpy).
		var p, q, tt, vv [8]float32
		copy(p[:], dp[n:])
		copy(tt[:], t[n:])
		copy(vv[:], v[n:])
		if dq == nil {
			tanhBackAVX2(&p[0], nil, &tt[0], &vv[0], 8, g)
		} else {
			copy(q[:], dq[n:])
			tanhBackAVX2(&p[0], &q[0], &tt[0], &vv[0], 8, g)
			copy(dq[n:], q[:r])
		}
		copy(dp[n:], p[:r])
		return
	}
	for i := n; i < len(t); i++ {
		d := g * v[i] * (1 - t[i]*t[i])
		dp[i] += d
		if dq != nil {
			dq[i] += d
		}
	}
}

// ReLU sets dst[i] = max(x[i], 0) (Go's max: NaN stays NaN, −0 gives +0), eight at a time
// with AVX2. It panics if x is shorter than dst.
func ReLU(dst, x []float32) {
	x = x[:len(dst)]
	n := 0
	if haveAVX2 {
		if n = len(dst) &^ 7; n > 0 {
			reluAVX2(&dst[0], &x[0], n)
		}
	}
	reluGeneric(dst[n:], x[n:])
}

// ReLUBack sets gx[i] += g[i] where x[i] > 0 (the gradient through a ReLU), eight at a time
// with AVX2. It panics if g or x is shorter than gx.
func ReLUBack(gx, g, x []float32) {
	g, x = g[:len(gx)], x[:len(gx)]
	n := 0
	if haveAVX2 {
		if n = len(gx) &^ 7; n > 0 {
			reluBackAVX2(&gx[0], &g[0], &x[0], n)
		}
	}
	reluBackGeneric(gx[n:], g[n:], x[n:])
}
