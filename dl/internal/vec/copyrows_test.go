package vec

import (
	"math/rand/v2"
	"testing"
)

func TestCopyRows(t *testing.T) { eachKernelSet(t, checkCopyRows) }

// checkCopyRows copies random row blocks, the widths around the 8-float blocks, and checks
// every copied value and that nothing around the rows changed.
func checkCopyRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, w := range []int{1, 7, 8, 9, 14, 16, 28, 31, 64, 65, 100} {
		rows := 1 + rng.IntN(20)
		ldd, lds := w+rng.IntN(3), w+rng.IntN(9)
		src := make([]float32, (rows-1)*lds+w)
		for i := range src {
			src[i] = rng.Float32()
		}
		dst := make([]float32, (rows-1)*ldd+w+5)
		for i := range dst {
			dst[i] = -1
		}
		CopyRows(dst, ldd, src, lds, rows, w)
		for i, v := range dst {
			r, j := i/ldd, i%ldd
			want := float32(-1)
			if r < rows && j < w {
				want = src[r*lds+j]
			}
			if v != want {
				t.Fatalf("w=%d rows=%d ldd=%d lds=%d: dst[%d] = %v, want %v", w, rows, ldd, lds, i, v, want)
			}
		}
	}
}
