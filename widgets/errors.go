package widgets

import (
	"errors"
	"fmt"
	"math"
)

// ErrNaN is returned (wrapped, so test with errors.Is) when data given to a widget holds a NaN
// or an infinity, which have no place on an axis or a colour scale.
// It plays the role of gonum/plot's plotter.ErrNaN.
var ErrNaN = errors.New("widgets: NaN or Inf in data")

// ErrEmpty is returned (wrapped) when a widget is given no data to draw: an empty series or
// tensor, no images, no figures. It plays the role of gonum/plot's plotter.ErrNoData.
var ErrEmpty = errors.New("widgets: empty data")

// ErrShape is returned (wrapped) when a tensor's shape cannot be drawn by the widget asked,
// for example a 4-D tensor given to Image or a 2-channel image.
var ErrShape = errors.New("widgets: unsupported shape")

// nanError returns an error wrapping ErrNaN that names the widget and the offending value.
func nanError(widget string, i int, v float64) error {
	return fmt.Errorf("%w: %s: value %d is %v", ErrNaN, widget, i, v)
}

// emptyError returns an error wrapping ErrEmpty for empty data given to widget.
func emptyError(widget string) error {
	return fmt.Errorf("%w: %s: no values", ErrEmpty, widget)
}

// shapeError returns an error wrapping ErrShape.
func shapeError(widget string, shape []int, want string) error {
	return fmt.Errorf("%w: %s: got shape %v, want %s", ErrShape, widget, shape, want)
}

// checkFinite64 returns an error wrapping ErrEmpty if xs is empty and ErrNaN if it holds NaN or ±Inf.
func checkFinite64(widget string, xs []float64) error {
	if len(xs) == 0 {
		return emptyError(widget)
	}
	for i, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nanError(widget, i, v)
		}
	}
	return nil
}

// Range returns the smallest and largest value of data. It returns an error wrapping ErrEmpty
// if data is empty and ErrNaN if it holds a NaN or an infinity.
func Range(data []float32) (lo, hi float64, err error) { return dataRange("Range", data) }

// tensorData returns t's data, or an error wrapping ErrShape naming widget if the data does
// not hold exactly the elements t's shape says (a custom Tensor can get this wrong).
func tensorData(widget string, t Tensor) ([]float32, error) {
	shape, data := t.Shape(), t.Data()
	n := 1
	for _, d := range shape {
		if d < 0 || d > 0 && n > math.MaxInt/d {
			return nil, shapeError(widget, shape, "non-negative dimensions")
		}
		n *= d
	}
	if len(data) != n {
		return nil, fmt.Errorf("%w: %s: %d values for shape %v, want %d", ErrShape, widget, len(data), shape, n)
	}
	return data, nil
}

// dataRange is Range with errors naming widget.
func dataRange(widget string, data []float32) (lo, hi float64, err error) {
	if len(data) == 0 {
		return 0, 0, emptyError(widget)
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, v := range data {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, 0, nanError(widget, i, f)
		}
		lo = min(lo, f)
		hi = max(hi, f)
	}
	return lo, hi, nil
}
