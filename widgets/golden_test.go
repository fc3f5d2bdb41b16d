package widgets_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/deepnb/deepnb/dl/darknet"
	"github.com/deepnb/deepnb/widgets"
)

var regen = flag.Bool("regen", false, "rewrite widgets/testdata/*_golden.png from the current rendering")

// goldenTol is the largest per-channel difference (0–255) tolerated between a rendering and its
// golden: pure-Go drawing is deterministic, but gonum/plot's anti-aliasing may move by a level
// across Go versions.
const goldenTol = 8

// goldenMaxBad is the fraction of pixels allowed to exceed goldenTol.
const goldenMaxBad = 0.002

// gabor returns n Gabor-like k×k filters with varied orientation and phase, values in ≈[-1, 1]:
// what the first layer of a trained CNN looks like.
func gabor(n, k int) []float32 {
	out := make([]float32, 0, n*k*k)
	for i := range n {
		theta := math.Pi * float64(i) / float64(n)
		phase := float64(i%3) * math.Pi / 3
		lambda := 3.0 + float64(i%4)
		for y := range k {
			for x := range k {
				fx, fy := float64(x)-float64(k-1)/2, float64(y)-float64(k-1)/2
				xr := fx*math.Cos(theta) + fy*math.Sin(theta)
				g := math.Exp(-(fx*fx+fy*fy)/(2*(float64(k)/3.5)*(float64(k)/3.5))) * math.Cos(2*math.Pi*xr/lambda+phase)
				out = append(out, float32(g))
			}
		}
	}
	return out
}

