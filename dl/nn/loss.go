package nn

import (
	"fmt"
	"github.com/deepnb/deepnb/dl/internal/vec"
	"math"
	"slices"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/gemm"
)

// CrossEntropy returns the mean softmax cross-entropy of logits [N, C] against class labels
// (len N, each in [0, C)):
//
//	L = −(1/N) Σₙ log softmax(logitsₙ)[labelsₙ] = (1/N) Σₙ (logsumexp(logitsₙ) − logitsₙ[labelsₙ])
//
// It is fused (log-softmax and NLL in one pass, max-shifted for stability) with its own backward
// ∂L/∂logits = (softmax(logits) − onehot(labels))/N. Logits of more dimensions [..., C] (a
// sequence model's [B, T, C]) are taken as N = B·T rows, with one label per row in row-major
// order. CrossEntropy panics with a *dl.ShapeError if logits has fewer than 2 dimensions,
// len(labels) ≠ N or a label is out of range.
func CrossEntropy(logits *dl.Tensor, labels []int) *dl.Tensor {
	const op = "CrossEntropy"
	n, c := checkLabels(op, logits, labels)
	x := logits.Data()
	// p holds softmax(logits) for the backward pass.
	p := make([]float32, len(x))
	var total float64
	parts := make([]float64, n)
	parFor(n, max(1, 4096/max(c, 1)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row, pr := x[i*c:(i+1)*c], p[i*c:(i+1)*c]
			m := slices.Max(row)
			vec.ExpShift(pr, row, m)
			var s float64
			for _, e := range pr {
				s += float64(e)
			}
			inv := float32(1 / s)
			for j := range pr {
				pr[j] *= inv
			}
			parts[i] = math.Log(s) + float64(m) - float64(row[labels[i]])
		}
	})
	for _, v := range parts {
		total += v
	}
	loss := float32(total / float64(n))
	return dl.Custom(op, []float32{loss}, nil, func(g []float32, gs [][]float32) {
		s := g[0] / float32(n)
		gx := gs[0]
		parFor(n, max(1, 16384/max(c, 1)), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				off := i * c
				vec.Axpy(gx[off:off+c], p[off:off+c], s)
				gx[off+labels[i]] -= s
			}
		})
	}, logits)
}

func checkLabels(op string, logits *dl.Tensor, labels []int) (n, c int) {
	if logits.Dims() < 2 || logits.Dim(-1) == 0 || logits.Len()/logits.Dim(-1) != len(labels) {
		panic(&dl.ShapeError{Op: op, A: logits.Shape(), B: []int{len(labels)}, Msg: "want logits [N C] and N labels"})
	}
	c = logits.Dim(-1)
	n = logits.Len() / c
	if n == 0 {
		panic(&dl.ShapeError{Op: op, A: logits.Shape(), Msg: "empty batch"})
	}
	for i, l := range labels {
		if l < 0 || l >= c {
			panic(&dl.ShapeError{Op: op, A: logits.Shape(), Msg: fmt.Sprintf("label %d at %d out of range [0, %d)", l, i, c)})
		}
	}
	return n, c
}

// NLLLoss returns the mean negative log-likelihood of log-probabilities logp [N, C] (for example
// from LogSoftmax(1)) at the class labels: L = −(1/N) Σₙ logpₙ[labelsₙ].
// NLLLoss panics as CrossEntropy does.
func NLLLoss(logp *dl.Tensor, labels []int) *dl.Tensor {
	const op = "NLLLoss"
	n, c := checkLabels(op, logp, labels)
	x := logp.Data()
	var s float64
	for i, l := range labels {
		s -= float64(x[i*c+l])
	}
	return dl.Custom(op, []float32{float32(s / float64(n))}, nil, func(g []float32, gs [][]float32) {
		d := g[0] / float32(n)
		for i, l := range labels {
			gs[0][i*c+l] -= d
		}
	}, logp)
}

func checkSame(op string, a, b *dl.Tensor) {
	if !slices.Equal(a.Shape(), b.Shape()) {
		panic(&dl.ShapeError{Op: op, A: a.Shape(), B: b.Shape()})
	}
	if a.Len() == 0 {
		panic(&dl.ShapeError{Op: op, A: a.Shape(), Msg: "empty input"})
	}
}

