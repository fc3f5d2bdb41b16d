package dl_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// naiveMatMul is the slow oracle: a triple loop in float64 over one pair of matrices.
func naiveMatMul(a, b []float32, m, k, n int) []float32 {
	c := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				s += float64(a[i*k+p]) * float64(b[p*n+j])
			}
			c[i*n+j] = float32(s)
		}
	}
	return c
}

func TestMatMulGolden(t *testing.T) {
	t.Parallel()
	a := dl.New(f32s(1, 2, 3, 4, 5, 6), 2, 3)
	b := dl.New(f32s(7, 8, 9, 10, 11, 12), 3, 2)
	y := a.MatMul(b)
	if !slices.Equal(y.Shape(), []int{2, 2}) {
		t.Fatalf("shape %v", y.Shape())
	}
	numtest.Close(t, "MatMul", y.Data(), f32s(58, 64, 139, 154), numtest.Exact, numtest.Exact)
}

// TestMatMulNaive checks MatMul against the triple loop for 2-D shapes {1×1, 1×3, 3×1, 6×11}
// (and some larger ones that take the blocked paths), with their gradients.
func TestMatMulNaive(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	for i, s := range [][3]int{{1, 1, 1}, {1, 3, 1}, {1, 1, 3}, {3, 1, 1}, {1, 3, 3}, {3, 3, 1}, {6, 11, 6}, {6, 6, 11}, {11, 6, 6}, {37, 65, 19}, {70, 3, 130}} {
		m, k, n := s[0], s[1], s[2]
		a, b := dl.RandN(rng, m, k), dl.RandN(rng, k, n)
		numtest.Close(t, fmt.Sprintf("case %d: MatMul %v", i, s), a.MatMul(b).Data(), naiveMatMul(a.Data(), b.Data(), m, k, n), numtest.SumTol, numtest.SumTol)
		// The gradients of L = Σ G⊙(AB) are G·Bᵀ and Aᵀ·G.
		a.SetRequiresGrad(true)
		b.SetRequiresGrad(true)
		g := dl.RandN(rng, m, n)
		a.MatMul(b).BackwardWith(g)
		bt, at := b.Detach().Transpose(0, 1), a.Detach().Transpose(0, 1)
		numtest.Close(t, fmt.Sprintf("case %d: dA %v", i, s), a.Grad().Data(), naiveMatMul(g.Data(), bt.Data(), m, n, k), numtest.SumTol, numtest.SumTol)
		numtest.Close(t, fmt.Sprintf("case %d: dB %v", i, s), b.Grad().Data(), naiveMatMul(at.Data(), g.Data(), k, m, n), numtest.SumTol, numtest.SumTol)
	}
}

func TestMatMulBatched(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	for i, tc := range []struct {
		a, b, want []int
	}{
		{[]int{4, 2, 3}, []int{4, 3, 5}, []int{4, 2, 5}},
		{[]int{4, 2, 3}, []int{3, 5}, []int{4, 2, 5}},
		{[]int{2, 3}, []int{4, 3, 5}, []int{4, 2, 5}},
		{[]int{2, 1, 2, 3}, []int{3, 3, 5}, []int{2, 3, 2, 5}},
		{[]int{1, 2, 3}, []int{3, 5}, []int{1, 2, 5}},
		{[]int{3, 2, 3}, []int{1, 3, 5}, []int{3, 2, 5}},
	} {
		a, b := dl.RandN(rng, tc.a...), dl.RandN(rng, tc.b...)
		y := a.MatMul(b)
		if !slices.Equal(y.Shape(), tc.want) {
			t.Errorf("case %d: shape got %v, want %v", i, y.Shape(), tc.want)
			continue
		}
		// Oracle: broadcast both to the full batch and multiply matrix by matrix.
		batch := tc.want[:len(tc.want)-2]
		m, k, n := tc.a[len(tc.a)-2], tc.a[len(tc.a)-1], tc.b[len(tc.b)-1]
		ab := a.BroadcastTo(append(slices.Clone(batch), m, k)...).Data()
		bb := b.BroadcastTo(append(slices.Clone(batch), k, n)...).Data()
		var want []float32
		for p := 0; p < len(y.Data())/(m*n); p++ {
			want = append(want, naiveMatMul(ab[p*m*k:], bb[p*k*n:], m, k, n)...)
		}
		numtest.Close(t, fmt.Sprintf("case %d: MatMul %v×%v", i, tc.a, tc.b), y.Data(), want, numtest.SumTol, numtest.SumTol)
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return xs[0].MatMul(xs[1]) }, a, b)
	}
}

