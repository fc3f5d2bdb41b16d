package dl_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// arange returns a tensor of the given shape holding 0, 1, 2, … in row-major order.
func arange(shape ...int) *dl.Tensor {
	t := dl.Zeros(shape...)
	for i := range t.Data() {
		t.Data()[i] = float32(i)
	}
	return t
}

func TestShapeOpsGolden(t *testing.T) {
	t.Parallel()
	x := arange(2, 3) // [[0 1 2] [3 4 5]]
	c := arange(2, 3, 4)
	parts := arange(2, 5).Split(1, 2, 3)
	for i, tc := range []struct {
		name  string
		y     *dl.Tensor
		shape []int
		want  []float32
	}{
		{"Reshape", x.Reshape(3, 2), []int{3, 2}, f32s(0, 1, 2, 3, 4, 5)},
		{"Reshape -1", x.Reshape(-1, 2), []int{3, 2}, f32s(0, 1, 2, 3, 4, 5)},
		{"Reshape flat", x.Reshape(-1), []int{6}, f32s(0, 1, 2, 3, 4, 5)},
		{"Reshape scalar", dl.New(f32s(7), 1, 1).Reshape(), []int{}, f32s(7)},
		{"Flatten(1)", c.Flatten(1), []int{2, 12}, c.Data()},
		{"Flatten(-2)", c.Flatten(-2), []int{2, 12}, c.Data()},
		{"Transpose", x.Transpose(0, 1), []int{3, 2}, f32s(0, 3, 1, 4, 2, 5)},
		{"Transpose(-1,-2)", x.Transpose(-1, -2), []int{3, 2}, f32s(0, 3, 1, 4, 2, 5)},
		{"Permute", c.Permute(2, 0, 1), []int{4, 2, 3}, f32s(0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23)},
		{"Permute id", c.Permute(0, 1, 2), []int{2, 3, 4}, c.Data()},
		{"Transpose 3-D", c.Transpose(0, 1).Slice(0, 1, 2), []int{1, 2, 4}, f32s(4, 5, 6, 7, 16, 17, 18, 19)},
		{"Concat(0)", dl.Concat(0, x, arange(1, 3)), []int{3, 3}, f32s(0, 1, 2, 3, 4, 5, 0, 1, 2)},
		{"Concat(1)", dl.Concat(1, x, arange(2, 1), x), []int{2, 7}, f32s(0, 1, 2, 0, 0, 1, 2, 3, 4, 5, 1, 3, 4, 5)},
		{"Concat(-1) 1", dl.Concat(-1, x), []int{2, 3}, x.Data()},
		{"Slice(1)", x.Slice(1, 1, 3), []int{2, 2}, f32s(1, 2, 4, 5)},
		{"Slice(0)", x.Slice(0, 1, 2), []int{1, 3}, f32s(3, 4, 5)},
		{"Slice empty", x.Slice(1, 2, 2), []int{2, 0}, f32s()},
		{"Split 0", parts[0], []int{2, 2}, f32s(0, 1, 5, 6)},
		{"Split 1", parts[1], []int{2, 3}, f32s(2, 3, 4, 7, 8, 9)},
		{"IndexSelect(0)", x.IndexSelect(0, []int{1, 0, 1}), []int{3, 3}, f32s(3, 4, 5, 0, 1, 2, 3, 4, 5)},
		{"IndexSelect(1)", x.IndexSelect(1, []int{2, 2}), []int{2, 2}, f32s(2, 2, 5, 5)},
		{"IndexSelect none", x.IndexSelect(1, nil), []int{2, 0}, f32s()},
		{"Gather(1)", x.Gather(1, []int{2, 0}), []int{2}, f32s(2, 3)},
		{"Gather(0)", x.Gather(0, []int{1, 0, 1}), []int{3}, f32s(3, 1, 5)},
		{"Gather(1) 3-D", c.Gather(1, []int{0, 1, 2, 0, 2, 2, 2, 2}), []int{2, 4}, f32s(0, 5, 10, 3, 20, 21, 22, 23)},
		{"Pad", x.Pad([][2]int{{1, 0}, {0, 2}}, -1), []int{3, 5}, f32s(-1, -1, -1, -1, -1, 0, 1, 2, -1, -1, 3, 4, 5, -1, -1)},
		{"Pad none", x.Pad([][2]int{{0, 0}, {0, 0}}, 9), []int{2, 3}, x.Data()},
		{"Pad scalar", dl.Scalar(4).Pad(nil, 0), []int{}, f32s(4)},
		{"BroadcastTo", dl.New(f32s(1, 2), 2, 1).BroadcastTo(2, 2, 3), []int{2, 2, 3}, f32s(1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2)},
	} {
		if !slices.Equal(tc.y.Shape(), tc.shape) {
			t.Errorf("case %d: %s: shape got %v, want %v", i, tc.name, tc.y.Shape(), tc.shape)
		}
		numtest.Close(t, tc.name, tc.y.Data(), tc.want, numtest.Exact, numtest.Exact)
	}
}

// TestReshapeView: Reshape shares data with its input.
func TestReshapeView(t *testing.T) {
	t.Parallel()
	x := arange(2, 3)
	y := x.Reshape(6)
	y.Set(42, 4)
	if got := x.At(1, 1); got != 42 {
		t.Errorf("x.At(1,1) after writing y: got %v, want 42", got)
	}
}