// MSELoss returns the mean squared error L = (1/n) Σᵢ (predᵢ − targetᵢ)² over all n elements.
// Gradients flow to both arguments if they require one (detach a fixed target). MSELoss panics
// with a *dl.ShapeError if the shapes differ (it does not broadcast) or are empty.
func MSELoss(pred, target *dl.Tensor) *dl.Tensor {
	const op = "MSELoss"
	checkSame(op, pred, target)
	p, t := pred.Data(), target.Data()
	t = t[:len(p)]
	// Partial sums per chunk of 4096, in float64, added in order: the same result however the
	// chunks are spread over goroutines.
	const chunk = 4096
	parts := make([]float64, (len(p)+chunk-1)/chunk)
	parFor(len(parts), 16, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			pc, tc := p[c*chunk:min(len(p), (c+1)*chunk)], t[c*chunk:min(len(p), (c+1)*chunk)]
			tc = tc[:len(pc)]
			var s float64
			for i, v := range pc {
				d := float64(v - tc[i])
				s += d * d
			}
			parts[c] = s
		}
	})
	var s float64
	for _, v := range parts {
		s += v
	}
	n := float32(len(p))
	return dl.Custom(op, []float32{float32(s / float64(len(p)))}, nil, func(g []float32, gs [][]float32) {
		k := 2 * g[0] / n
		parFor(len(p), 1<<15, func(lo, hi int) {
			pc, tc := p[lo:hi], t[lo:hi]
			tc = tc[:len(pc)]
			if gs[0] != nil {
				g0 := gs[0][lo:hi]
				g0 = g0[:len(pc)]
				for i, v := range pc {
					g0[i] += k * (v - tc[i])
				}
			}
			if gs[1] != nil {
				g1 := gs[1][lo:hi]
				g1 = g1[:len(pc)]
				for i, v := range pc {
					g1[i] -= k * (v - tc[i])
				}
			}
		})
	}, pred, target)
}

// BCEWithLogits returns the mean binary cross-entropy of sigmoid(logits) against targets in
// [0, 1], computed stably from the logits x:
//
//	L = (1/n) Σᵢ max(xᵢ, 0) − xᵢ·yᵢ + log(1 + e^(−|xᵢ|))
//
// with ∂L/∂x = (σ(x) − y)/n and ∂L/∂y = −x/n. It panics with a *dl.ShapeError if the shapes differ.
func BCEWithLogits(logits, targets *dl.Tensor) *dl.Tensor {
	const op = "BCEWithLogits"
	checkSame(op, logits, targets)
	x, y := logits.Data(), targets.Data()
	var s float64
	for i := range x {
		xi, yi := float64(x[i]), float64(y[i])
		s += max(xi, 0) - xi*yi + math.Log1p(math.Exp(-math.Abs(xi)))
	}
	n := float32(len(x))
	return dl.Custom(op, []float32{float32(s / float64(len(x)))}, nil, func(g []float32, gs [][]float32) {
		k := g[0] / n
		for i := range x {
			if gs[0] != nil {
				sig := 1 / (1 + math.Exp(-float64(x[i])))
				gs[0][i] += k * (float32(sig) - y[i])
			}
			if gs[1] != nil {
				gs[1][i] -= k * x[i]
			}
		}
	}, logits, targets)
}

// ContentLoss is the content loss of neural style transfer (Gatys et al. 2016): the mean squared
// error between the feature maps of the generated image and those of the content image,
// MSELoss(features, target). Pass target detached (or computed from an input marked x.NoGrad()).
func ContentLoss(features, target *dl.Tensor) *dl.Tensor {
	return MSELoss(features, target)
}

// Gram returns the normalized Gram matrix of feature maps, the style representation of Gatys et
// al.: for features F [C, H, W] seen as a C × HW matrix,
//
//	G = F·Fᵀ / (C·H·W),  G[i,j] = Σₖ F[i,k]·F[j,k] / (C·H·W)
//
// of shape [C, C]; for a batch [N, C, H, W] it returns [N, C, C], one matrix per image. It is one
// GEMM per image, with backward dF = (dG + dGᵀ)·F / (C·H·W). Gram panics with a *dl.ShapeError
// if features is not 3-D or 4-D.
func Gram(features *dl.Tensor) *dl.Tensor {
	const op = "Gram"
	var nb, c, hw int
	var shape []int
	switch features.Dims() {
	case 3:
		nb, c, hw = 1, features.Dim(0), features.Dim(1)*features.Dim(2)
		shape = []int{c, c}
	case 4:
		nb, c, hw = features.Dim(0), features.Dim(1), features.Dim(2)*features.Dim(3)
		shape = []int{nb, c, c}
	default:
		panic(&dl.ShapeError{Op: op, A: features.Shape(), Msg: "want features [C H W] or [N C H W]"})
	}
	norm := float32(c * hw)
	if norm == 0 {
		panic(&dl.ShapeError{Op: op, A: features.Shape(), Msg: "empty feature map"})
	}
	f := features.Data()
	g := make([]float32, nb*c*c)
	for b := 0; b < nb; b++ {
		gemm.Sgemm(false, true, c, c, hw, 1/norm, f[b*c*hw:], hw, f[b*c*hw:], hw, 0, g[b*c*c:], c)
	}
	return dl.Custom(op, g, shape, func(dg []float32, gs [][]float32) {
		sym := make([]float32, c*c)
		for b := 0; b < nb; b++ {
			d := dg[b*c*c : (b+1)*c*c]
			for i := 0; i < c; i++ {
				for j := 0; j < c; j++ {
					sym[i*c+j] = d[i*c+j] + d[j*c+i]
				}
			}
			gemm.Sgemm(false, false, c, hw, c, 1/norm, sym, c, f[b*c*hw:], hw, 1, gs[0][b*c*hw:], hw)
		}
	}, features)
}

