package dl_test

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// TestBackwardTwice: calling Backward again adds the same gradient once more (leaves
// accumulate until ZeroGrad); the root is re-seeded, never seeded from its own old gradient.
func TestBackwardTwice(t *testing.T) {
	x := dl.Ones(2).SetRequiresGrad(true)
	y := x.Mul(x).Sum()
	for _, step := range []struct {
		zero bool
		want []float32
	}{{false, []float32{2, 2}}, {false, []float32{4, 4}}, {true, []float32{2, 2}}, {false, []float32{4, 4}}} {
		if step.zero {
			x.ZeroGrad()
		}
		y.Backward()
		if got := x.Grad().Data(); !slices.Equal(got, step.want) {
			t.Fatalf("after Backward (ZeroGrad first: %v): x.Grad() = %v, want %v", step.zero, got, step.want)
		}
	}
	// A leaf as the root accumulates like any leaf.
	z := dl.Scalar(3).SetRequiresGrad(true)
	z.Backward()
	z.Backward()
	if got := z.Grad().Item(); got != 2 {
		t.Errorf("leaf root: Grad after two Backward = %v, want 2", got)
	}
}

// TestShapeOverflow: shapes whose element count overflows int or exceeds dl.MaxLen are
// rejected with a ShapeError naming the op, by constructors and by Reshape.
func TestShapeOverflow(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
		op   string
	}{
		{"Zeros 2^32×2^32", func() { dl.Zeros(1<<32, 1<<32) }, "Zeros"},
		{"Zeros 2^62×4", func() { dl.Zeros(1<<62, 4) }, "Zeros"},
		{"Full over MaxLen", func() { dl.Full(1, dl.MaxLen+1) }, "Full"},
		{"Zeros 0×2^62×2^62", func() { dl.Zeros(0, 1<<62, 1<<62) }, "Zeros"},
		{"Reshape overflow", func() { dl.Zeros(0).Reshape(1<<32, 1<<32, 0) }, "Reshape"},
		{"Reshape -1 overflow", func() { dl.Zeros(0).Reshape(1<<62, 1<<62, -1) }, "Reshape"},
	} {
		err := dl.Try(c.f)
		if !errors.Is(err, dl.ErrShape) {
			t.Errorf("%s: Try = %v, want a ShapeError", c.name, err)
			continue
		}
		if !strings.Contains(err.Error(), c.op) {
			t.Errorf("%s: error %q does not name %s", c.name, err, c.op)
		}
	}
	// Empty tensors with modest dimensions stay legal.
	if n := dl.Zeros(0, 1<<20).Len(); n != 0 {
		t.Errorf("Zeros(0, 2^20).Len() = %d", n)
	}
}

// TestTryNarrow: Try turns dl's errors into returned errors but lets runtime errors (a bug,
// not a bad argument) propagate with their stack, as gonum's mat.Maybe does; a runtime error
// in an op's worker goroutine reaches the caller's goroutine too.
func TestTryNarrow(t *testing.T) {
	if err := dl.Try(func() { dl.Ones(2).MatMul(dl.Ones(3)) }); !errors.Is(err, dl.ErrShape) {
		t.Errorf("Try(MatMul mismatch) = %v, want a ShapeError", err)
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"index out of range", func() {
			var s []float32
			_ = s[len(dl.Ones(3).Data())]
		}},
		{"nil map write", func() {
			var m map[int]int
			m[0] = 1
		}},
	} {
		r := func() (r any) {
			defer func() { r = recover() }()
			err := dl.Try(c.f)
			t.Errorf("%s: Try returned %v instead of letting the runtime error propagate", c.name, err)
			return nil
		}()
		if _, ok := r.(runtime.Error); !ok {
			t.Errorf("%s: recovered %T %v, want the runtime.Error itself", c.name, r, r)
		}
	}
}
