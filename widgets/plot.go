package widgets

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a gonum/plot plot with a size in pixels, ready to show inline. The plot is embedded,
// so f.Title.Text, f.Add(…), f.Y.Scale and the rest of gonum/plot's API work on it directly.
// A figure made by Subplots holds Cells instead of a plot.
type Figure struct {
	// Plot is the plot; nil for a grid of subplots.
	*plot.Plot
	// ColorBar, if not nil, is drawn as a narrow plot right of Plot (HeatMap sets it).
	ColorBar *plot.Plot
	// Cells are the subplots of a grid, row-major; nil for a single plot.
	Cells [][]*Figure
	// Width and Height are the size in pixels (default 480×320; for Subplots, 320×240 per cell).
	Width, Height int
	// Format is how Show displays the figure: "png" (the default; shows everywhere) or "svg".
	Format string
}

// PlotOpts are the options shared by the plot constructors. The zero value gives an untitled,
// unlabelled, linear 480×320 plot.
type PlotOpts struct {
	Title, XLabel, YLabel string
	// LogX and LogY use a logarithmic axis (values on it must be positive).
	LogX, LogY bool
	// Width and Height are the figure size in pixels (default 480×320).
	Width, Height int
}

// Series is one named line or point set. X may be nil, meaning 0, 1, …, len(Y)-1.
type Series struct {
	Name string
	X, Y []float64
}

// dpi maps vg lengths (points) to pixels: a figure of W pixels is W·72/dpi points wide.
const dpi = 96

func px(n int) vg.Length { return vg.Length(n) * 72 / dpi }

// newPlot returns a plot configured by opts.
func newPlot(opts PlotOpts) *plot.Plot {
	p := plot.New()
	p.Title.Text = opts.Title
	p.X.Label.Text = opts.XLabel
	p.Y.Label.Text = opts.YLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = shortTicks{}, shortTicks{}
	if opts.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if opts.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	p.Legend.Top = true
	return p
}

// shortTicks are gonum/plot's default ticks labelled with the shortest form of their value
// ("25" rather than "25.00"), so epochs read as integers.
type shortTicks struct{}

func (shortTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

// logTicks labels a log axis at 1, 2 and 5 times powers of ten when it spans less than three
// decades (a loss curve), and at powers of ten otherwise.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if lo <= 0 || hi/lo >= 1000 {
		return plot.LogTicks{Prec: -1}.Ticks(lo, hi)
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, e)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

func newFigure(p *plot.Plot, opts PlotOpts) *Figure {
	return &Figure{Plot: p, Width: opts.Width, Height: opts.Height}
}

// xys checks s and returns it as plotter.XYs; the index is used as X when X is nil.
func (s Series) xys(widget string, opts PlotOpts) (plotter.XYs, error) {
	if s.X != nil && len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("%w: %s: series %q has %d x values and %d y values", ErrShape, widget, s.Name, len(s.X), len(s.Y))
	}
	name := widget + " series " + fmt.Sprintf("%q", s.Name)
	if err := checkFinite64(name, s.Y); err != nil {
		return nil, err
	}
	if s.X != nil {
		if err := checkFinite64(name, s.X); err != nil {
			return nil, err
		}
	}
	xy := make(plotter.XYs, len(s.Y))
	for i, y := range s.Y {
		x := float64(i)
		if s.X != nil {
			x = s.X[i]
		}
		if (opts.LogX && x <= 0) || (opts.LogY && y <= 0) {
			return nil, fmt.Errorf("widgets: %s: point %d (%g, %g) is not positive on a log axis", name, i, x, y)
		}
		xy[i] = plotter.XY{X: x, Y: y}
	}
	return xy, nil
}

// Line plots each series as a line, in a distinct colour, with a legend naming them — a loss
// curve is Line(PlotOpts{Title: "loss", LogY: true}, Series{Name: "train", Y: losses}).
// It returns an error wrapping ErrEmpty if there is no series or one is empty, ErrNaN if one holds
// NaN or Inf, and ErrShape if
// X and Y differ in length.
func Line(opts PlotOpts, series ...Series) (*Figure, error) {
	return lines("Line", opts, series, false)
}

// Scatter plots each series as points, in a distinct colour and glyph shape, with a legend.
// Its errors are those of Line.
func Scatter(opts PlotOpts, series ...Series) (*Figure, error) {
	return lines("Scatter", opts, series, true)
}