// photo returns a synthetic w×h "photo": a sky gradient, a sun and a hill.
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(90 + 100*y/h), uint8(150 + 80*y/h), 235, 255}
			if dx, dy := x-w*3/4, y-h/4; dx*dx+dy*dy < (h/8)*(h/8) {
				c = color.RGBA{250, 220, 60, 255}
			}
			if float64(y) > float64(h)*(0.65+0.12*math.Sin(float64(x)/float64(w)*5)) {
				c = color.RGBA{60, 140, 60, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// digits returns n fake 28×28 "digits": blurry strokes, values in [0, 1].
func digits(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n*28*28)
	for i := range n {
		cx, cy := 14+rng.Float64()*4-2, 14+rng.Float64()*4-2
		r := 6 + rng.Float64()*3
		for y := range 28 {
			for x := range 28 {
				d := math.Abs(math.Hypot(float64(x)-cx, (float64(y)-cy)*0.8) - r)
				out[i*784+y*28+x] = float32(math.Max(0, 1-d/2))
			}
		}
	}
	return out
}

// labeled is a box with a label for Boxes, in pixels.
type labeled struct {
	r     image.Rectangle
	label string
}

func (l labeled) Rect(image.Rectangle) image.Rectangle { return l.r }
func (l labeled) Label() string                        { return l.label }

// goldenCases renders every widget once; name is the golden file's stem.
func goldenCases() []struct {
	name   string
	render func() (image.Image, error)
} {
	rng := rand.New(rand.NewPCG(1, 1))
	return []struct {
		name   string
		render func() (image.Image, error)
	}{
		{"filters", func() (image.Image, error) {
			return widgets.ImageGrid(widgets.FromSlice(gabor(16, 8), 16, 1, 8, 8), widgets.GridOpts{
				Cols: 8, ImageOpts: widgets.ImageOpts{ColorMap: widgets.Diverging, Symmetric: true, Norm: widgets.Shared}})
		}},
		{"digits", func() (image.Image, error) {
			caps := []string{"0", "1", "2", "3", "4", "5", "6", "7"}
			return widgets.ImageGrid(widgets.FromSlice(digits(rng, 8), 8, 28, 28), widgets.GridOpts{Cols: 4, Captions: caps})
		}},
		{"image_rgb", func() (image.Image, error) {
			// channel-last RGB tensor built from the synthetic photo
			p := photo(48, 32)
			data := make([]float32, 32*48*3)
			for i := range 32 * 48 {
				for c := range 3 {
					data[i*3+c] = float32(p.Pix[i*4+c]) / 255
				}
			}
			return widgets.Image(widgets.FromSlice(data, 32, 48, 3), widgets.ImageOpts{ChannelsLast: true})
		}},
		{"boxes", func() (image.Image, error) {
			return widgets.Boxes(photo(320, 200), []labeled{
				{image.Rect(20, 0, 140, 120), "dog 87%"},
				{image.Rect(200, 20, 300, 60), "sun 51%"},
				{image.Rect(150, 140, 330, 210), "hill with a very long label 30%"},
			}, widgets.BoxOpts{})
		}},
		{"overlay", func() (image.Image, error) {
			heat := make([]float32, 7*7)
			for y := range 7 {
				for x := range 7 {
					heat[y*7+x] = float32(math.Exp(-(math.Pow(float64(x)-5, 2) + math.Pow(float64(y)-1.5, 2)) / 2))
				}
			}
			return widgets.Overlay(photo(224, 160), widgets.FromSlice(heat, 7, 7), widgets.OverlayOpts{})
		}},
		{"side_by_side", func() (image.Image, error) {
			a, b := photo(64, 48), photo(96, 72)
			c, _ := widgets.Overlay(photo(64, 48), widgets.FromSlice([]float32{0, 1, 1, 0}, 2, 2), widgets.OverlayOpts{MinSize: 1, ColorMap: widgets.Heat, Weighted: true, Alpha: 0.8})
			return widgets.SideBySide([]image.Image{a, b, c}, []string{"content", "style", "result"})
		}},
		{"gridworld", func() (image.Image, error) {
			return gridWorldExample()
		}},
		{"line", func() (image.Image, error) {
			train, test := make([]float64, 30), make([]float64, 30)
			for i := range train {
				train[i] = 2*math.Exp(-float64(i)/8) + 0.05 + 0.03*rng.Float64()
				test[i] = 2*math.Exp(-float64(i)/10) + 0.15 + 0.05*rng.Float64()
			}
			f, err := widgets.Line(widgets.PlotOpts{Title: "loss", XLabel: "epoch", YLabel: "cross-entropy", LogY: true},
				widgets.Series{Name: "train", Y: train}, widgets.Series{Name: "test", Y: test})
			if err != nil {
				return nil, err
			}
			return f.Image()
		}},
		{"scatter", func() (image.Image, error) {
			var s [2]widgets.Series
			for c := range s {
				s[c].Name = fmt.Sprintf("class %d", c)
				for range 40 {
					s[c].X = append(s[c].X, rng.NormFloat64()+2*float64(c))
					s[c].Y = append(s[c].Y, rng.NormFloat64()-float64(c))
				}
			}
			f, err := widgets.Scatter(widgets.PlotOpts{Title: "two blobs", Width: 400, Height: 300}, s[:]...)
			if err != nil {
				return nil, err
			}
			return f.Image()
		}},
		{"histogram", func() (image.Image, error) {
			v := make([]float64, 1000)
			for i := range v {
				v[i] = rng.NormFloat64() * 0.1
			}
			f, err := widgets.Histogram(widgets.PlotOpts{Title: "weights", XLabel: "value"}, v, 30)
			if err != nil {
				return nil, err
			}
			return f.Image()
		}},
		{"bar", func() (image.Image, error) {
			f, err := widgets.Bar(widgets.PlotOpts{Title: "accuracy per class", YLabel: "accuracy"},
				[]string{"cat", "dog", "ship", "truck"}, []float64{0.81, 0.74, 0.93, 0.9})
			if err != nil {
				return nil, err
			}
			return f.Image()
		}},
		{"heatmap", func() (image.Image, error) {
			att := make([]float32, 6*8)
			for i := range 6 {
				for j := range 8 {
					att[i*8+j] = float32(math.Exp(-math.Abs(float64(i) - float64(j)*0.7)))
				}
			}
			f, err := widgets.HeatMap(widgets.PlotOpts{Title: "attention", XLabel: "key", YLabel: "query"}, widgets.FromSlice(att, 6, 8), nil)
			if err != nil {
				return nil, err
			}
			return f.Image()
		}},
		{"subplots", func() (image.Image, error) {
			var figs []*widgets.Figure
			for k := 1; k <= 4; k++ {
				y := make([]float64, 50)
				for i := range y {
					y[i] = math.Sin(float64(i*k) / 8)
				}
				f, err := widgets.Line(widgets.PlotOpts{Title: fmt.Sprintf("sin(%dx)", k)}, widgets.Series{Y: y})
				if err != nil {
					return nil, err
				}
				figs = append(figs, f)
			}
			g, err := widgets.Subplots(2, figs...)
			if err != nil {
				return nil, err
			}
			return g.Image()
		}},
	}
}

// gridWorldExample is the 3×4 grid world of Russell & Norvig with values after convergence.
func gridWorldExample() (*image.RGBA, error) {
	v := []float64{
		0.81, 0.87, 0.92, 1,
		0.76, math.NaN(), 0.66, -1,
		0.71, 0.66, 0.61, 0.39,
	}
	U, L, R := widgets.Up, widgets.Left, widgets.Right
	pol := []widgets.Action{
		R, R, R, 0,
		U, 0, U, 0,
		U, L, L | U, L,
	}
	return widgets.GridWorld(v, 3, 4, widgets.GridWorldOpts{
		Policy: pol, Terminal: []widgets.Cell{{0, 3}, {1, 3}}, Walls: []widgets.Cell{{1, 1}}, ColorMap: nil,
	})
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			img, err := tc.render()
			if err != nil {
				t.Fatalf("%s: render: %v", tc.name, err)
			}
			checkNotBlank(t, tc.name, img)
			path := filepath.Join("testdata", tc.name+"_golden.png")
			if *regen {
				var buf bytes.Buffer
				if err := png.Encode(&buf, img); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%s: %v (run go test ./widgets -run TestGolden -regen to create it)", tc.name, err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatalf("%s: decoding %s: %v", tc.name, path, err)
			}
			if err := compareImages(img, want, goldenTol, goldenMaxBad); err != nil {
				_ = os.WriteFile(filepath.Join("testdata", tc.name+"_got.png"), mustPNG(img), 0o644)
				t.Errorf("%s: differs from %s: %v (wrote testdata/%s_got.png)", tc.name, path, err, tc.name)
			}
		})
	}
}

