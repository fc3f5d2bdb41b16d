package widgets_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/deepnb/deepnb/widgets"
)

func TestColorMapAt(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		m    *widgets.ColorMap
		t    float64
		want color.RGBA
	}{
		{widgets.Gray, 0, color.RGBA{0, 0, 0, 255}},
		{widgets.Gray, 1, color.RGBA{255, 255, 255, 255}},
		{widgets.Gray, 0.5, color.RGBA{128, 128, 128, 255}},
		{widgets.Gray, -3, color.RGBA{0, 0, 0, 255}},         // clamped
		{widgets.Gray, 7, color.RGBA{255, 255, 255, 255}},    // clamped
		{widgets.Gray, math.NaN(), color.RGBA{0, 0, 0, 255}}, // NaN → first stop
		{widgets.Viridis, 0, color.RGBA{0x44, 0x01, 0x54, 255}},
		{widgets.Viridis, 1, color.RGBA{0xfd, 0xe7, 0x25, 255}},
		{widgets.Diverging, 0, color.RGBA{0x21, 0x66, 0xac, 255}},   // negative: blue
		{widgets.Diverging, 0.5, color.RGBA{0xf7, 0xf7, 0xf7, 255}}, // zero: white
		{widgets.Diverging, 1, color.RGBA{0xb2, 0x18, 0x2b, 255}},   // positive: red
		{nil, 1, color.RGBA{255, 255, 255, 255}},                    // nil is Gray
	} {
		if got := tc.m.At(tc.t); got != tc.want {
			name := "nil"
			if tc.m != nil {
				name = tc.m.Name
			}
			t.Errorf("case %d: %s.At(%v): got %v, want %v", i, name, tc.t, got, tc.want)
		}
	}
}

func TestColorMapsMonotoneLuminance(t *testing.T) {
	t.Parallel()
	// Gray, Viridis and Heat must get brighter from 0 to 1, so that order reads as order.
	lum := func(c color.RGBA) float64 { return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B) }
	for i, m := range []*widgets.ColorMap{widgets.Gray, widgets.Viridis, widgets.Heat} {
		prev := -1.0
		for k := 0; k <= 100; k++ {
			l := lum(m.At(float64(k) / 100))
			if l < prev-1 {
				t.Errorf("case %d: %s: luminance drops at t=%.2f (%.1f after %.1f)", i, m.Name, float64(k)/100, l, prev)
				break
			}
			prev = l
		}
	}
}

