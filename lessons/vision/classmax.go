package vision

import (
	"fmt"
	"math"
	"slices"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// ClassScore is the detection head's score for COCO class Class (an index into
// darknet.COCONames) at grid cell (Row, Col): the mean over the cell's anchor boxes of the
// class's logit, the input of the region layer's softmax. It is the Objective that asks "what
// does the network think a cat looks like here?". Row and Col are counted from the centre cell
// when negative: ClassScore{Class: 15} is "cat" at the centre of the grid.
type ClassScore struct {
	Class    int
	Row, Col int
}

// NewClassScore returns the score of the named COCO class at the centre cell. It panics for a
// name not in darknet.COCONames.
func NewClassScore(name string) ClassScore {
	k := slices.Index(darknet.COCONames, name)
	if k < 0 {
		panic(fmt.Sprintf("vision: NewClassScore: %q is not a COCO class", name))
	}
	return ClassScore{Class: k, Row: -1, Col: -1}
}

// Name returns the class's COCO name.
func (s ClassScore) Name() string { return darknet.COCONames[s.Class] }

// head returns the index of net's region layer (the first detection head) and the layer itself.
func head(net *darknet.Net) (int, *darknet.Layer) {
	for i, l := range net.Layers {
		if l.Kind == darknet.Region {
			return i, l
		}
	}
	panic(fmt.Sprintf("vision: ClassScore: %s has no region layer", net.Name))
}

func (s ClassScore) target(net *darknet.Net) int {
	i, _ := head(net)
	return i - 1
}

// cell returns the cell (row, col) in a grid of h×w cells, the centre for negative values.
func (s ClassScore) cell(h, w int) (int, int) {
	r, c := s.Row, s.Col
	if r < 0 {
		r = h / 2
	}
	if c < 0 {
		c = w / 2
	}
	if r >= h || c >= w {
		panic(fmt.Sprintf("vision: ClassScore: cell (%d, %d) outside the %d×%d grid", r, c, h, w))
	}
	return r, c
}

// channels returns the channels of the head's input holding the class's logit, one per anchor.
func (s ClassScore) channels(net *darknet.Net) []int {
	_, l := head(net)
	if s.Class < 0 || s.Class >= l.Classes {
		panic(fmt.Sprintf("vision: ClassScore: class %d out of range [0, %d)", s.Class, l.Classes))
	}
	ch := make([]int, l.Num)
	for a := range ch {
		ch[a] = a*(l.Classes+5) + 5 + s.Class
	}
	return ch
}

// scoreAt is the class score at cell (r, c) of the head's input y.
func (s ClassScore) scoreAt(net *darknet.Net, y *dl.Tensor, r, c int) float64 {
	ch := s.channels(net)
	sum := 0.0
	for _, k := range ch {
		sum += float64(y.At(0, k, r, c))
	}
	return sum / float64(len(ch))
}

// Activation returns the class score for the input x [1, C, H, W] (no gradients).
func (s ClassScore) Activation(net *darknet.Net, x *dl.Tensor) float64 {
	var v float64
	y := net.ForwardUntil(x.NoGrad(), s.target(net))
	r, c := s.cell(y.Dim(2), y.Dim(3))
	v = s.scoreAt(net, y, r, c)
	return v
}

func (s ClassScore) grad(net *darknet.Net, y *dl.Tensor) *dl.Tensor {
	sh := y.Shape()
	r, c := s.cell(sh[2], sh[3])
	ch := s.channels(net)
	g := dl.Zeros(sh...)
	gd := g.Data()
	for _, k := range ch {
		gd[(k*sh[2]+r)*sh[3]+c] = 1 / float32(len(ch))
	}
	return g
}

// BestPhoto returns the photograph among names (letterboxed to net's input) with the highest
// score for the class at any cell of the grid, with that score: the best a real photo does,
// even where the object is not at the cell that activation maximisation targets.
func (s ClassScore) BestPhoto(net *darknet.Net, names []string) (string, float64, error) {
	return bestPhoto(net, names, func(x *dl.Tensor) float64 {
		y := net.ForwardUntil(x.NoGrad(), s.target(net))
		best := math.Inf(-1)
		for r := range y.Dim(2) {
			for c := range y.Dim(3) {
				if v := s.scoreAt(net, y, r, c); v > best { // not max: a NaN score is passed over
					best = v
				}
			}
		}
		return best
	})
}
