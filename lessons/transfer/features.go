package transfer

import (
	"fmt"
	"slices"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/backbone"
)

// Augment says which augmented views of each image the features are computed for.
type Augment int

const (
	NoAugment Augment = iota // the image only
	FlipCrops                // the image, its mirror, four corner crops and their mirrors: 10 views
)

// Features are what the experiment computes once per data set: for every view of every
// image, each stage's features pooled to at most 2×2 positions (Pooled), and the maps the
// fine-tuned layers start from (Maps, keyed by trunk layer: the output of that layer).
type Features struct {
	Data    *Data
	Stages  []int       // the trunk's convolutional layers
	Names   []string    // their names
	Pooled  [][]float32 // [stage] rows × dims, row-major
	Dims    []int       // feature dimension per stage
	Maps    map[int][]float32
	MapSize map[int][]int // [C, H, W] per kept layer
	Image   []int         // the image of each row
	View    []int         // its view (0: the image itself)
	Rows    int
}

// CutLayers returns, for fine-tuning the last k = 1, 2, 3 convolutional layers of b, the trunk
// layer whose output they start from.
func CutLayers(b *backbone.Net) map[int]int {
	cl := b.ConvLayers()
	out := map[int]int{}
	for k := 1; k <= 3 && k < len(cl); k++ {
		out[k] = cl[len(cl)-k] - 1
	}
	return out
}

// Compute runs every view of every image of d through the trunk b once (without gradients, in
// batches) and keeps the pooled stage features and the maps at the fine-tuning cuts.
func Compute(b *backbone.Net, d *Data, aug Augment) *Features {
	f := &Features{Data: d, Stages: b.ConvLayers(), Maps: map[int][]float32{}, MapSize: map[int][]int{}}
	for _, s := range f.Stages {
		f.Names = append(f.Names, b.Layers[s].Name)
	}
	f.Pooled = make([][]float32, len(f.Stages))
	f.Dims = make([]int, len(f.Stages))
	cuts := map[int]bool{}
	for _, c := range CutLayers(b) {
		cuts[c] = true
	}
	var batch []*dl.Tensor
	flush := func() {
		if len(batch) == 0 {
			return
		}
		x := dl.Concat(0, batch...)
		n := len(batch)
		batch = batch[:0]
		b.Run(x.NoGrad(), 0, b.Last(), func(i int, y *dl.Tensor) {
			if cuts[i] {
				f.Maps[i] = append(f.Maps[i], y.Data()...)
				f.MapSize[i] = y.Shape()[1:]
			}
			if k := slices.Index(f.Stages, i); k >= 0 {
				p := gridPool(y)
				f.Pooled[k] = append(f.Pooled[k], p.Data()...)
				f.Dims[k] = p.Dim(1)
			}
		})
		f.Rows += n
	}
	for i := range d.Len() {
		var views []*dl.Tensor
		if aug == FlipCrops {
			views = d.Views(i, true)
		} else {
			views = []*dl.Tensor{d.X.Slice(0, i, i+1)}
		}
		for v, x := range views {
			f.Image, f.View = append(f.Image, i), append(f.View, v)
			batch = append(batch, x)
			if len(batch) == 32 {
				flush()
			}
		}
	}
	flush()
	return f
}

// gridPool averages each channel of y [N, C, H, W] over a g×g grid of blocks, g = min(2, H, W)
// (blocks of ⌊H/g⌋ or ⌈H/g⌉ rows): [N, C·g·g], channel by channel, each block row by row. It is
// made of dl ops, so a fine-tuned trunk's gradient flows through it.
func gridPool(y *dl.Tensor) *dl.Tensor {
	s := y.Shape()
	n, c, h, w := s[0], s[1], s[2], s[3]
	g := min(2, h, w)
	var blocks []*dl.Tensor
	for by := range g {
		for bx := range g {
			b := y.Slice(2, by*h/g, (by+1)*h/g).Slice(3, bx*w/g, (bx+1)*w/g).Mean(2, 3)
			blocks = append(blocks, b.Reshape(n, c, 1))
		}
	}
	if len(blocks) == 1 {
		return blocks[0].Reshape(n, c)
	}
	return dl.Concat(2, blocks...).Reshape(n, c*g*g)
}

// rowsOf returns the rows of feature matrix m (dim columns) for the given row indices as a
// tensor.
func rowsOf(m []float32, dim int, rows []int) *dl.Tensor {
	out := make([]float32, 0, len(rows)*dim)
	for _, r := range rows {
		out = append(out, m[r*dim:(r+1)*dim]...)
	}
	return dl.New(out, len(rows), dim)
}

// String describes f: images, views, rows.
func (f *Features) String() string {
	return fmt.Sprintf("%s: %d images, %d rows (views), %d stages (%v)", f.Data.Name, f.Data.Len(), f.Rows, len(f.Stages), f.Names)
}
