package transfer

import (
	"fmt"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
)

// Data is a labelled image set for the experiment: X [N, 3, S, S] in [0, 1].
type Data struct {
	Name    string
	X       *dl.Tensor
	Y       []int
	Classes []string
}

// Photos returns the GCompris categorization photos (5 classes, natural photographs like
// COCO's: the "very similar" data set) at size×size pixels.
func Photos(size int) (*Data, error) {
	s, err := datasets.LoadCategorization(size)
	if err != nil {
		return nil, err
	}
	return &Data{Name: "photos", X: s.X, Y: s.Y, Classes: s.Classes}, nil
}

// Digits returns the first n MNIST training digits (10 classes: grey strokes on black, nothing
// like COCO's photographs: the "very different" data set), padded from 28 to 32 pixels and
// repeated in the three colour channels.
func Digits(n int) (*Data, error) {
	tr, _, err := datasets.MNIST(n, 0)
	if err != nil {
		return nil, err
	}
	x := tr.X.Pad([][2]int{{0, 0}, {0, 0}, {2, 2}, {2, 2}}, 0)
	x = dl.Concat(1, x, x, x)
	classes := make([]string, 10)
	for i := range classes {
		classes[i] = fmt.Sprint(i)
	}
	return &Data{Name: "digits", X: x.Detach(), Y: tr.Y, Classes: classes}, nil
}

// Len returns the number of images.
func (d *Data) Len() int { return len(d.Y) }

// Views returns the augmented views of image i: the image, its mirror image, and (with crops)
// the four corner crops of 7/8 of its side scaled back to full size, each mirrored too: 2 or
// 10 views.
func (d *Data) Views(i int, crops bool) []*dl.Tensor {
	x := d.X.Slice(0, i, i+1)
	views := []*dl.Tensor{x, flip(x)}
	if !crops {
		return views
	}
	s := x.Dim(2)
	c := s * 7 / 8
	for _, o := range [][2]int{{0, 0}, {0, s - c}, {s - c, 0}, {s - c, s - c}} {
		v := resize(x.Slice(2, o[0], o[0]+c).Slice(3, o[1], o[1]+c), s)
		views = append(views, v, flip(v))
	}
	return views
}

// flip mirrors x [1, C, H, W] left to right.
func flip(x *dl.Tensor) *dl.Tensor {
	w := x.Dim(3)
	idx := make([]int, w)
	for i := range idx {
		idx[i] = w - 1 - i
	}
	return x.IndexSelect(3, idx)
}

// resize scales x [1, C, h, w] to s×s pixels with bilinear interpolation.
func resize(x *dl.Tensor, s int) *dl.Tensor {
	c, h, w := x.Dim(1), x.Dim(2), x.Dim(3)
	src := x.Data()
	out := dl.Zeros(1, c, s, s)
	dst := out.Data()
	for ch := range c {
		for i := range s {
			fy := (float64(i)+0.5)*float64(h)/float64(s) - 0.5
			y0 := max(0, min(h-1, int(fy)))
			y1 := min(h-1, y0+1)
			ay := float32(max(0, fy-float64(y0)))
			for j := range s {
				fx := (float64(j)+0.5)*float64(w)/float64(s) - 0.5
				x0 := max(0, min(w-1, int(fx)))
				x1 := min(w-1, x0+1)
				ax := float32(max(0, fx-float64(x0)))
				p := func(y, x int) float32 { return src[(ch*h+y)*w+x] }
				top := p(y0, x0)*(1-ax) + p(y0, x1)*ax
				bot := p(y1, x0)*(1-ax) + p(y1, x1)*ax
				dst[(ch*s+i)*s+j] = top*(1-ay) + bot*ay
			}
		}
	}
	return out
}