func lines(widget string, opts PlotOpts, series []Series, points bool) (*Figure, error) {
	if len(series) == 0 {
		return nil, emptyError(widget)
	}
	p := newPlot(opts)
	for i, s := range series {
		xy, err := s.xys(widget, opts)
		if err != nil {
			return nil, err
		}
		var thumb plot.Thumbnailer
		if points {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Color = plotutil.Color(i)
			sc.GlyphStyle.Shape = plotutil.Shape(i)
			sc.GlyphStyle.Radius = vg.Points(2)
			p.Add(sc)
			thumb = sc
		} else {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.LineStyle.Color = plotutil.Color(i)
			l.LineStyle.Width = vg.Points(1.5)
			p.Add(l)
			thumb = l
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumb)
		}
	}
	p.Add(plotter.NewGrid())
	if points {
		clearLegend(p, opts, series)
	}
	return newFigure(p, opts), nil
}

// clearLegend widens a scatter plot's x range on the right by the legend's width, so the legend
// (drawn in the top-right corner of the data area) sits beside the points, not on them — a
// t-SNE embedding fills its whole box. Lines keep their range: a legend over a curve's flat
// tail reads fine and the axis stays where the data ends.
func clearLegend(p *plot.Plot, opts PlotOpts, series []Series) {
	var text vg.Length
	for _, s := range series {
		if s.Name != "" {
			text = max(text, p.Legend.TextStyle.Width(s.Name)+1)
		}
	}
	if text == 0 || opts.LogX || p.X.Max <= p.X.Min {
		return
	}
	legend := p.Legend.ThumbnailWidth + p.Legend.Padding*2 + text + px(8)
	w, _ := (&Figure{Width: opts.Width}).size()
	area := px(w) - px(60) // the y axis, its label and the margins take about 60 px
	if legend >= area/2 {
		return // a legend that wide would squeeze the data: leave it where gonum puts it
	}
	span := p.X.Max - p.X.Min
	p.X.Max += span * float64(legend/(area-legend))
}

// Histogram plots the distribution of values in bins equal-width bins (bins ≤ 0 picks
// ⌈√n⌉, at most 50) — weights, activations, gradients. It returns an error wrapping ErrEmpty for
// empty values and ErrNaN for values holding NaN or Inf.
func Histogram(opts PlotOpts, values []float64, bins int) (*Figure, error) {
	if err := checkFinite64("Histogram", values); err != nil {
		return nil, err
	}
	if bins <= 0 {
		bins = min(50, int(math.Ceil(math.Sqrt(float64(len(values))))))
	}
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return nil, err
	}
	h.FillColor = plotutil.Color(0)
	h.LineStyle.Color = color.White
	p := newPlot(opts)
	p.Add(h)
	return newFigure(p, opts), nil
}

// Bar plots one bar per label — class counts, per-class accuracy. It returns an error wrapping
// ErrShape if labels and values differ in length, ErrEmpty for no values and ErrNaN for non-finite ones.
func Bar(opts PlotOpts, labels []string, values []float64) (*Figure, error) {
	if len(labels) != len(values) {
		return nil, fmt.Errorf("%w: Bar: %d labels for %d values", ErrShape, len(labels), len(values))
	}
	if err := checkFinite64("Bar", values); err != nil {
		return nil, err
	}
	w := opts.Width
	if w <= 0 {
		w = 480
	}
	b, err := plotter.NewBarChart(plotter.Values(values), px(max(4, (w-100)*6/10/len(values))))
	if err != nil {
		return nil, err
	}
	b.Color = plotutil.Color(0)
	b.LineStyle.Width = 0
	p := newPlot(opts)
	p.Add(b)
	p.NominalX(labels...)
	return newFigure(p, opts), nil
}

// HeatMap plots a 2-D tensor [rows cols] as coloured cells, row 0 at the top like a matrix, with
// a colour bar of the value scale — an attention matrix, a confusion matrix, a weight matrix.
// cm nil picks Viridis. It returns an error wrapping ErrShape for other shapes, ErrNaN for
// non-finite data and ErrEmpty for empty data.
func HeatMap(opts PlotOpts, t Tensor, cm *ColorMap) (*Figure, error) {
	shape := t.Shape()
	if len(shape) != 2 || shape[0] <= 0 || shape[1] <= 0 {
		return nil, shapeError("HeatMap", shape, "[rows cols]")
	}
	if cm == nil {
		cm = Viridis
	}
	rows, cols := shape[0], shape[1]
	data, err := tensorData("HeatMap", t)
	if err != nil {
		return nil, err
	}
	lo, hi, err := dataRange("HeatMap", data)
	if err != nil {
		return nil, err
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	// Cells are enlarged with nearest neighbour before the plot scales the image, so that
	// they stay crisp squares instead of being smoothed into each other.
	k := max(1, 128/max(rows, cols))
	img := image.NewRGBA(image.Rect(0, 0, cols*k, rows*k))
	paint(img, 0, 0, layout{c: 1, h: rows, w: cols, data: data}, k, lo, hi, cm)
	p := newPlot(opts)
	p.Add(plotter.NewImage(img, 0, 0, float64(cols), float64(rows)))
	// Row 0 is the image's top row, drawn at the top; ticks sit on cell centres.
	p.X.Tick.Marker = indexTicks(cols, func(i int) float64 { return float64(i) + 0.5 })
	p.Y.Tick.Marker = indexTicks(rows, func(i int) float64 { return float64(rows-i) - 0.5 })
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(cols), 0, float64(rows)
	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: &plotColorMap{m: cm, lo: lo, hi: hi}, Vertical: true})
	bar.HideX()
	bar.Y.Padding = 0
	f := newFigure(p, opts)
	f.ColorBar = bar
	return f, nil
}

