package vision

import (
	"fmt"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// FilterImages returns the filters of convolutional layer i of net as a batch of RGB images
// [F, 3, k, k] for widgets.ImageGrid, each filter scaled on its own to [0, 1] (grey is zero).
// It panics if the layer is not convolutional or does not take 3 channels.
func FilterImages(net *darknet.Net, i int) *dl.Tensor {
	w := net.Filters(i)
	s := w.Shape()
	if s[1] != 3 {
		panic(fmt.Sprintf("vision: FilterImages: layer %d takes %d channels, not 3 (only first-layer filters are images)", i, s[1]))
	}
	out := dl.Zeros(s...)
	n := s[1] * s[2] * s[3]
	src, dst := w.Data(), out.Data()
	for f := range s[0] {
		m := float32(0)
		for _, v := range src[f*n : (f+1)*n] {
			m = max(m, v, -v)
		}
		if m == 0 {
			m = 1
		}
		for j := range n {
			dst[f*n+j] = 0.5 + 0.5*src[f*n+j]/m
		}
	}
	return out
}

// FeatureMaps returns the first k channels of layer i's output for the input x [1, C, H, W] as
// a batch of grey images [k, 1, h, w] for widgets.ImageGrid, each map scaled on its own to
// [0, 1]. k is clipped to the number of channels.
func FeatureMaps(net *darknet.Net, x *dl.Tensor, i, k int) *dl.Tensor {
	y := net.ForwardUntil(x.Detach(), i)
	s := y.Shape()
	k = min(k, s[1])
	hw := s[2] * s[3]
	out := dl.Zeros(k, 1, s[2], s[3])
	src, dst := y.Data(), out.Data()
	for c := range k {
		lo, hi := src[c*hw], src[c*hw]
		for _, v := range src[c*hw : (c+1)*hw] {
			lo, hi = min(lo, v), max(hi, v)
		}
		r := hi - lo
		if r == 0 {
			r = 1
		}
		for j := range hw {
			dst[c*hw+j] = (src[c*hw+j] - lo) / r
		}
	}
	return out
}
