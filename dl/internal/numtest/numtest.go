// Package numtest holds the numeric test helpers of dl and the packages on it: a gradient
// checker, approximate comparison of float32 slices, and panic capture.
//
// Tolerances are named constants, chosen per case (see the style guide):
//
//	Exact       0      small-integer algebra, copies, shape ops
//	Float64Tol  1e-12  float64 elementwise
//	Float32Tol  1e-6   float32 elementwise ops evaluated through float64 math (≈ 8 ulp)
//	SumTol      1e-5   float32 reductions and products (sums of many rounded terms)
//	GradTol     2e-3   gradient checks in float32 of small test inputs (dl.GradCheck's error
//	                   measure; dl's own ops stay below 3e-4, ten times under it)
package numtest

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"gonum.org/v1/gonum/floats/scalar"
)

// Tolerances; see the package doc.
const (
	Exact      = 0.0
	Float64Tol = 1e-12
	Float32Tol = 1e-6
	SumTol     = 1e-5
	GradTol    = 2e-3
)

// GradCheck fails t unless the gradients Backward computes for f agree with central
// differences to within GradTol (tighter than dl.GradCheckTol, which allows for students'
// larger inputs), for every element of every input (see dl.GradCheck, which it
// calls; f may return any shape). On failure it logs dl.GradCheck's report.
func GradCheck(t testing.TB, f func(xs ...*dl.Tensor) *dl.Tensor, xs ...*dl.Tensor) {
	t.Helper()
	GradCheckTol(t, GradTol, f, xs...)
}

// GradCheckTol is GradCheck with an explicit tolerance.
func GradCheckTol(t testing.TB, tol float64, f func(xs ...*dl.Tensor) *dl.Tensor, xs ...*dl.Tensor) {
	t.Helper()
	err, report := dl.GradCheck(f, xs...)
	if !(err <= tol) {
		t.Errorf("gradient check: max error %.3g > %.3g\n%s", err, tol, report)
	}
}

// AllClose reports whether a and b have the same length and every pair of elements is equal
// within atol absolutely or within rtol relatively (gonum's scalar.EqualWithinAbsOrRel).
// NaN equals NaN and ±Inf equals the same infinity, so expected non-finite results can be
// compared too.
func AllClose(a, b []float32, atol, rtol float64) bool {
	return firstMismatch(a, b, atol, rtol) < 0 && len(a) == len(b)
}

// firstMismatch returns the first index where a and b differ beyond the tolerances, len of the
// shorter slice if their lengths differ, or -1.
func firstMismatch(a, b []float32, atol, rtol float64) int {
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			if math.IsNaN(x) != math.IsNaN(y) {
				return i
			}
		case math.IsInf(x, 0) || math.IsInf(y, 0):
			if x != y {
				return i
			}
		case !scalar.EqualWithinAbsOrRel(x, y, atol, rtol):
			return i
		}
	}
	return -1
}

// Close fails t unless AllClose(got, want, atol, rtol), naming what was compared and the first
// element that differs.
func Close(t testing.TB, what string, got, want []float32, atol, rtol float64) {
	t.Helper()
	i := firstMismatch(got, want, atol, rtol)
	switch {
	case len(got) != len(want):
		t.Errorf("%s: got %d values, want %d\ngot  %v\nwant %v", what, len(got), len(want), got, want)
	case i >= 0:
		t.Errorf("%s: element %d: got %v, want %v\ngot  %v\nwant %v", what, i, got[i], want[i], trim(got), trim(want))
	}
}

func trim(v []float32) []float32 {
	if len(v) > 32 {
		return v[:32]
	}
	return v
}

// Panics calls fn and reports whether it panicked, with the panic value's message
// (its Error() for an error, else fmt's %v).
func Panics(fn func()) (panicked bool, msg string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = true
			if e, ok := r.(error); ok {
				msg = e.Error()
			} else {
				msg = fmt.Sprint(r)
			}
		}
	}()
	fn()
	return false, ""
}

// PanicsWith calls fn and returns the error it panicked with (for a value that is not an error,
// an error holding its %v), or nil if it did not panic. Use it with errors.Is(err, dl.ErrShape).
func PanicsWith(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = errors.New(fmt.Sprint(r))
			}
		}
	}()
	fn()
	return nil
}
