package par

import (
	"math/bits"
	"sync"
)

// pools holds reusable float32 buffers (im2col matrices, accumulators) for dl's conv and
// normalisation ops, so that steady-state training does not allocate them per call. Buffers
// are pooled by size class (see class): powers of two up to 16 floats, then 8 classes per
// doubling, so that a buffer wastes at most 1/8 of its capacity (a power-of-two class wastes
// up to half: the cnn workload's 20 MB im2col matrix took 32 MB).
var pools [64 * subClasses]sync.Pool

const subClasses = 8 // size classes per doubling above 16 floats

// class returns the size class of a buffer of n floats and its capacity: the smallest class
// capacity ≥ n.
func class(n int) (c, size int) {
	n = max(n, 1)
	e := bits.Len(uint(n - 1)) // 2^(e−1) < n ≤ 2^e
	if e <= 4 {
		return e, 1 << e
	}
	step := 1 << (e - 4) // 2^(e−1)/8: the classes are 2^(e−1) + k·step, k = 1…8
	k := (n - 1<<(e-1) + step - 1) / step
	return 5 + (e-5)*subClasses + k - 1, 1<<(e-1) + k*step
}

// GetScratch returns a buffer of length n from the pool (contents undefined).
func GetScratch(n int) *[]float32 {
	c, size := class(n)
	if p, ok := pools[c].Get().(*[]float32); ok {
		*p = (*p)[:n]
		return p
	}
	b := make([]float32, n, size)
	return &b
}

// PutScratch returns a buffer from GetScratch to the pool.
func PutScratch(p *[]float32) {
	if c, size := class(cap(*p)); cap(*p) == size {
		pools[c].Put(p)
	}
}
