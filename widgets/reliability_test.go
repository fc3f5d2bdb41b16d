package widgets_test

import (
	"errors"
	"image"
	"math"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/widgets"
)

// short is a custom Tensor whose Data is shorter than its Shape says.
type short struct{ shape []int }

func (s short) Shape() []int    { return s.shape }
func (s short) Data() []float32 { return []float32{1, 2, 3} }

// TestTensorDataShorterThanShape: a Tensor whose Data does not fill its Shape is an ErrShape
// naming the widget, not an index panic (issue 16, case 11).
func TestTensorDataShorterThanShape(t *testing.T) {
	photo := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for _, c := range []struct {
		widget string
		f      func() error
	}{
		{"Image", func() error { _, err := widgets.Image(short{[]int{4, 4}}, widgets.ImageOpts{}); return err }},
		{"Image", func() error { _, err := widgets.Image(short{[]int{3, 4, 4}}, widgets.ImageOpts{}); return err }},
		{"ImageGrid", func() error {
			_, err := widgets.ImageGrid(short{[]int{2, 1, 4, 4}}, widgets.GridOpts{})
			return err
		}},
		{"HeatMap", func() error { _, err := widgets.HeatMap(widgets.PlotOpts{}, short{[]int{4, 4}}, nil); return err }},
		{"Overlay", func() error { _, err := widgets.Overlay(photo, short{[]int{4, 4}}, widgets.OverlayOpts{}); return err }},
	} {
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = nil
					t.Errorf("%s: panicked: %v", c.widget, r)
				}
			}()
			err = c.f()
		}()
		if !errors.Is(err, widgets.ErrShape) || !strings.Contains(err.Error(), c.widget) || !strings.Contains(err.Error(), "3 values") {
			t.Errorf("%s: err = %v, want an ErrShape naming the widget and the 3 values", c.widget, err)
		}
	}
}

// TestNaNErrorNamesWidget: a NaN given to a widget is reported under the widget's name, not
// under Range, the helper that found it (issue 16, case 10).
func TestNaNErrorNamesWidget(t *testing.T) {
	nan := float32(math.NaN())
	for _, c := range []struct {
		widget string
		f      func() error
	}{
		{"HeatMap", func() error {
			_, err := widgets.HeatMap(widgets.PlotOpts{}, widgets.FromSlice([]float32{0, nan}, 1, 2), nil)
			return err
		}},
		{"Image", func() error {
			_, err := widgets.Image(widgets.FromSlice([]float32{0, nan, 1, 1}, 2, 2), widgets.ImageOpts{})
			return err
		}},
		{"ImageGrid", func() error {
			_, err := widgets.ImageGrid(widgets.FromSlice([]float32{0, nan, 1, 1}, 1, 2, 2), widgets.GridOpts{})
			return err
		}},
		{"Overlay", func() error {
			_, err := widgets.Overlay(image.NewRGBA(image.Rect(0, 0, 8, 8)), widgets.FromSlice([]float32{0, nan, 1, 1}, 2, 2), widgets.OverlayOpts{})
			return err
		}},
	} {
		err := c.f()
		if !errors.Is(err, widgets.ErrNaN) || !strings.Contains(err.Error(), c.widget+": value 1 is NaN") {
			t.Errorf("%s: err = %v, want an ErrNaN saying %q", c.widget, err, c.widget+": value 1 is NaN")
		}
	}
}
