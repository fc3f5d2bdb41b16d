package dl

import (
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// addSlice sets dst[i] += src[i]; len(dst) must be at least len(src).
func addSlice(dst, src []float32) {
	dst = dst[:len(src)]
	vec.Add(dst, dst, src)
}

// addChannelBias adds b[f] to every element of channel f of the [n, f, l] array y.
func addChannelBias(y, b []float32, n, f, l int) {
	par.For(n*f, max(1, 4096/max(1, l)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			vec.BiasLeaky(y[i*l:(i+1)*l], b[i%f], 1) // slope 1: no activation
		}
	})
}

// channelSums adds Σ_{n,l} y[n, f, l] into db[f].
func channelSums(db, y []float32, n, f, l int) {
	par.For(f, max(1, 4096/max(1, n*l)), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var s float32
			for i := range n {
				s += vec.Sum(y[(i*f+c)*l : (i*f+c+1)*l])
			}
			db[c] += s
		}
	})
}

// accs holds zeroed gradient accumulators for weights and biases, one per range of
// par.ForWorkers, added in range order: the same bits on any number of cores.
type accs struct {
	w, b [][]float32
	bufs []*[]float32
}

func newAccs(needW bool, nw int, needB bool, nb int) *accs {
	a := &accs{}
	if needW {
		a.w = a.alloc(nw)
	}
	if needB {
		a.b = a.alloc(nb)
	}
	return a
}

func (a *accs) alloc(n int) [][]float32 {
	out := make([][]float32, par.Parts)
	for i := range out {
		buf := par.GetScratch(n)
		clear(*buf)
		a.bufs = append(a.bufs, buf)
		out[i] = *buf
	}
	return out
}

func (a *accs) reduceW(dst []float32) { reduceInto(dst, a.w) }
func (a *accs) reduceB(dst []float32) { reduceInto(dst, a.b) }

// reduceWT adds the per-worker accumulators, which hold dwᵀ [K, Fg] per group, into dw
// [G·Fg, K].
func (a *accs) reduceWT(dw []float32, G, K, Fg int) {
	for _, part := range a.w {
		for gi := range G {
			pg := part[gi*K*Fg : (gi+1)*K*Fg]
			for f := range Fg {
				row := dw[(gi*Fg+f)*K : (gi*Fg+f+1)*K]
				for r := range row {
					row[r] += pg[r*Fg+f]
				}
			}
		}
	}
}

func reduceInto(dst []float32, parts [][]float32) {
	for _, p := range parts {
		addSlice(dst, p)
	}
}

func (a *accs) release() {
	for _, b := range a.bufs {
		par.PutScratch(b)
	}
}
