package widgets

import (
	"fmt"
	"slices"
)

// Tensor is what the image widgets draw: a row-major array of float32 values and its shape.
// *dl.Tensor satisfies it, and so does the value FromSlice returns; widgets never import the
// training packages.
//
// Layouts understood by Image: [H W] (one channel), [C H W] (channel-first, C = 1 or 3, the
// default) and [H W C] (channel-last, with ImageOpts.ChannelsLast). Widgets only read Data().
type Tensor interface {
	Shape() []int
	Data() []float32
}

// array is the Tensor FromSlice returns.
type array struct {
	data  []float32
	shape []int
}

func (a array) Shape() []int    { return a.shape }
func (a array) Data() []float32 { return a.data }

// FromSlice returns a Tensor of the given shape over data, which it shares (no copy).
// FromSlice panics if len(data) is not the product of shape, or a dimension is negative.
func FromSlice(data []float32, shape ...int) Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("widgets: FromSlice: negative dimension in shape %v", shape))
		}
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("widgets: FromSlice: %d values do not fill shape %v", len(data), shape))
	}
	return array{data: data, shape: slices.Clone(shape)}
}

// Float64s returns xs converted to float64, for plotting float32 data such as losses.
func Float64s(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		out[i] = float64(v)
	}
	return out
}
