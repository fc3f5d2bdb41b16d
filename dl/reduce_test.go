package dl_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

func TestReduceGolden(t *testing.T) {
	t.Parallel()
	// x[i][j][k] = 100i + 10j + k over shape [2 3 2].
	x := dl.Zeros(2, 3, 2)
	for i := range 2 {
		for j := range 3 {
			for k := range 2 {
				x.Set(float32(100*i+10*j+k), i, j, k)
			}
		}
	}
	for i, tc := range []struct {
		name  string
		y     *dl.Tensor
		shape []int
		want  []float32
	}{
		{"Sum()", x.Sum(), []int{}, f32s(726)},
		{"Sum(0)", x.Sum(0), []int{3, 2}, f32s(100, 102, 120, 122, 140, 142)},
		{"Sum(1)", x.Sum(1), []int{2, 2}, f32s(30, 33, 330, 333)},
		{"Sum(-1)", x.Sum(-1), []int{2, 3}, f32s(1, 21, 41, 201, 221, 241)},
		{"Sum(0,2)", x.Sum(2, 0), []int{3}, f32s(202, 242, 282)},
		{"SumKeepDims(1)", x.SumKeepDims(1), []int{2, 1, 2}, f32s(30, 33, 330, 333)},
		{"SumKeepDims()", x.SumKeepDims(), []int{1, 1, 1}, f32s(726)},
		{"Mean(1)", x.Mean(1), []int{2, 2}, f32s(10, 11, 110, 111)},
		{"Mean()", x.Mean(), []int{}, f32s(60.5)},
		{"MeanKeepDims(0)", x.MeanKeepDims(0), []int{1, 3, 2}, f32s(50, 51, 60, 61, 70, 71)},
		{"Max(1)", x.Max(1), []int{2, 2}, f32s(20, 21, 120, 121)},
		{"Max(0)", x.Max(0), []int{3, 2}, f32s(100, 101, 110, 111, 120, 121)},
		{"Max(-1)", x.Max(-1), []int{2, 3}, f32s(1, 11, 21, 101, 111, 121)},
		{"Sum scalar", dl.Scalar(3).Sum(), []int{}, f32s(3)},
		{"Sum empty", dl.Zeros(0, 2).Sum(0), []int{2}, f32s(0, 0)},
	} {
		if !slices.Equal(tc.y.Shape(), tc.shape) {
			t.Errorf("case %d: %s: shape got %v, want %v", i, tc.name, tc.y.Shape(), tc.shape)
		}
		numtest.Close(t, tc.name, tc.y.Data(), tc.want, numtest.Exact, numtest.Exact)
	}
	if got, want := x.ArgMax(1), []int{2, 2, 2, 2}; !slices.Equal(got, want) {
		t.Errorf("ArgMax(1): got %v, want %v", got, want)
	}
	logits := dl.New(f32s(0.1, 3, 3, -1, 7, 2, 5, 5, float32(math.NaN())), 3, 3)
	if got, want := logits.ArgMax(1), []int{1, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("ArgMax ties: got %v, want %v", got, want)
	}
	if got, want := logits.ArgMax(0), []int{2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("ArgMax(0): got %v, want %v", got, want)
	}
}

// TestSumLarge sums a million ones and checks par.For's parts cover everything exactly.
func TestSumLarge(t *testing.T) {
	t.Parallel()
	x := dl.Ones(1000, 1000)
	if got := x.Sum().Item(); got != 1e6 {
		t.Errorf("Sum: got %v, want 1e6", got)
	}
	numtest.Close(t, "Sum(0)", x.Sum(0).Data(), dl.Full(1000, 1000).Data(), numtest.Exact, numtest.Exact)
	numtest.Close(t, "Mean(1)", x.Mean(1).Data(), dl.Ones(1000).Data(), numtest.Exact, numtest.Exact)
}

