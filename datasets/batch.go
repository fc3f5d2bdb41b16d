package datasets

import (
	"iter"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
)

// Shuffle returns a permutation of 0…n−1 drawn from a PCG generator seeded with seed:
// the same seed gives the same order.
func Shuffle(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Perm(n)
}

// Batches yields the indices 0…n−1 in mini-batches of size (the last may be smaller), shuffled
// with seed; a seed of 0 keeps the original order. Batches panics if size < 1.
func Batches(n, size int, seed uint64) iter.Seq[[]int] {
	if size < 1 {
		panic("datasets: Batches: batch size must be at least 1")
	}
	return func(yield func([]int) bool) {
		var order []int
		if seed != 0 {
			order = Shuffle(n, seed)
		}
		idx := make([]int, 0, size)
		for lo := 0; lo < n; lo += size {
			idx = idx[:0]
			for i := lo; i < min(lo+size, n); i++ {
				if order != nil {
					idx = append(idx, order[i])
				} else {
					idx = append(idx, i)
				}
			}
			if !yield(idx) {
				return
			}
		}
	}
}

// Batches yields (x, y) mini-batches of s in an order shuffled with seed (0: in order). x has
// shape [b, C, H, W] and is a fresh copy each time; y holds the b labels. The slices are reused
// between iterations: copy what you keep.
func (s *Set) Batches(size int, seed uint64) iter.Seq2[*dl.Tensor, []int] {
	return func(yield func(*dl.Tensor, []int) bool) {
		per := s.X.Len() / max(s.Len(), 1)
		src := s.X.Data()
		ys := make([]int, 0, size)
		for idx := range Batches(s.Len(), size, seed) {
			xs := make([]float32, len(idx)*per)
			ys = ys[:0]
			for k, i := range idx {
				copy(xs[k*per:(k+1)*per], src[i*per:(i+1)*per])
				ys = append(ys, s.Y[i])
			}
			shape := append([]int{len(idx)}, s.X.Shape()[1:]...)
			if !yield(dl.New(xs, shape...), ys) {
				return
			}
		}
	}
}
