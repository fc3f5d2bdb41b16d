package gemm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTransposeFast checks transposeFast against transpose on full and partial panels.
func TestTransposeFast(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for i, tc := range []struct{ w, lds, n, k int }{
		{32, 256, 32, 256}, {32, 40, 7, 33}, {32, 40, 19, 33}, {8, 9, 8, 5}, {8, 3, 3, 3}, {8, 17, 8, 17}, {32, 64, 1, 4}, {8, 8, 8, 64},
		{4, 4, 4, 8}, {4, 13, 4, 13}, {4, 300, 4, 259}, {4, 9, 3, 9}, {4, 17, 4, 7},
	} {
		src := make([]float32, (tc.n-1)*tc.lds+tc.k)
		for j := range src {
			src[j] = rng.Float32()
		}
		want := make([]float32, tc.k*tc.w)
		got := make([]float32, tc.k*tc.w)
		for j := range got {
			got[j], want[j] = -1, -1
		}
		transpose(want, tc.w, src, tc.lds, tc.n, tc.k)
		transposeFast(got, tc.w, src, tc.lds, tc.n, tc.k)
		if !slices.Equal(got, want) {
			t.Errorf("case %d: transposeFast differs from transpose", i)
		}
	}
}

// TestPackRows checks packRows (whose full panels vec.CopyRows copies, in assembly on amd64)
// against the definition, value by value, including the zero-padded partial panel.
func TestPackRows(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i, tc := range []struct{ w, lds, k, n int }{
		{24, 169, 5, 169}, {24, 48, 3, 48}, {32, 100, 7, 97}, {32, 32, 1, 32}, {16, 40, 4, 37},
		{8, 9, 6, 9}, {8, 64, 2, 3}, {4, 13, 5, 13}, {24, 1024, 2, 1000}, {12, 30, 3, 30},
	} {
		src := make([]float32, (tc.k-1)*tc.lds+tc.n)
		for j := range src {
			src[j] = rng.Float32()
		}
		panels := (tc.n + tc.w - 1) / tc.w
		got := make([]float32, panels*tc.w*tc.k)
		for j := range got {
			got[j] = -1
		}
		packRows(got, tc.w, src, tc.lds, tc.k, tc.n)
		for q := range panels {
			for p := range tc.k {
				for j := range tc.w {
					want := float32(0)
					if q*tc.w+j < tc.n {
						want = src[p*tc.lds+q*tc.w+j]
					}
					if g := got[q*tc.w*tc.k+p*tc.w+j]; g != want {
						t.Fatalf("case %d (w %d, k %d, n %d): panel %d row %d column %d is %v, want %v", i, tc.w, tc.k, tc.n, q, p, j, g, want)
					}
				}
			}
		}
	}
}

func benchTranspose(b *testing.B, f func(d []float32, w int, src []float32, lds, n, k int)) {
	const n, k = 1024, 512
	src := make([]float32, n*k)
	d := make([]float32, n*k)
	b.SetBytes(4 * n * k)
	for b.Loop() {
		for jp := 0; jp < n; jp += 32 {
			for pc := 0; pc < k; pc += 256 {
				f(d[jp*k+pc*32:], 32, src[jp*k+pc:], k, 32, 256)
			}
		}
	}
}

func BenchmarkTranspose(b *testing.B)     { benchTranspose(b, transpose) }
func BenchmarkTransposeFast(b *testing.B) { benchTranspose(b, transposeFast) }

// TestSgemmSerial checks SgemmSerial against Sgemm on a product large enough to run in parallel.
func TestSgemmSerial(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	const m, n, k = 40, 130, 300
	a, b := make([]float32, m*k), make([]float32, k*n)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range b {
		b[i] = rng.Float32()
	}
	c1, c2 := make([]float32, m*n), make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c1, n)
	SgemmSerial(false, false, m, n, k, 1, a, k, b, n, 0, c2, n)
	if !slices.Equal(c1, c2) {
		t.Errorf("SgemmSerial differs from Sgemm")
	}
}