// StyleLoss returns the style loss of one layer: the mean squared error between the Gram matrix
// of features ([C, H, W] or [N, C, H, W]) and a target Gram matrix of the same shape as
// Gram(features) (computed from the style image, detached):
//
//	StyleLoss = (1/C²) Σᵢⱼ (Ĝᵢⱼ − Âᵢⱼ)²,  Ĝ = Gram(features) = F·Fᵀ/(C·H·W)
//
// Normalisation: Gatys et al. (2016, eq. 4) define Eₗ = 1/(4·Nₗ²·Mₗ²) Σ (Gᵢⱼ − Aᵢⱼ)² with the
// unnormalized Gram G = F·Fᵀ, Nₗ = C channels and Mₗ = H·W positions. Since Ĝ = G/(Nₗ·Mₗ),
// Eₗ = ¼ Σ (Ĝ − Â)² = (C²/4)·StyleLoss: the two differ by a constant factor per layer, which the
// style weight absorbs. This is the form the PyTorch tutorial and deepnb's benchmark use.
// StyleLoss panics with a *dl.ShapeError if the shapes do not fit.
func StyleLoss(features, targetGram *dl.Tensor) *dl.Tensor {
	return MSELoss(Gram(features), targetGram)
}

// TotalVariation returns the (squared, anisotropic) total variation of images x [C, H, W] or
// [N, C, H, W], a smoothness penalty for generated images:
//
//	TV(x) = mean over (i,j) of (x[…,i+1,j] − x[…,i,j])²  +  mean over (i,j) of (x[…,i,j+1] − x[…,i,j])²
//
// each mean taken over all the differences of that direction (so a 1-pixel-high image has no
// vertical term). TotalVariation panics with a *dl.ShapeError if x is not 3-D or 4-D.
func TotalVariation(x *dl.Tensor) *dl.Tensor {
	const op = "TotalVariation"
	if x.Dims() != 3 && x.Dims() != 4 {
		panic(&dl.ShapeError{Op: op, A: x.Shape(), Msg: "want images [C H W] or [N C H W]"})
	}
	h, w := x.Dim(-2), x.Dim(-1)
	planes := x.Len() / max(h*w, 1)
	d := x.Data()
	nv, nh := planes*(h-1)*w, planes*h*(w-1)
	var sv, sh float64
	for p := 0; p < planes; p++ {
		img := d[p*h*w : (p+1)*h*w]
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				v := img[i*w+j]
				if i+1 < h {
					e := float64(img[(i+1)*w+j] - v)
					sv += e * e
				}
				if j+1 < w {
					e := float64(img[i*w+j+1] - v)
					sh += e * e
				}
			}
		}
	}
	var tv float64
	if nv > 0 {
		tv += sv / float64(nv)
	}
	if nh > 0 {
		tv += sh / float64(nh)
	}
	return dl.Custom(op, []float32{float32(tv)}, nil, func(g []float32, gs [][]float32) {
		var kv, kh float32
		if nv > 0 {
			kv = 2 * g[0] / float32(nv)
		}
		if nh > 0 {
			kh = 2 * g[0] / float32(nh)
		}
		gx := gs[0]
		for p := 0; p < planes; p++ {
			img := d[p*h*w : (p+1)*h*w]
			gi := gx[p*h*w : (p+1)*h*w]
			for i := 0; i < h; i++ {
				for j := 0; j < w; j++ {
					v := img[i*w+j]
					if i+1 < h {
						e := kv * (img[(i+1)*w+j] - v)
						gi[(i+1)*w+j] += e
						gi[i*w+j] -= e
					}
					if j+1 < w {
						e := kh * (img[i*w+j+1] - v)
						gi[i*w+j+1] += e
						gi[i*w+j] -= e
					}
				}
			}
		}
	}, x)
}
