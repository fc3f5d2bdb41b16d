// Package widgets draws what the lectures look at — tensors as images, plots, grid worlds, live
// training curves — and shows it inline in a GoNB notebook, one call per cell.
//
// # Overview
//
// Rendering is pure and returns ordinary values:
//
//   - images: Image (a tensor → *image.RGBA through a ColorMap), ImageGrid (a batch, with
//     captions), Mosaic (rendered images in a grid), SideBySide (content / style / result),
//     Overlay (a heat map blended over a photo), Boxes (labelled boxes on a photo: an object
//     detector's output), GridWorld (values, policy arrows, walls);
//   - plots: Line, Scatter, Histogram, Bar, HeatMap (with a colour bar) and Subplots return a
//     *Figure, which embeds gonum/plot's *plot.Plot (customise it with gonum/plot's API) and
//     knows its size in pixels; Figure.Image, Figure.PNG and Figure.SVG render it.
//
// Display goes through Show (and Display, which takes a constructor's two results so that a
// cell is one call), Live (an output redrawn in place), Monitor (a live training chart),
// Progress (a progress bar) and Slider (a control bound to Go code). Only gonbui.go imports
// GoNB's gonbui; outside a notebook the display functions write a text summary to Out.
//
//	widgets.Display(widgets.ImageGrid(conv1.Weight, widgets.GridOpts{Cols: 8,
//		ImageOpts: widgets.ImageOpts{ColorMap: widgets.Diverging, Symmetric: true}}))
//
// # Tensors and shapes
//
// Images take any value with Shape() []int and Data() []float32 (the Tensor interface), which
// *dl.Tensor satisfies — this package imports no training package. FromSlice wraps a plain
// slice. Layouts: [H W] and [1 H W] (one channel, through a ColorMap), [3 H W] (RGB; [H W 3]
// with ImageOpts.ChannelsLast), and a leading batch dimension N for ImageGrid.
//
// Values map to colours through a range chosen by ImageOpts.Norm: Auto (per image; RGB in
// [0, 1] as is), PerImage, Shared (one range for a whole grid) or Fixed (Min, Max).
// Symmetric widens the range to [-m, m] so that 0 is the centre of the colour map (white on
// Diverging). Small images are enlarged with nearest neighbour; large ones are capped.
//
// # Notebook output
//
// Images and figures are sent as image/png (with a text/plain fallback), which Jupyter saves
// in the notebook, so they show in a headless run, on GitHub and in VS Code. Live views use
// a display id: the first frame is display_data, later frames update_display_data, and the
// saved notebook keeps the last frame. Slider shows a static picture first and gives up
// waiting for a browser after SliderOpts.ConnectTimeout, so headless runs never hang.
//
// PNGs are encoded with a reused png.Encoder{CompressionLevel: png.BestSpeed}; the package
// benchmarks report the cost of each widget (go test -bench . ./widgets).
//
// # Errors
//
// User data that cannot be drawn is an error, not a blank picture: NaN or ±Inf give an error
// wrapping ErrNaN (like gonum/plot's plotter.ErrNaN), empty data one wrapping ErrEmpty (like
// plotter.ErrNoData); shapes a widget cannot
// draw give one wrapping ErrShape. FromSlice panics when the data does not fill the shape (a
// programmer error). Panics inside gonum/plot while drawing are turned into errors.
package widgets