func TestScale(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct{ v, lo, hi, want float64 }{
		{5, 0, 10, 0.5},
		{-5, 0, 10, 0},
		{15, 0, 10, 1},
		{0, -1, 1, 0.5},
		{3, 3, 3, 0.5}, // constant data: middle of the map
	} {
		if got := widgets.Scale(tc.v, tc.lo, tc.hi); got != tc.want {
			t.Errorf("case %d: Scale(%v, %v, %v): got %v, want %v", i, tc.v, tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestRange(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		data   []float32
		lo, hi float64
		want   error // nil, ErrNaN or ErrEmpty
	}{
		{[]float32{3, -1, 2}, -1, 3, nil},
		{[]float32{7}, 7, 7, nil},
		{nil, 0, 0, widgets.ErrEmpty},
		{[]float32{1, float32(math.NaN())}, 0, 0, widgets.ErrNaN},
		{[]float32{float32(math.Inf(-1)), 1}, 0, 0, widgets.ErrNaN},
	} {
		lo, hi, err := widgets.Range(tc.data)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) || errors.Is(err, widgets.ErrNaN) && errors.Is(err, widgets.ErrEmpty) {
			t.Errorf("case %d: Range(%v): error %v, want %v", i, tc.data, err, tc.want)
		}
		if tc.want == nil && (lo != tc.lo || hi != tc.hi) {
			t.Errorf("case %d: Range(%v): got [%v, %v], want [%v, %v]", i, tc.data, lo, hi, tc.lo, tc.hi)
		}
	}
}

// gray returns the red channel of img at (x, y).
func gray(img *image.RGBA, x, y int) uint8 { return img.RGBAAt(x, y).R }

func TestImageNormalisation(t *testing.T) {
	t.Parallel()
	data := []float32{-2, 0, 1, 2} // a 2×2 image
	for i, tc := range []struct {
		opts widgets.ImageOpts
		want [4]uint8 // gray level of the four pixels
	}{
		{widgets.ImageOpts{Scale: 1}, [4]uint8{0, 128, 191, 255}},                                        // min…max
		{widgets.ImageOpts{Scale: 1, Norm: widgets.PerImage}, [4]uint8{0, 128, 191, 255}},                // same
		{widgets.ImageOpts{Scale: 1, Symmetric: true}, [4]uint8{0, 128, 191, 255}},                       // [-2, 2]
		{widgets.ImageOpts{Scale: 1, Norm: widgets.Fixed, Min: 0, Max: 1}, [4]uint8{0, 0, 255, 255}},     // clamped
		{widgets.ImageOpts{Scale: 1, Norm: widgets.Fixed, Min: -4, Max: 4}, [4]uint8{64, 128, 159, 191}}, // fixed range
	} {
		img, err := widgets.Image(widgets.FromSlice(data, 2, 2), tc.opts)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got := [4]uint8{gray(img, 0, 0), gray(img, 1, 0), gray(img, 0, 1), gray(img, 1, 1)}
		if got != tc.want {
			t.Errorf("case %d: Image(%v, %+v): gray levels %v, want %v", i, data, tc.opts, got, tc.want)
		}
	}
	// Symmetric puts 0 in the middle even when the data is lopsided.
	img, _ := widgets.Image(widgets.FromSlice([]float32{0, 1, 2, 4}, 2, 2), widgets.ImageOpts{Scale: 1, Symmetric: true})
	if g := gray(img, 0, 0); g != 128 {
		t.Errorf("Symmetric: 0 maps to %d, want 128", g)
	}
}

func TestImageLayouts(t *testing.T) {
	t.Parallel()
	// The same 2×3 RGB image, channel-first and channel-last.
	first := []float32{
		1, 0, 0, 0, 0, 1, // R
		0, 1, 0, 0, 0, 1, // G
		0, 0, 1, 0, 0, 1, // B
	}
	last := make([]float32, 18)
	for c := range 3 {
		for p := range 6 {
			last[p*3+c] = first[c*6+p]
		}
	}
	a, err := widgets.Image(widgets.FromSlice(first, 3, 2, 3), widgets.ImageOpts{Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := widgets.Image(widgets.FromSlice(last, 2, 3, 3), widgets.ImageOpts{Scale: 1, ChannelsLast: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, color.RGBA{255, 0, 0, 255}},
		{1, 0, color.RGBA{0, 255, 0, 255}},
		{2, 0, color.RGBA{0, 0, 255, 255}},
		{0, 1, color.RGBA{0, 0, 0, 255}},
		{2, 1, color.RGBA{255, 255, 255, 255}},
	} {
		if got := a.RGBAAt(tc.x, tc.y); got != tc.want {
			t.Errorf("case %d: channel-first (%d,%d): got %v, want %v", i, tc.x, tc.y, got, tc.want)
		}
		if got := b.RGBAAt(tc.x, tc.y); got != tc.want {
			t.Errorf("case %d: channel-last (%d,%d): got %v, want %v", i, tc.x, tc.y, got, tc.want)
		}
	}
}

func TestImageSizes(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		shape []int
		opts  widgets.ImageOpts
		w, h  int
	}{
		{[]int{8, 8}, widgets.ImageOpts{}, 128, 128},              // tiny filter enlarged ×16
		{[]int{28, 28}, widgets.ImageOpts{}, 112, 112},            // digit ×4
		{[]int{1, 5, 10}, widgets.ImageOpts{}, 120, 60},           // ×12
		{[]int{8, 8}, widgets.ImageOpts{Scale: 3}, 24, 24},        // explicit scale
		{[]int{8, 8}, widgets.ImageOpts{MinSize: 40}, 40, 40},     // ×5
		{[]int{600, 300}, widgets.ImageOpts{}, 256, 512},          // capped at 512
		{[]int{100, 100}, widgets.ImageOpts{MaxSize: 50}, 50, 50}, // capped
		{[]int{8, 8}, widgets.ImageOpts{Scale: 100}, 512, 512},    // scale lowered to fit 512
		{[]int{3, 4, 4}, widgets.ImageOpts{Scale: 2}, 8, 8},       // RGB
		{[]int{4, 4, 3}, widgets.ImageOpts{ChannelsLast: true}, 128, 128},
	} {
		n := 1
		for _, d := range tc.shape {
			n *= d
		}
		data := make([]float32, n)
		for j := range data {
			data[j] = float32(j % 7)
		}
		img, err := widgets.Image(widgets.FromSlice(data, tc.shape...), tc.opts)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("case %d: shape %v %+v: got %v, want %dx%d", i, tc.shape, tc.opts, b.Size(), tc.w, tc.h)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	nan := float32(math.NaN())
	t4 := widgets.FromSlice(make([]float32, 16), 1, 1, 4, 4)
	photo := image.NewRGBA(image.Rect(0, 0, 10, 10))
	for i, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"Image NaN", second(widgets.Image(widgets.FromSlice([]float32{1, nan, 0, 0}, 2, 2), widgets.ImageOpts{})), widgets.ErrNaN},
		{"Image 4-D", second(widgets.Image(t4, widgets.ImageOpts{})), widgets.ErrShape},
		{"Image 2 channels", second(widgets.Image(widgets.FromSlice(make([]float32, 8), 2, 2, 2), widgets.ImageOpts{})), widgets.ErrShape},
		{"Image empty", second(widgets.Image(widgets.FromSlice(nil, 0, 3), widgets.ImageOpts{})), widgets.ErrShape},
		{"ImageGrid 2-D", second(widgets.ImageGrid(widgets.FromSlice(make([]float32, 4), 2, 2), widgets.GridOpts{})), widgets.ErrShape},
		{"ImageGrid captions", second(widgets.ImageGrid(t4, widgets.GridOpts{Captions: []string{"a", "b"}})), widgets.ErrShape},
		{"ImageGrid empty", second(widgets.ImageGrid(widgets.FromSlice(nil, 0, 4, 4), widgets.GridOpts{})), widgets.ErrEmpty},
		{"ImageGrid Inf", second(widgets.ImageGrid(widgets.FromSlice([]float32{1, float32(math.Inf(1)), 0, 0}, 1, 2, 2), widgets.GridOpts{})), widgets.ErrNaN},
		{"Mosaic empty", second(widgets.Mosaic(nil, widgets.GridOpts{})), widgets.ErrEmpty},
		{"SideBySide empty", second(widgets.SideBySide(nil, nil)), widgets.ErrEmpty},
		{"Overlay NaN", second(widgets.Overlay(photo, widgets.FromSlice([]float32{nan}, 1, 1), widgets.OverlayOpts{})), widgets.ErrNaN},
		{"Overlay 3 channels", second(widgets.Overlay(photo, widgets.FromSlice(make([]float32, 12), 3, 2, 2), widgets.OverlayOpts{})), widgets.ErrShape},
		{"Overlay empty photo", second(widgets.Overlay(image.NewRGBA(image.Rect(0, 0, 0, 0)), widgets.FromSlice([]float32{1}, 1, 1), widgets.OverlayOpts{})), widgets.ErrEmpty},
		{"GridWorld NaN", second(widgets.GridWorld([]float64{0, math.NaN()}, 1, 2, widgets.GridWorldOpts{})), widgets.ErrNaN},
		{"GridWorld length", second(widgets.GridWorld([]float64{0, 1, 2}, 1, 2, widgets.GridWorldOpts{})), widgets.ErrShape},
		{"GridWorld policy", second(widgets.GridWorld(nil, 1, 2, widgets.GridWorldOpts{Policy: []widgets.Action{widgets.Up}})), widgets.ErrShape},
		{"GridWorld wall outside", second(widgets.GridWorld(nil, 1, 2, widgets.GridWorldOpts{Walls: []widgets.Cell{{Row: 1, Col: 0}}})), widgets.ErrShape},
		{"Line NaN", second(widgets.Line(widgets.PlotOpts{}, widgets.Series{Y: []float64{1, math.NaN()}})), widgets.ErrNaN},
		{"Line empty series", second(widgets.Line(widgets.PlotOpts{}, widgets.Series{})), widgets.ErrEmpty},
		{"Line no series", second(widgets.Line(widgets.PlotOpts{})), widgets.ErrEmpty},
		{"Line X/Y lengths", second(widgets.Line(widgets.PlotOpts{}, widgets.Series{X: []float64{1}, Y: []float64{1, 2}})), widgets.ErrShape},
		{"Scatter Inf X", second(widgets.Scatter(widgets.PlotOpts{}, widgets.Series{X: []float64{math.Inf(1)}, Y: []float64{1}})), widgets.ErrNaN},
		{"Histogram empty", second(widgets.Histogram(widgets.PlotOpts{}, nil, 10)), widgets.ErrEmpty},
		{"Bar lengths", second(widgets.Bar(widgets.PlotOpts{}, []string{"a"}, []float64{1, 2})), widgets.ErrShape},
		{"Bar NaN", second(widgets.Bar(widgets.PlotOpts{}, []string{"a"}, []float64{math.NaN()})), widgets.ErrNaN},
		{"HeatMap 1-D", second(widgets.HeatMap(widgets.PlotOpts{}, widgets.FromSlice([]float32{1, 2}, 2), nil)), widgets.ErrShape},
		{"HeatMap NaN", second(widgets.HeatMap(widgets.PlotOpts{}, widgets.FromSlice([]float32{1, nan}, 1, 2), nil)), widgets.ErrNaN},
		{"Subplots none", second(widgets.Subplots(2)), widgets.ErrEmpty},
	} {
		if !errors.Is(tc.err, tc.want) || errors.Is(tc.err, widgets.ErrNaN) && errors.Is(tc.err, widgets.ErrEmpty) {
			t.Errorf("case %d: %s: got error %v, want %v (only)", i, tc.name, tc.err, tc.want)
		}
	}
	// A log axis needs positive values: a plain error, not a panic.
	if _, err := widgets.Line(widgets.PlotOpts{LogY: true}, widgets.Series{Y: []float64{1, 0}}); err == nil {
		t.Errorf("Line LogY with a zero: no error")
	}
}

func second[T any](_ T, err error) error { return err }

func TestFromSlicePanics(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		n     int
		shape []int
	}{{5, []int{2, 3}}, {0, []int{-1}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("case %d: FromSlice(%d values, %v) did not panic", i, tc.n, tc.shape)
				}
			}()
			widgets.FromSlice(make([]float32, tc.n), tc.shape...)
		}()
	}
}

