package widgets

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// GridOpts configures ImageGrid and Mosaic.
type GridOpts struct {
	// ImageOpts renders each cell; Norm == Shared uses one value range for the whole grid.
	// MinSize applies per cell (default 56) and MaxSize to the whole grid (default 1024 wide).
	ImageOpts
	// Cols is the number of columns (default ⌈√n⌉).
	Cols int
	// Captions, if not nil, are written under the cells, one per image, shortened to fit.
	Captions []string
	// Pad is the gap between cells in pixels (default 2).
	Pad int
}

var gridBackground = color.RGBA{255, 255, 255, 255}

// gridGeometry returns the columns, rows, padding and caption height of a grid of n cells.
func (o *GridOpts) geometry(n int) (cols, rows, pad, capH int) {
	cols = o.Cols
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = max(1, min(cols, n))
	rows = (n + cols - 1) / cols
	pad = o.Pad
	if pad <= 0 {
		pad = 2
	}
	if o.Captions != nil {
		capH = lineH
	}
	return
}

// ImageGrid renders a batch of images — [N H W], [N C H W] or, with ChannelsLast, [N H W C] —
// as a grid, for example the first-layer filters of a CNN, a batch of digits or generator
// samples. Each cell is normalised on its own (Auto, PerImage) or with the range of the whole
// batch (Shared, Fixed). Small cells are enlarged with nearest neighbour; the grid is kept
// within opts.MaxSize pixels wide by lowering the enlargement.
//
// ImageGrid returns an error wrapping ErrShape for other shapes or a Captions slice of the
// wrong length, ErrNaN for NaN or Inf and ErrEmpty for empty data.
func ImageGrid(batch Tensor, opts GridOpts) (*image.RGBA, error) {
	shape := batch.Shape()
	if len(shape) < 3 {
		return nil, shapeError("ImageGrid", shape, "[N H W], [N C H W] or [N H W C]")
	}
	n := shape[0]
	l, err := imageLayout("ImageGrid", shape[1:], opts.ChannelsLast)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, emptyError("ImageGrid")
	}
	if opts.Captions != nil && len(opts.Captions) != n {
		return nil, fmt.Errorf("%w: ImageGrid: %d captions for %d images", ErrShape, len(opts.Captions), n)
	}
	data, err := tensorData("ImageGrid", batch)
	if err != nil {
		return nil, err
	}
	l.data = data
	l.stride = l.c * l.h * l.w
	var lo, hi float64
	if opts.Norm == Shared || opts.Norm == Fixed {
		if lo, hi, err = valueRange("ImageGrid", data, l.c, &opts.ImageOpts); err != nil {
			return nil, err
		}
	}
	cols, rows, pad, capH := opts.geometry(n)
	maxW := opts.MaxSize
	if maxW <= 0 {
		maxW = 1024
	}
	k := autoScale(l.h, l.w, &opts.ImageOpts, 56)
	for k > 1 && cols*(l.w*k+pad)+pad > maxW {
		k--
	}
	cw, ch := l.w*k, l.h*k+capH
	img := image.NewRGBA(image.Rect(0, 0, cols*(cw+pad)+pad, rows*(ch+pad)+pad))
	draw.Draw(img, img.Bounds(), image.NewUniform(gridBackground), image.Point{}, draw.Src)
	for i := range n {
		li := l
		li.off = i * l.stride
		clo, chi := lo, hi
		if opts.Norm != Shared && opts.Norm != Fixed {
			if clo, chi, err = valueRange("ImageGrid", li.values(), l.c, &opts.ImageOpts); err != nil {
				return nil, fmt.Errorf("image %d: %w", i, err)
			}
		}
		x, y := pad+(i%cols)*(cw+pad), pad+(i/cols)*(ch+pad)
		paint(img, x, y, li, k, clo, chi, opts.ColorMap)
		if capH > 0 {
			drawTextCentered(img, x+cw/2, y+l.h*k+1, fitText(opts.Captions[i], cw), color.Black)
		}
	}
	return fit(img, maxW), nil
}

// Mosaic lays out already-rendered images in a grid with optional captions (see GridOpts: Cols,
// Captions, Pad; MaxSize caps the width, default 1024). Cells are as large as the largest
// image; smaller images are centred in their cell. Mosaic returns an error wrapping ErrEmpty if
// images is empty and ErrShape if the number of captions differs from the number of images.
func Mosaic(images []image.Image, opts GridOpts) (*image.RGBA, error) {
	n := len(images)
	if n == 0 {
		return nil, emptyError("Mosaic")
	}
	if opts.Captions != nil && len(opts.Captions) != n {
		return nil, fmt.Errorf("%w: Mosaic: %d captions for %d images", ErrShape, len(opts.Captions), n)
	}
	cols, rows, pad, capH := opts.geometry(n)
	cw, chImg := 0, 0
	for _, im := range images {
		cw, chImg = max(cw, im.Bounds().Dx()), max(chImg, im.Bounds().Dy())
	}
	ch := chImg + capH
	img := image.NewRGBA(image.Rect(0, 0, cols*(cw+pad)+pad, rows*(ch+pad)+pad))
	draw.Draw(img, img.Bounds(), image.NewUniform(gridBackground), image.Point{}, draw.Src)
	for i, im := range images {
		b := im.Bounds()
		x, y := pad+(i%cols)*(cw+pad), pad+(i/cols)*(ch+pad)
		at := image.Pt(x+(cw-b.Dx())/2, y+(chImg-b.Dy())/2)
		draw.Draw(img, image.Rectangle{at, at.Add(b.Size())}, im, b.Min, draw.Src)
		if capH > 0 {
			drawTextCentered(img, x+cw/2, y+chImg+1, fitText(opts.Captions[i], cw), color.Black)
		}
	}
	maxW := opts.MaxSize
	if maxW <= 0 {
		maxW = 1024
	}
	return fit(img, maxW), nil
}

// SideBySide puts images in one row at a common height, with a caption under each — for
// example content, style and result in style transfer. Images are scaled to the height of the
// tallest (at least 128 pixels; nearest neighbour for whole factors, so pixels stay crisp).
// captions may be nil or have one entry per image. The errors are those of Mosaic.
func SideBySide(images []image.Image, captions []string) (*image.RGBA, error) {
	if len(images) == 0 {
		return nil, emptyError("SideBySide")
	}
	h := 0
	for _, im := range images {
		b := im.Bounds()
		if b.Dx() == 0 || b.Dy() == 0 {
			return nil, emptyError("SideBySide")
		}
		h = max(h, b.Dy())
	}
	if h < 128 {
		h *= (128 + h - 1) / h
	}
	scaled := make([]image.Image, len(images))
	for i, im := range images {
		b := im.Bounds()
		w := max(1, int(math.Round(float64(b.Dx())*float64(h)/float64(b.Dy()))))
		if b.Dy() == h {
			scaled[i] = im
		} else {
			scaled[i] = Resize(im, w, h)
		}
	}
	return Mosaic(scaled, GridOpts{Cols: len(images), Captions: captions, Pad: 4, ImageOpts: ImageOpts{MaxSize: 1536}})
}
