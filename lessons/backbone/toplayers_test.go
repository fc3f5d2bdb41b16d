package backbone_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/backbone"
)

// TestTopLayersOn1x1Maps: on 32-px images conv_12 and conv_13 (3×3, padding 1) see 1×1 maps,
// where only the kernel's centre tap reads the image (dl.Conv2D runs them as one product over
// the batch and leaves the other taps out): each layer is y = leaky(W[:, :, 1, 1]·x + b), and
// the weights' gradient is zero at the eight other taps. The fine-tuned pair (what lecture 04
// trains) is checked on a batch against that product and its gradients derived by hand, in
// float64.
func TestTopLayersOn1x1Maps(t *testing.T) {
	b := backbone.New(tinyYOLO(t), backbone.MaxPool).Trainable(12, false, 1)
	l12, l13 := b.Layers[12], b.Layers[13]
	if l12.Name != "conv_12" || l13.Name != "conv_13" || l12.W.Dim(2) != 3 || l12.Padding != 1 || l13.Padding != 1 {
		t.Fatalf("layers 12, 13: %s %v padding %d, %s %v padding %d; want conv_12, conv_13, 3×3, padding 1",
			l12.Name, l12.W.Shape(), l12.Padding, l13.Name, l13.W.Shape(), l13.Padding)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	const n = 4
	f := b.Forward(dl.RandU(rng, 0, 1, n, 3, 32, 32), 0, 11) // constant: layers 0…11 need no gradient
	if s := f.Shape(); s[2] != 1 || s[3] != 1 {
		t.Fatalf("layer 11's output %v, want 1×1 maps", s)
	}
	y := b.Forward(f, 12, 13)
	dy := dl.RandN(rng, y.Shape()...)
	y.BackwardWith(dy)

	// The oracle: per layer pre = Wc·a + b, a′ = leaky(pre); backwards dpre = da′·leaky′(pre),
	// dWc = Σ_n dpre·aᵀ, db = Σ_n dpre, da = Wcᵀ·dpre.
	type layer struct {
		l        *backbone.Layer
		in, pre  [][]float64 // input and pre-activation per image
		fout, fi int
	}
	centre := func(l *backbone.Layer, o, c int) float64 {
		return float64(l.W.Data()[(o*l.W.Dim(1)+c)*9+4])
	}
	leaky := func(v float64) float64 { return max(v, 0.1*v) }
	a := make([][]float64, n)
	for i := range a {
		for _, v := range f.Data()[i*f.Dim(1) : (i+1)*f.Dim(1)] {
			a[i] = append(a[i], float64(v))
		}
	}
	var ls []*layer
	for _, l := range []*backbone.Layer{l12, l13} {
		L := &layer{l: l, in: a, fout: l.W.Dim(0), fi: l.W.Dim(1)}
		next := make([][]float64, n)
		for i := range n {
			L.pre = append(L.pre, make([]float64, L.fout))
			next[i] = make([]float64, L.fout)
			for o := range L.fout {
				s := float64(l.B.Data()[o])
				for c := range L.fi {
					s += centre(l, o, c) * a[i][c]
				}
				L.pre[i][o], next[i][o] = s, leaky(s)
			}
		}
		ls, a = append(ls, L), next
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-3*(1+math.Abs(want)) {
			t.Fatalf("%s = %g, want %g", what, got, want)
		}
	}
	for i := range n {
		for o := range a[i] {
			near("y", float64(y.Data()[i*len(a[i])+o]), a[i][o])
		}
	}
	d := make([][]float64, n) // gradient of the current layer's output
	for i := range n {
		for _, v := range dy.Data()[i*len(a[i]) : (i+1)*len(a[i])] {
			d[i] = append(d[i], float64(v))
		}
	}
	for k := len(ls) - 1; k >= 0; k-- {
		L := ls[k]
		din := make([][]float64, n)
		for i := range n {
			din[i] = make([]float64, L.fi)
			for o := range L.fout {
				if L.pre[i][o] < 0 {
					d[i][o] *= 0.1
				}
			}
		}
		dw, db := L.l.W.Grad().Data(), L.l.B.Grad().Data()
		for o := range L.fout {
			var sb float64
			for i := range n {
				sb += d[i][o]
			}
			near(L.l.Name+" db", float64(db[o]), sb)
			for c := range L.fi {
				var s float64
				for i := range n {
					s += d[i][o] * L.in[i][c]
					din[i][c] += centre(L.l, o, c) * d[i][o]
				}
				taps := dw[(o*L.fi+c)*9:][:9]
				near(L.l.Name+" dW centre", float64(taps[4]), s)
				for j, v := range taps {
					if j != 4 && v != 0 {
						t.Fatalf("%s dW[%d, %d] tap %d = %g: the tap reads only padding, want 0", L.l.Name, o, c, j, v)
					}
				}
			}
		}
		d = din
	}
}