// TestPermuteLarge checks the parallel copy on a tensor big enough to be split.
func TestPermuteLarge(t *testing.T) {
	t.Parallel()
	x := arange(64, 48, 40)
	y := x.Permute(2, 0, 1)
	for _, idx := range [][3]int{{0, 0, 0}, {39, 63, 47}, {7, 13, 21}, {20, 40, 1}} {
		if got, want := y.At(idx[0], idx[1], idx[2]), x.At(idx[1], idx[2], idx[0]); got != want {
			t.Errorf("Permute at %v: got %v, want %v", idx, got, want)
		}
	}
	numtest.Close(t, "Permute round trip", y.Permute(1, 2, 0).Data(), x.Data(), numtest.Exact, numtest.Exact)
}

func TestShapeOpsGrad(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	type f = func(xs ...*dl.Tensor) *dl.Tensor
	for _, tc := range []struct {
		name string
		f    f
		xs   []*dl.Tensor
	}{
		{"Reshape", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Reshape(3, -1).Mul(x[1]) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 2), dl.RandN(rng, 4)}},
		{"Flatten", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Flatten(1).Exp() }, []*dl.Tensor{dl.RandN(rng, 2, 3, 2)}},
		{"Transpose", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Transpose(0, 2) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 4)}},
		{"Permute", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Permute(1, 2, 0).Mul(x[0].Permute(1, 2, 0)) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 4)}},
		{"Concat", func(x ...*dl.Tensor) *dl.Tensor { return dl.Concat(1, x[0], x[1], x[0]).Tanh() }, []*dl.Tensor{dl.RandN(rng, 2, 2, 3), dl.RandN(rng, 2, 1, 3)}},
		{"Slice", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Slice(1, 1, 3) }, []*dl.Tensor{dl.RandN(rng, 2, 4, 3)}},
		{"Split", func(x ...*dl.Tensor) *dl.Tensor {
			p := x[0].Split(-1, 1, 2, 1)
			return p[0].Mul(p[2]).Add(p[1].SumKeepDims(-1))
		}, []*dl.Tensor{dl.RandN(rng, 3, 4)}},
		{"IndexSelect", func(x ...*dl.Tensor) *dl.Tensor { return x[0].IndexSelect(1, []int{2, 0, 2, 2}) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 2)}},
		{"Gather", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Gather(1, []int{0, 2, 2, 1}) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 2)}},
		{"Pad", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Pad([][2]int{{0, 1}, {2, 1}, {1, 0}}, 0.5) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 2)}},
		{"BroadcastTo", func(x ...*dl.Tensor) *dl.Tensor { return x[0].BroadcastTo(2, 3, 4) }, []*dl.Tensor{dl.RandN(rng, 3, 1)}},
	} {
		t.Run(tc.name, func(t *testing.T) { numtest.GradCheck(t, tc.f, tc.xs...) })
	}
}

func TestShapeOpsErrors(t *testing.T) {
	t.Parallel()
	x := dl.Zeros(2, 3)
	for i, tc := range []struct {
		fn   func()
		want string
	}{
		{func() { x.Reshape(4, 2) }, "dl: Reshape: shape mismatch [2 3] × [4 2]"},
		{func() { x.Reshape(-1, 4) }, "dl: Reshape: shape mismatch [2 3] × [-1 4]"},
		{func() { x.Reshape(-1, -1) }, "dl: Reshape: bad new shape [2 3] × [-1 -1]"},
		{func() { x.Flatten(2) }, "dl: Flatten: axis 2 out of range [2 3]"},
		{func() { x.Transpose(0, 2) }, "dl: Transpose: axis 2 out of range [2 3]"},
		{func() { x.Permute(0, 0) }, "dl: Permute: not a permutation of the axes [2 3] × [0 0]"},
		{func() { x.Permute(0) }, "dl: Permute: not a permutation of the axes [2 3] × [0]"},
		{func() { dl.Concat(0, x, dl.Zeros(2, 4)) }, "dl: Concat: shape mismatch [2 3] × [2 4]"},
		{func() { dl.Concat(1, x, dl.Zeros(2)) }, "dl: Concat: shape mismatch [2 3] × [2]"},
		{func() { x.Slice(1, 2, 4) }, "dl: Slice: range [2, 4) out of bounds on axis 1 [2 3]"},
		{func() { x.Split(1, 1, 1) }, "dl: Split: sizes do not add up to axis 1 [2 3] × [1 1]"},
		{func() { x.IndexSelect(0, []int{2}) }, "dl: IndexSelect: index 2 out of range on axis 0 [2 3]"},
		{func() { x.Gather(1, []int{0}) }, "dl: Gather: need 2 indices along axis 1 [2 3] × [1]"},
		{func() { x.Gather(1, []int{0, -1}) }, "dl: Gather: index -1 out of range on axis 1 [2 3]"},
		{func() { x.Pad([][2]int{{1, 1}}, 0) }, "dl: Pad: need one {before, after} pair per axis [2 3] × [1]"},
		{func() { x.Pad([][2]int{{1, 1}, {0, -1}}, 0) }, "dl: Pad: negative width [0 -1] on axis 1 [2 3]"},
		{func() { x.BroadcastTo(3, 3) }, "dl: BroadcastTo: shapes do not broadcast [2 3] × [3 3]"},
		{func() { x.BroadcastTo(1, 3) }, "dl: BroadcastTo: shapes do not broadcast [2 3] × [1 3]"},
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

func BenchmarkTranspose512(b *testing.B) {
	x := dl.RandN(opsRNG(), 512, 512)
	b.ReportAllocs()
	for b.Loop() {
		x.Transpose(0, 1)
	}
}
