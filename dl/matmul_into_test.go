package dl_test

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// TestMatMulInto: MatMulInto gives MatMul's bits for every kind of shape MatMul takes (matrices
// on each GEMM path, broadcast batches, vectors, an empty inner dimension), overwriting what dst
// held, and returns dst.
func TestMatMulInto(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	for i, tc := range [][2][]int{
		{{2, 3}, {3, 2}},
		{{6, 11}, {11, 7}},
		{{64, 300}, {300, 129}}, // split across goroutines
		{{4, 2, 3}, {4, 3, 5}},
		{{4, 2, 3}, {3, 5}},
		{{2, 3}, {4, 3, 5}},
		{{2, 1, 2, 3}, {3, 3, 5}},
		{{3}, {3, 4}},
		{{4, 3}, {3}},
		{{3}, {3}},
		{{2, 2, 3}, {3}},
		{{2, 0}, {0, 3}},
	} {
		a, b := dl.RandN(rng, tc[0]...), dl.RandN(rng, tc[1]...)
		want := a.MatMul(b)
		dst := dl.Full(7, want.Shape()...) // stale values, overwritten
		if got := dl.MatMulInto(dst, a, b); got != dst {
			t.Errorf("case %d: returned %p, not dst %p", i, got, dst)
		}
		numtest.Close(t, fmt.Sprintf("case %d: MatMulInto %v×%v", i, tc[0], tc[1]), dst.Data(), want.Data(), numtest.Exact, numtest.Exact)
	}
}

// TestMatMulIntoAllocates: a product written into dst allocates no result (MatMul allocates one
// each time). The GC is off while counting so that gemm's pooled buffers stay, and the call
// that allocates least counts: a goroutine that finds its P's pool empty allocates a packing
// buffer (and under -race sync.Pool drops a quarter of what it is given).
func TestMatMulIntoAllocates(t *testing.T) {
	rng := opsRNG()
	a, b := dl.RandN(rng, 128, 128).NoGrad(), dl.RandN(rng, 128, 128)
	dst := dl.Zeros(128, 128)
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	bytes := func(f func()) uint64 {
		per := make([]uint64, 21)
		var m0, m1 runtime.MemStats
		for i := range per {
			runtime.ReadMemStats(&m0)
			f()
			runtime.ReadMemStats(&m1)
			per[i] = m1.TotalAlloc - m0.TotalAlloc
		}
		return slices.Min(per)
	}
	into := bytes(func() { dl.MatMulInto(dst, a, b) })
	alloc := bytes(func() { a.MatMul(b) })
	if result := uint64(128 * 128 * 4); into >= result/16 || alloc < result {
		t.Errorf("bytes allocated by the leanest product: MatMulInto %d, MatMul %d; want < %d and ≥ %d", into, alloc, result/16, result)
	}
}

func TestMatMulIntoErrors(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	a, b, sq := dl.RandN(rng, 2, 3), dl.RandN(rng, 3, 4), dl.RandN(rng, 3, 3)
	w := dl.RandN(rng, 3, 4).SetRequiresGrad(true)
	for i, tc := range []struct {
		fn   func()
		want string
		is   error
	}{
		{func() { dl.MatMulInto(dl.Zeros(2, 4), a, a) }, "dl: MatMulInto: shape mismatch [2 3] × [2 3]", dl.ErrShape},
		{func() { dl.MatMulInto(dl.Zeros(4, 2), a, b) }, "dl: MatMulInto: dst must have the product's shape [2 4], not [4 2]", dl.ErrShape},
		{func() { dl.MatMulInto(dl.Zeros(8), a, b) }, "dl: MatMulInto: dst must have the product's shape [2 4], not [8]", dl.ErrShape},
		{func() { dl.MatMulInto(dl.Zeros(2, 4), a, w) }, "dl: MatMulInto: operands [[2 3] [3 4]] need a gradient: MatMulInto records no graph, use MatMul", dl.ErrArg},
		{func() { dl.MatMulInto(a.MatMul(b), a, b) }, "dl: MatMulInto: dst [2 4] is the result of an op or requires a gradient: write into a leaf that does not (dl.Zeros)", dl.ErrArg},
		{func() { dl.MatMulInto(sq, sq, sq) }, "dl: MatMulInto: dst [3 3] shares storage with an operand", dl.ErrArg},
		{func() { dl.MatMulInto(sq.NoGrad(), dl.Zeros(3, 3), sq) }, "dl: MatMulInto: dst [3 3] shares storage with an operand", dl.ErrArg},
	} {
		p, msg := numtest.Panics(tc.fn)
		if !p || msg != tc.want {
			t.Errorf("case %d: got panic %v %q, want %q", i, p, msg, tc.want)
		}
		if err := numtest.PanicsWith(tc.fn); !errors.Is(err, tc.is) {
			t.Errorf("case %d: %v does not match %v", i, err, tc.is)
		}
	}
	// The operands' shapes are checked before dst's.
	want := "dl: MatMulInto: batch dimensions do not broadcast [2 2 3] × [3 3 2]"
	if _, msg := numtest.Panics(func() { dl.MatMulInto(dl.Zeros(1), dl.Zeros(2, 2, 3), dl.Zeros(3, 3, 2)) }); msg != want {
		t.Errorf("batch mismatch: got %q, want %q", msg, want)
	}
}