// indexTicks labels cell indices 0…n-1 at positions pos(i), thinned to at most about 12 labels.
func indexTicks(n int, pos func(int) float64) plot.ConstantTicks {
	step := max(1, (n+11)/12)
	var ticks []plot.Tick
	for i := 0; i < n; i += step {
		ticks = append(ticks, plot.Tick{Value: pos(i), Label: fmt.Sprint(i)})
	}
	return ticks
}

// Subplots arranges figures in a grid with cols columns, row-major (cols ≤ 0 puts them all in
// one row). The result is 320×240 pixels per cell unless its Width and Height are set. It
// returns an error wrapping ErrEmpty if there are no figures.
func Subplots(cols int, figs ...*Figure) (*Figure, error) {
	if len(figs) == 0 {
		return nil, emptyError("Subplots")
	}
	if cols <= 0 || cols > len(figs) {
		cols = len(figs)
	}
	var cells [][]*Figure
	for i := 0; i < len(figs); i += cols {
		cells = append(cells, figs[i:min(i+cols, len(figs))])
	}
	return &Figure{Cells: cells, Width: 320 * cols, Height: 240 * len(cells)}, nil
}

// size returns the figure's size in pixels with defaults applied.
func (f *Figure) size() (w, h int) {
	w, h = f.Width, f.Height
	if w <= 0 {
		w = 480
	}
	if h <= 0 {
		h = 320
	}
	return w, h
}

// colorBarWidth is the width in pixels taken by a colour bar and its tick labels.
const colorBarWidth = 80

// Draw draws the figure on c: the plot (and colour bar), or every cell of a grid.
func (f *Figure) Draw(c draw.Canvas) {
	if f.Cells != nil {
		cols := 0
		for _, row := range f.Cells {
			cols = max(cols, len(row))
		}
		tiles := draw.Tiles{Rows: len(f.Cells), Cols: cols, PadX: px(8), PadY: px(8), PadTop: px(4), PadBottom: px(4), PadLeft: px(4), PadRight: px(4)}
		for r, row := range f.Cells {
			for col, cell := range row {
				if cell != nil {
					cell.Draw(tiles.At(c, col, r))
				}
			}
		}
		return
	}
	if f.Plot == nil {
		return
	}
	if f.ColorBar == nil {
		f.Plot.Draw(c)
		return
	}
	w := c.Max.X - c.Min.X
	f.Plot.Draw(draw.Crop(c, 0, -px(colorBarWidth), 0, 0))
	// Leave room above the bar for the title, below it for the x axis of the main plot.
	top := -f.Plot.Title.TextStyle.Height(f.Plot.Title.Text) - f.Plot.Title.Padding
	if f.Plot.Title.Text == "" {
		top = 0
	}
	bottom := px(40)
	if f.Plot.X.Label.Text != "" {
		bottom += px(14)
	}
	f.ColorBar.Draw(draw.Crop(c, w-px(colorBarWidth)+px(8), 0, bottom, top-px(8)))
}

// Image renders the figure to an RGBA image of Width×Height pixels on a white background.
func (f *Figure) Image() (img *image.RGBA, err error) {
	defer recoverPlot(&err)
	w, h := f.size()
	c := vgimg.NewWith(vgimg.UseWH(px(w), px(h)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	f.Draw(draw.New(c))
	rgba, ok := c.Image().(*image.RGBA)
	if !ok {
		return toRGBA(c.Image()), nil
	}
	return rgba, nil
}

// PNG renders the figure and encodes it with the package's reused BestSpeed PNG encoder.
func (f *Figure) PNG() ([]byte, error) {
	img, err := f.Image()
	if err != nil {
		return nil, err
	}
	return PNG(img)
}

// SVG renders the figure as an SVG document of Width×Height pixels (fonts not embedded).
func (f *Figure) SVG() (b []byte, err error) {
	defer recoverPlot(&err)
	w, h := f.size()
	c := vgsvg.NewWith(vgsvg.UseWH(px(w), px(h)))
	f.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// recoverPlot turns a panic inside gonum/plot (for example a log axis over a non-positive
// range set by the user) into an error, so a notebook cell shows an error rather than a crash.
func recoverPlot(err *error) {
	if r := recover(); r != nil {
		*err = errors.New(fmt.Sprint("widgets: drawing the plot failed: ", r))
	}
}
