package backbone

import "github.com/deepnb/deepnb/dl"

// SmallMaps is the largest number of output positions (OH·OW) at which a stride-1 convolution
// of a batch runs as one matrix product over the whole batch (convBatched) instead of as
// dl.Conv2D's product per image. The trunk's top layers see 1×1 to 2×2 maps on lecture 04's
// 32- and 64-pixel images: per image, a product of their 512×9216 weights with 1 to 4 columns
// reads the 19 MB of weights once per image and per pass, for a handful of multiply-adds per
// weight; over the batch it reads them once. Both compute the same convolution (see the tests).
const SmallMaps = 16

// convBatched is dl.Conv2D with stride 1 and the given zero padding, as im2col over the whole
// batch followed by one GEMM: the shifted copies of the padded input, one per kernel tap, are
// stacked into a matrix [C·taps, N·OH·OW] (in the row order of w's [F, C, kh, kw] layout) and
// multiplied by w's matching columns seen as [F, C·taps]. Taps that read only padding are left
// out (on a 1×1 map a 3×3 kernel has one useful tap, not 9). Every step is a differentiable dl
// op, so gradients reach x, w and b.
func convBatched(x, w, b *dl.Tensor, pad int) *dl.Tensor {
	n, c, h, wd := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	f, kh, kw := w.Dim(0), w.Dim(2), w.Dim(3)
	oh, ow := h+2*pad-kh+1, wd+2*pad-kw+1
	// Tap (i, j) reads padded rows i … i+oh−1 and columns j … j+ow−1; the image's are
	// pad … pad+h−1 and pad … pad+wd−1.
	i0, i1 := max(0, pad-oh+1), min(kh, pad+h)
	j0, j1 := max(0, pad-ow+1), min(kw, pad+wd)
	if pad > 0 {
		x = x.Pad([][2]int{{0, 0}, {0, 0}, {pad, pad}, {pad, pad}}, 0)
	}
	taps := make([]*dl.Tensor, 0, (i1-i0)*(j1-j0))
	for i := i0; i < i1; i++ {
		for j := j0; j < j1; j++ {
			taps = append(taps, x.Slice(2, i, i+oh).Slice(3, j, j+ow).Reshape(n, c, 1, oh, ow))
		}
	}
	k := c * len(taps)
	cols := dl.Concat(2, taps...).Permute(1, 2, 0, 3, 4).Reshape(k, n*oh*ow)
	if i0 > 0 || i1 < kh || j0 > 0 || j1 < kw {
		w = w.Slice(2, i0, i1).Slice(3, j0, j1)
	}
	y := w.Reshape(f, k).MatMul(cols)
	if b != nil {
		y = y.Add(b.Reshape(f, 1))
	}
	return y.Reshape(f, n, oh, ow).Permute(1, 0, 2, 3)
}