func TestGridWorldCells(t *testing.T) {
	t.Parallel()
	img, err := gridWorldExample()
	if err != nil {
		t.Fatal(err)
	}
	const s = 64 // default cell size; cell (r, c) spans [c·s+1, c·s+s) × [r·s+1, r·s+s)
	at := func(r, c, dx, dy int) color.RGBA { return img.RGBAAt(c*s+1+dx, r*s+1+dy) }
	if got := at(1, 1, 1, 10); got != (color.RGBA{0x40, 0x40, 0x40, 255}) && got != (color.RGBA{0x70, 0x70, 0x70, 255}) {
		t.Errorf("wall cell: got %v, want dark gray", got)
	}
	// +1 terminal is red, -1 terminal blue (Diverging around 0); a double border inside each.
	if c := at(0, 3, 30, 30); c.R <= c.B {
		t.Errorf("+1 terminal: got %v, want red", c)
	}
	if c := at(1, 3, 30, 30); c.B <= c.R {
		t.Errorf("-1 terminal: got %v, want blue", c)
	}
	if c, bg := at(0, 3, 3, 30), at(0, 3, 30, 30); c == bg {
		t.Errorf("+1 terminal: no border at inset 3 (%v)", c)
	}
	// Arrow for Right in cell (0,0): pixels right of centre, in the upper part, differ from the
	// background; the Left side does not.
	bg := at(0, 0, 2, 2)
	cy := (s - 15) / 2
	if at(0, 0, s/2+10, cy) == bg {
		t.Errorf("cell (0,0) has no right arrow")
	}
	if at(0, 0, s/2-10, cy) != bg {
		t.Errorf("cell (0,0) has an unexpected left arrow")
	}
}

func TestSubplotsMixed(t *testing.T) {
	t.Parallel()
	hm, err := widgets.HeatMap(widgets.PlotOpts{Title: "w"}, widgets.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3), widgets.Diverging)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := widgets.Line(widgets.PlotOpts{Title: "l"}, widgets.Series{Y: []float64{3, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := widgets.Subplots(2, hm, ln, ln)
	if err != nil {
		t.Fatal(err)
	}
	img, err := g.Image()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Errorf("2×2 grid (3 figures): size %v, want 640×480", b.Size())
	}
	checkNotBlank(t, "subplots mixed", img)
	svg, err := g.SVG()
	if err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("SVG: err %v, %d bytes", err, len(svg))
	}
}
