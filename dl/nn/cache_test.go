package nn_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/janpfeifer/gonb/cache"
)

// TestGoNBCache keeps tensors with GoNB's cache package, as a notebook cell would: the second
// call must not recompute and must return the same values.
func TestGoNBCache(t *testing.T) {
	store, err := cache.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	compute := func() []*dl.Tensor {
		calls++
		rng := rand.New(rand.NewPCG(uint64(calls), 1))
		return []*dl.Tensor{dl.RandN(rng, 3, 2).SetRequiresGrad(true), dl.Scalar(7)}
	}
	first := cache.CacheWith(store, "weights", compute)
	second := cache.CacheWith(store, "weights", compute)
	if calls != 1 {
		t.Errorf("computed %d times, want 1", calls)
	}
	for i := range first {
		if !slices.Equal(second[i].Shape(), first[i].Shape()) || second[i].RequiresGrad() != first[i].RequiresGrad() {
			t.Errorf("tensor %d: got %v, want %v", i, second[i], first[i])
		}
		numtest.Close(t, "cached", second[i].Data(), first[i].Data(), numtest.Exact, 0)
	}
}