func mustPNG(img image.Image) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// compareImages reports whether got and want have the same size and at most maxBad of their
// pixels differ by more than tol in some channel.
func compareImages(got, want image.Image, tol int, maxBad float64) error {
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Size() != wb.Size() {
		return fmt.Errorf("size %v, want %v", gb.Size(), wb.Size())
	}
	bad := 0
	for y := 0; y < gb.Dy(); y++ {
		for x := 0; x < gb.Dx(); x++ {
			r1, g1, b1, a1 := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			r2, g2, b2, a2 := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			for _, d := range [4][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if diff := int(d[0]>>8) - int(d[1]>>8); diff > tol || diff < -tol {
					bad++
					break
				}
			}
		}
	}
	if n := gb.Dx() * gb.Dy(); float64(bad) > maxBad*float64(n) {
		return fmt.Errorf("%d of %d pixels differ by more than %d", bad, n, tol)
	}
	return nil
}

// checkNotBlank fails unless img is non-empty and has at least two clearly different colours
// covering a fair share of pixels.
func checkNotBlank(t *testing.T, name string, img image.Image) {
	t.Helper()
	b := img.Bounds()
	if b.Dx() < 16 || b.Dy() < 16 {
		t.Fatalf("%s: image is only %v", name, b.Size())
	}
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if absDiff(r, r0)+absDiff(g, g0)+absDiff(bb, b0) > 3*0x1000 {
				differ++
			}
		}
	}
	if frac := float64(differ) / float64(b.Dx()*b.Dy()); frac < 0.01 {
		t.Errorf("%s: looks blank: only %.4f of pixels differ from the corner colour", name, frac)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// Detections of dl/darknet are drawn by Boxes as they are.
var _ widgets.Labeled = darknet.Detection{}
