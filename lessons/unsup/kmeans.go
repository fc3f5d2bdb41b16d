package unsup

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/deepnb/deepnb/dl"
)

// Rows returns the examples of a batch tensor [N, …] as N rows of float64.
func Rows(t *dl.Tensor) [][]float64 {
	n := t.Dim(0)
	d := t.Len() / max(n, 1)
	data := t.Data()
	out := make([][]float64, n)
	for i := range out {
		r := make([]float64, d)
		for j, v := range data[i*d : (i+1)*d] {
			r[j] = float64(v)
		}
		out[i] = r
	}
	return out
}

// Tensor returns rows as a [len(rows), d] tensor, or with shape [len(rows), shape…] if shape is
// given (for example 1, 28, 28 to show centres as images).
func Tensor(rows [][]float64, shape ...int) *dl.Tensor {
	var out []float32
	for _, r := range rows {
		for _, v := range r {
			out = append(out, float32(v))
		}
	}
	if len(shape) == 0 {
		shape = []int{len(rows[0])}
	}
	return dl.New(out, append([]int{len(rows)}, shape...)...)
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return s
}

// Clustering is the result of KMeans.
type Clustering struct {
	Centres [][]float64
	Assign  []int   // Assign[i] is the cluster of point i
	Inertia float64 // Σ squared distance of each point to its centre
	Iters   int     // Lloyd iterations run
}

// KMeans clusters x into k clusters: centres seeded by k-means++ (Arthur and Vassilvitskii
// 2007: each next centre drawn with probability ∝ squared distance to the nearest chosen one)
// from a generator seeded with seed, then Lloyd's iterations (assign each point to its nearest
// centre, move each centre to its points' mean) until no assignment changes or maxIter. It
// panics unless 1 ≤ k ≤ len(x).
func KMeans(x [][]float64, k, maxIter int, seed uint64) Clustering {
	if k < 1 || k > len(x) {
		panic(fmt.Sprintf("unsup.KMeans: k = %d for %d points", k, len(x)))
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	centres := [][]float64{append([]float64(nil), x[rng.IntN(len(x))]...)}
	d2 := make([]float64, len(x))
	for i, p := range x {
		d2[i] = sqDist(p, centres[0])
	}
	for len(centres) < k {
		var total float64
		for _, v := range d2 {
			total += v
		}
		r, pick := rng.Float64()*total, len(x)-1
		for i, v := range d2 {
			if r -= v; r < 0 {
				pick = i
				break
			}
		}
		c := append([]float64(nil), x[pick]...)
		centres = append(centres, c)
		for i, p := range x {
			d2[i] = min(d2[i], sqDist(p, c))
		}
	}
	assign := make([]int, len(x))
	for i := range assign {
		assign[i] = -1
	}
	res := Clustering{Centres: centres, Assign: assign}
	for res.Iters = 0; res.Iters < maxIter; res.Iters++ {
		changed := false
		res.Inertia = 0
		for i, p := range x {
			best, bd := 0, math.Inf(1)
			for c, ctr := range centres {
				if d := sqDist(p, ctr); d < bd {
					best, bd = c, d
				}
			}
			if assign[i] != best {
				assign[i], changed = best, true
			}
			res.Inertia += bd
		}
		if !changed {
			break
		}
		counts := make([]int, k)
		for c := range centres {
			clear(centres[c])
		}
		for i, p := range x {
			counts[assign[i]]++
			for j, v := range p {
				centres[assign[i]][j] += v
			}
		}
		for c, n := range counts {
			if n == 0 { // an empty cluster takes the point farthest from its centre
				far, fd := 0, -1.0
				for i, p := range x {
					if d := sqDist(p, centres[assign[i]]); d > fd {
						far, fd = i, d
					}
				}
				copy(centres[c], x[far])
				continue
			}
			for j := range centres[c] {
				centres[c][j] /= float64(n)
			}
		}
	}
	return res
}

// Purity returns the fraction of points whose cluster's most common label is their own.
func Purity(assign, labels []int) float64 {
	counts := map[[2]int]int{}
	best := map[int]int{}
	for i, a := range assign {
		key := [2]int{a, labels[i]}
		counts[key]++
		best[a] = max(best[a], counts[key])
	}
	total := 0
	for _, v := range best {
		total += v
	}
	return float64(total) / float64(len(assign))
}

// NMI returns the normalised mutual information I(A; L)/((H(A)+H(L))/2) between a clustering and
// the labels (arithmetic normalisation, scikit-learn's default): 1 when one determines the
// other, about 0 for independent ones. It panics if the lengths differ.
func NMI(assign, labels []int) float64 {
	if len(assign) != len(labels) {
		panic(fmt.Sprintf("unsup.NMI: %d assignments for %d labels", len(assign), len(labels)))
	}
	n := float64(len(assign))
	joint := map[[2]int]float64{}
	pa, pl := map[int]float64{}, map[int]float64{}
	for i, a := range assign {
		joint[[2]int{a, labels[i]}]++
		pa[a]++
		pl[labels[i]]++
	}
	// The sums run over sorted keys: Go's map order changes from run to run, and so would the
	// last bits of a float sum in that order.
	entropy := func(m map[int]float64) float64 {
		var h float64
		for _, k := range slices.Sorted(maps.Keys(m)) {
			h -= m[k] / n * math.Log(m[k]/n)
		}
		return h
	}
	keys := slices.SortedFunc(maps.Keys(joint), func(a, b [2]int) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	var mi float64
	for _, k := range keys {
		c := joint[k]
		mi += c / n * math.Log(c*n/(pa[k[0]]*pl[k[1]]))
	}
	ha, hl := entropy(pa), entropy(pl)
	if ha+hl == 0 {
		return 1
	}
	return mi / ((ha + hl) / 2)
}

// MajorityLabels returns, for each of k clusters, the most common label of its points (the
// smallest such label on a tie, −1 for an empty cluster): a caption for each centre.
func MajorityLabels(assign, labels []int, k int) []int {
	counts := make([]map[int]int, k)
	for c := range counts {
		counts[c] = map[int]int{}
	}
	for i, a := range assign {
		counts[a][labels[i]]++
	}
	out := make([]int, k)
	for c, m := range counts {
		best, bn := -1, 0
		for l, n := range m {
			if n > bn || n == bn && l < best {
				best, bn = l, n
			}
		}
		out[c] = best
	}
	return out
}

// Columns returns the first k coordinates of each row (sharing memory with z).
func Columns(z [][]float64, k int) [][]float64 {
	out := make([][]float64, len(z))
	for i, r := range z {
		out[i] = r[:k]
	}
	return out
}
