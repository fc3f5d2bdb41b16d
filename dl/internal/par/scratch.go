package par

import (
	"math/bits"
	"sync"
)

// pools holds reusable float32 buffers (im2col matrices, accumulators) for dl's conv and
// normalisation ops, so that steady-state training does not allocate them per call. Buffers
// are pooled by size class: pools[i] holds buffers of capacity 2^i.
var pools [48]sync.Pool

// GetScratch returns a buffer of length n from the pool (contents undefined).
func GetScratch(n int) *[]float32 {
	c := bits.Len(uint(max(n, 1) - 1))
	if p, ok := pools[c].Get().(*[]float32); ok {
		*p = (*p)[:n]
		return p
	}
	b := make([]float32, n, 1<<c)
	return &b
}

// PutScratch returns a buffer from GetScratch to the pool.
func PutScratch(p *[]float32) {
	c := bits.Len(uint(cap(*p) - 1))
	if cap(*p) == 1<<c {
		pools[c].Put(p)
	}
}