func TestMatMulGrad(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	x, w, bias := dl.RandN(rng, 4, 3), dl.RandN(rng, 3, 5), dl.RandN(rng, 5)
	// A linear layer, and x used twice (fan-out): x·xᵀ.
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return xs[0].MatMul(xs[1]).Add(xs[2]).Tanh() }, x, w, bias)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return xs[0].MatMul(xs[0].Transpose(0, 1)) }, x)
}

func TestMatMulShapeErrors(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		a, b []int
		want string
	}{
		{[]int{2, 3}, []int{2, 3}, "dl: MatMul: shape mismatch [2 3] × [2 3]"},
		{[]int{4}, []int{3, 2}, "dl: MatMul: shape mismatch [4] × [3 2]"},
		{[]int{2, 3}, []int{2}, "dl: MatMul: shape mismatch [2 3] × [2]"},
		{[]int{3}, []int{2}, "dl: MatMul: shape mismatch [3] × [2]"},
		{[]int{}, []int{3, 2}, "dl: MatMul: shape mismatch [] × [3 2]"},
		{[]int{2, 2, 3}, []int{3, 3, 2}, "dl: MatMul: batch dimensions do not broadcast [2 2 3] × [3 3 2]"},
	} {
		a, b := dl.Zeros(tc.a...), dl.Zeros(tc.b...)
		fn := func() { a.MatMul(b) }
		p, msg := numtest.Panics(fn)
		if !p || msg != tc.want {
			t.Errorf("case %d: got panic %v %q, want %q", i, p, msg, tc.want)
		}
		if err := numtest.PanicsWith(fn); !errors.Is(err, dl.ErrShape) {
			t.Errorf("case %d: %v does not match ErrShape", i, err)
		}
	}
}

func TestMatMulVector(t *testing.T) {
	t.Parallel()
	m := dl.New(f32s(1, 2, 3, 4, 5, 6), 2, 3)
	v3, v2 := dl.New(f32s(1, 0, -1), 3), dl.New(f32s(2, -1), 2)
	for i, tc := range []struct {
		y     *dl.Tensor
		shape []int
		want  []float32
	}{
		{m.MatMul(v3), []int{2}, f32s(-2, -2)},
		{v2.MatMul(m), []int{3}, f32s(-2, -1, 0)},
		{v3.MatMul(v3), []int{}, f32s(2)},
		{dl.Concat(0, m, m).Reshape(2, 2, 3).MatMul(v3), []int{2, 2}, f32s(-2, -2, -2, -2)},
		{v2.MatMul(dl.Concat(0, m, m).Reshape(2, 2, 3)), []int{2, 3}, f32s(-2, -1, 0, -2, -1, 0)},
	} {
		if !slices.Equal(tc.y.Shape(), tc.shape) {
			t.Errorf("case %d: shape got %v, want %v", i, tc.y.Shape(), tc.shape)
		}
		numtest.Close(t, fmt.Sprintf("case %d", i), tc.y.Data(), tc.want, numtest.Exact, numtest.Exact)
	}
	rng := opsRNG()
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return xs[1].MatMul(xs[0].MatMul(xs[1])) }, dl.RandN(rng, 3, 3), dl.RandN(rng, 3))
}

// TestMatMulEmpty: a zero inner dimension gives zeros, a zero outer one an empty result.
func TestMatMulEmpty(t *testing.T) {
	t.Parallel()
	y := dl.Zeros(2, 0).MatMul(dl.Zeros(0, 3))
	numtest.Close(t, "k=0", y.Data(), make([]float32, 6), numtest.Exact, numtest.Exact)
	if y := dl.Zeros(0, 4).MatMul(dl.Zeros(4, 3)); !slices.Equal(y.Shape(), []int{0, 3}) {
		t.Errorf("m=0: shape %v", y.Shape())
	}
}

func BenchmarkMatMul16(b *testing.B)  { benchMatMul(b, 16) }
func BenchmarkMatMul128(b *testing.B) { benchMatMul(b, 128) }
func BenchmarkMatMul512(b *testing.B) { benchMatMul(b, 512) }

func benchMatMul(b *testing.B, n int) {
	rng := opsRNG()
	x, w := dl.RandN(rng, n, n).SetRequiresGrad(true), dl.RandN(rng, n, n).SetRequiresGrad(true)
	g := dl.RandN(rng, n, n)
	b.ReportAllocs()
	for b.Loop() {
		x.MatMul(w).BackwardWith(g)
	}
}
