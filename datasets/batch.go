package datasets

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"

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

// Split divides s into a training and a test set, stratified by class: from each class with n
// examples, round(testFrac·n) of them (at least one when n ≥ 2, never all) go to the test set,
// drawn with a generator seeded with seed, so every class is in both sets and the same seed
// gives the same split. Both sets keep the original order and hold copies of the data.
// Split panics unless 0 < testFrac < 1.
func (s *Set) Split(testFrac float64, seed uint64) (train, test *Set) {
	if !(testFrac > 0 && testFrac < 1) {
		panic(fmt.Sprintf("datasets: Split: test fraction %v is not in (0, 1)", testFrac))
	}
	byClass := map[int][]int{}
	for i, y := range s.Y {
		byClass[y] = append(byClass[y], i)
	}
	isTest := make([]bool, s.Len())
	for c := range len(s.Classes) + 1 { // deterministic order; labels beyond Classes are grouped last
		var idx []int
		if c < len(s.Classes) {
			idx = byClass[c]
		} else {
			for y, is := range byClass {
				if y < 0 || y >= len(s.Classes) {
					idx = append(idx, is...)
				}
			}
			slices.Sort(idx)
		}
		n := len(idx)
		k := int(math.Round(testFrac * float64(n)))
		if n >= 2 {
			k = min(max(k, 1), n-1)
		}
		for _, j := range Shuffle(n, seed+uint64(c))[:k] {
			isTest[idx[j]] = true
		}
	}
	var trainIdx, testIdx []int
	for i, t := range isTest {
		if t {
			testIdx = append(testIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	return s.pick(trainIdx), s.pick(testIdx)
}

// pick returns a new Set holding copies of the examples idx of s.
func (s *Set) pick(idx []int) *Set {
	per := s.X.Len() / max(s.Len(), 1)
	x := make([]float32, 0, len(idx)*per)
	y := make([]int, 0, len(idx))
	for _, i := range idx {
		x = append(x, s.X.Data()[i*per:(i+1)*per]...)
		y = append(y, s.Y[i])
	}
	return &Set{X: dl.New(x, append([]int{len(idx)}, s.X.Shape()[1:]...)...), Y: y, Classes: s.Classes}
}
