package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVec checks the kernels against plain loops over lengths around the 8-lane width, with
// each kernel set the CPU runs.
func TestVec(t *testing.T) { eachKernelSet(t, checkVec) }

// eachKernelSet runs check on every kernel set the CPU runs (Kernels): the portable loops, AVX2
// and AVX-512.
func eachKernelSet(t *testing.T, check func(*testing.T)) {
	for _, name := range Kernels() {
		t.Run(name, func(t *testing.T) {
			restore, err := SetKernels(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			check(t)
		})
	}
}

func checkVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	r := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		return s
	}
	close := func(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-5*(1+math.Abs(float64(b))) }
	for _, n := range []int{0, 1, 7, 8, 9, 16, 23, 31, 32, 33, 71, 256} {
		x, y, dst, t0, v := r(n), r(n), r(n), r(n), r(n)
		want := append([]float32(nil), dst...)
		for i := range want {
			want[i] += 0.5 * x[i]
		}
		Axpy(dst, x, 0.5)
		var wd float32
		for i := range x {
			wd += x[i] * y[i]
		}
		if got := Dot(x, y); !close(got, wd) {
			t.Errorf("n=%d: dot %v, want %v", n, got, wd)
		}
		var ws float64
		for _, v := range x {
			ws += float64(v)
		}
		if got := Sum(x); !close(got, float32(ws)) {
			t.Errorf("n=%d: sum %v, want %v", n, got, ws)
		}
		sum := make([]float32, n)
		Add(sum, x, y)
		dp, dq, dp1 := r(n), r(n), r(n)
		wp, wq, wp1 := append([]float32(nil), dp...), append([]float32(nil), dq...), append([]float32(nil), dp1...)
		for i := range t0 {
			d := 1.5 * v[i] * (1 - t0[i]*t0[i])
			wp[i] += d
			wq[i] += d
			wp1[i] += d
		}
		TanhBack(dp, dq, t0, v, 1.5)
		TanhBack(dp1, nil, t0, v, 1.5)
		for i := range n {
			if !close(dst[i], want[i]) || sum[i] != x[i]+y[i] || !close(dp[i], wp[i]) || !close(dq[i], wq[i]) || !close(dp1[i], wp1[i]) {
				t.Errorf("n=%d, i=%d: axpy %v/%v add %v/%v tanhBack %v/%v %v/%v %v/%v", n, i, dst[i], want[i], sum[i], x[i]+y[i], dp[i], wp[i], dq[i], wq[i], dp1[i], wp1[i])
			}
		}
	}
}
