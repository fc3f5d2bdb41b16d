package numtest

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// square is x² as a Custom op, with a backward that is right (scale 2) or wrong (any other).
func square(scale float32) func(xs ...*dl.Tensor) *dl.Tensor {
	return func(xs ...*dl.Tensor) *dl.Tensor {
		x := xs[0]
		y := make([]float32, x.Len())
		for i, v := range x.Data() {
			y[i] = v * v
		}
		return dl.Custom("Square", y, x.Shape(), func(g []float32, gs [][]float32) {
			for i, v := range x.Data() {
				gs[0][i] += scale * v * g[i]
			}
		}, x)
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = format
}

func TestGradCheck(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		scale float32
		ok    bool
	}{{2, true}, {1.9, false}, {0, false}} {
		x := dl.New([]float32{-1.5, 0.25, 2, 3}, 2, 2)
		before := append([]float32(nil), x.Data()...)
		err, report := dl.GradCheck(square(tc.scale), x)
		if ok := err <= GradTol; ok != tc.ok {
			t.Errorf("case %d: scale %v: error %.3g, want ok=%v\n%s", i, tc.scale, err, tc.ok, report)
		}
		if !strings.HasPrefix(report, "input 0 [2 2]: max error") {
			t.Errorf("case %d: report %q", i, report)
		}
		Close(t, "inputs restored", x.Data(), before, Exact, Exact)
		r := &recorder{TB: t}
		GradCheck(r, square(tc.scale), x)
		if r.failed == tc.ok {
			t.Errorf("case %d: GradCheck failed=%v, want %v", i, r.failed, !tc.ok)
		}
	}
}

func TestAllClose(t *testing.T) {
	t.Parallel()
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	for i, tc := range []struct {
		a, b       []float32
		atol, rtol float64
		want       bool
	}{
		{[]float32{1, 2}, []float32{1, 2}, Exact, Exact, true},
		{[]float32{1, 2}, []float32{1, 2.0001}, Exact, Exact, false},
		{[]float32{1, 2}, []float32{1, 2.0001}, Exact, 1e-4, true},
		{[]float32{1e-7}, []float32{0}, 1e-6, Exact, true},
		{[]float32{1}, []float32{1, 2}, 1, 1, false},
		{[]float32{inf, nan}, []float32{inf, nan}, Exact, Exact, true},
		{[]float32{inf}, []float32{-inf}, 1, 1, false},
		{[]float32{nan}, []float32{0}, 1, 1, false},
	} {
		if got := AllClose(tc.a, tc.b, tc.atol, tc.rtol); got != tc.want {
			t.Errorf("case %d: AllClose(%v, %v): got %v, want %v", i, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	if p, msg := Panics(func() {}); p || msg != "" {
		t.Errorf("Panics(no-op) = %v, %q", p, msg)
	}
	if p, msg := Panics(func() { panic("boom") }); !p || msg != "boom" {
		t.Errorf("Panics(boom) = %v, %q", p, msg)
	}
	fn := func() { dl.New([]float32{1, 2, 3}, 2, 2) }
	if p, msg := Panics(fn); !p || msg != "dl: New: data length does not match shape [3] × [2 2]" {
		t.Errorf("Panics(New) = %v, %q", p, msg)
	}
	if err := PanicsWith(fn); !errors.Is(err, dl.ErrShape) {
		t.Errorf("PanicsWith(New) = %v, want ErrShape", err)
	}
	if err := PanicsWith(func() {}); err != nil {
		t.Errorf("PanicsWith(no-op) = %v", err)
	}
}