func TestReduceGrad(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	// Distinct values so Max has no ties.
	perm := func(shape ...int) *dl.Tensor {
		x := dl.Zeros(shape...)
		for i, j := range rng.Perm(x.Len()) {
			x.Data()[i] = float32(j)*0.25 - 2
		}
		return x
	}
	for _, tc := range []struct {
		name string
		f    func(xs ...*dl.Tensor) *dl.Tensor
		x    *dl.Tensor
	}{
		{"Sum()", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sum() }, dl.RandN(rng, 2, 3)},
		{"Sum(0)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sum(0) }, dl.RandN(rng, 2, 3, 4)},
		{"Sum(1)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sum(1) }, dl.RandN(rng, 2, 3, 4)},
		{"Sum(0,2)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sum(0, 2) }, dl.RandN(rng, 2, 3, 4)},
		{"SumKeepDims", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sub(x[0].SumKeepDims(-1)) }, dl.RandN(rng, 3, 4)},
		{"Mean(1)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Mean(1) }, dl.RandN(rng, 2, 3, 4)},
		{"MeanKeepDims", func(x ...*dl.Tensor) *dl.Tensor {
			c := x[0].Sub(x[0].MeanKeepDims(0))
			return c.Mul(c).Mean(0) // variance, x used three times
		}, dl.RandN(rng, 4, 3)},
		{"Max(0)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Max(0) }, perm(3, 4)},
		{"Max(1)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Max(1) }, perm(2, 3, 4)},
		{"Max(-1)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Max(-1).Sum() }, perm(3, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) { numtest.GradCheck(t, tc.f, tc.x) })
	}
}

func TestReduceShapeErrors(t *testing.T) {
	t.Parallel()
	x := dl.Zeros(2, 3)
	for i, tc := range []struct {
		fn   func()
		want string
	}{
		{func() { x.Sum(2) }, "dl: Sum: axis 2 out of range [2 3]"},
		{func() { x.Mean(0, -2) }, "dl: Mean: axis 0 repeated [2 3]"},
		{func() { x.Max(-3) }, "dl: Max: axis -1 out of range [2 3]"},
		{func() { dl.Zeros(2, 0).ArgMax(1) }, "dl: ArgMax: axis 1 is empty [2 0]"},
		{func() { dl.Zeros(0, 2).Mean(0) }, "dl: Mean: mean over no elements [0 2]"},
		{func() { x.Softmax(5) }, "dl: Softmax: axis 5 out of range [2 3]"},
	} {
		p, msg := numtest.Panics(tc.fn)
		if !p || msg != tc.want {
			t.Errorf("case %d: got panic %v %q, want %q", i, p, msg, tc.want)
		}
		if err := numtest.PanicsWith(tc.fn); !errors.Is(err, dl.ErrShape) {
			t.Errorf("case %d: %v does not match ErrShape", i, err)
		}
	}
}

func TestSoftmaxGolden(t *testing.T) {
	t.Parallel()
	x := dl.New(f32s(0, float32(math.Log(3)), 1, 1), 2, 2)
	numtest.Close(t, "Softmax(1)", x.Softmax(1).Data(), f32s(0.25, 0.75, 0.5, 0.5), numtest.Float32Tol, numtest.Float32Tol)
	numtest.Close(t, "LogSoftmax(1)", x.LogSoftmax(-1).Data(),
		f32s(float32(math.Log(0.25)), float32(math.Log(0.75)), float32(math.Log(0.5)), float32(math.Log(0.5))), numtest.Float32Tol, numtest.Float32Tol)
	// Along axis 0 of [2 2]: columns (0, 1) and (ln 3, 1).
	e := float32(math.E)
	numtest.Close(t, "Softmax(0)", x.Softmax(0).Data(), f32s(1/(1+e), 3/(3+e), e/(1+e), e/(3+e)), numtest.Float32Tol, numtest.Float32Tol)
}

// TestSoftmaxExtremes checks stability at {1e6, 1e-6, 0, −1e-8, −1e6}: no NaN or Inf where
// the true value is finite.
func TestSoftmaxExtremes(t *testing.T) {
	t.Parallel()
	x := dl.New(f32s(1e6, 1e-6, 0, -1e-8, -1e6), 5)
	numtest.Close(t, "Softmax", x.Softmax(0).Data(), f32s(1, 0, 0, 0, 0), numtest.Float32Tol, numtest.Float32Tol)
	numtest.Close(t, "LogSoftmax", x.LogSoftmax(0).Data(), f32s(0, -1e6, -1e6, -1e6, -2e6), numtest.Float32Tol, numtest.Float32Tol)
	small := dl.New(f32s(1e-6, 0, -1e-8), 3)
	numtest.Close(t, "Softmax small", small.Softmax(0).Data(), f32s(1.0/3, 1.0/3, 1.0/3), numtest.Float32Tol, numtest.Float32Tol)
	big := dl.New(f32s(1e6, 1e6), 2).SetRequiresGrad(true)
	y := big.LogSoftmax(0)
	numtest.Close(t, "LogSoftmax ties", y.Data(), f32s(float32(-math.Ln2), float32(-math.Ln2)), numtest.Float32Tol, numtest.Float32Tol)
	y.Slice(0, 0, 1).Sum().Backward()
	numtest.Close(t, "LogSoftmax grad", big.Grad().Data(), f32s(0.5, -0.5), numtest.Float32Tol, numtest.Float32Tol)
	for _, v := range x.SetRequiresGrad(true).Softmax(0).Data() {
		if math.IsNaN(float64(v)) {
			t.Fatalf("Softmax NaN")
		}
	}
}

func TestSoftmaxGrad(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	for _, tc := range []struct {
		name string
		f    func(xs ...*dl.Tensor) *dl.Tensor
		x    *dl.Tensor
	}{
		{"Softmax(-1)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Softmax(-1) }, dl.RandN(rng, 3, 5)},
		{"Softmax(0)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Softmax(0) }, dl.RandN(rng, 3, 5)},
		{"Softmax(1) 3-D", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Softmax(1) }, dl.RandN(rng, 2, 3, 4)},
		{"LogSoftmax(-1)", func(x ...*dl.Tensor) *dl.Tensor { return x[0].LogSoftmax(-1) }, dl.RandN(rng, 3, 5)},
		{"LogSoftmax(1) 3-D", func(x ...*dl.Tensor) *dl.Tensor { return x[0].LogSoftmax(1) }, dl.RandN(rng, 2, 3, 4)},
		{"NLL", func(x ...*dl.Tensor) *dl.Tensor { return x[0].LogSoftmax(1).Gather(1, []int{2, 0, 4}).Mean().Neg() }, dl.RandN(rng, 3, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) { numtest.GradCheck(t, tc.f, tc.x) })
	}
}

func BenchmarkSoftmax(b *testing.B) {
	x := dl.RandN(opsRNG(), 256, 1000)
	b.ReportAllocs()
	for b.Loop() {
		x.Softmax(-1)
	}
}

func BenchmarkSum0(b *testing.B) {
	x := dl.RandN(opsRNG(), 256, 1024)
	b.ReportAllocs()
	for b.Loop() {
		x.Sum(0)
	}
}
