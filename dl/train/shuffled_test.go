package train_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl/train"
)

// TestShuffled checks Shuffled's batches against the permutations a generator with the same
// seed draws, the steps' numbering, the epoch means and the left-out tail, for batch sizes
// that divide n, leave a tail, or exceed n.
func TestShuffled(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		n, batch, epochs int
		wantEpochs       int // epochs run (fewer than 1 are taken as 1)
	}{
		{12, 4, 2, 2},
		{10, 3, 3, 3}, // one example sits out each epoch
		{5, 8, 2, 2},  // no full batch: no steps, epoch means 0
		{6, 6, 0, 1},
		{7, 1, -1, 1},
	} {
		// The reference: the same seed's permutations, cut into full batches.
		ref := rand.New(rand.NewPCG(9, uint64(i)))
		var wantBatches [][]int
		var wantMeans []float64
		for range tc.wantEpochs {
			perm := ref.Perm(tc.n)
			var sum float64
			k := 0
			for lo := 0; lo+tc.batch <= tc.n; lo += tc.batch {
				b := perm[lo : lo+tc.batch]
				wantBatches = append(wantBatches, b)
				sum += float64(b[0]*100 + b[len(b)-1])
				k++
			}
			wantMeans = append(wantMeans, sum/float64(max(k, 1)))
		}

		rng := rand.New(rand.NewPCG(9, uint64(i)))
		var gotBatches [][]int
		var stepNums []int
		var stepVals []float64
		means := train.Shuffled(rng, tc.n, tc.batch, tc.epochs, func(idx []int) float64 {
			gotBatches = append(gotBatches, slices.Clone(idx))
			return float64(idx[0]*100 + idx[len(idx)-1])
		}, func(step int, v float64) {
			stepNums = append(stepNums, step)
			stepVals = append(stepVals, v)
		})
		if !slices.EqualFunc(gotBatches, wantBatches, slices.Equal) {
			t.Errorf("case %d: Shuffled batches: got %v, want %v", i, gotBatches, wantBatches)
		}
		if !slices.Equal(means, wantMeans) {
			t.Errorf("case %d: Shuffled epoch means: got %v, want %v", i, means, wantMeans)
		}
		for s := range stepNums {
			b := wantBatches[s]
			if stepNums[s] != s+1 || stepVals[s] != float64(b[0]*100+b[len(b)-1]) {
				t.Errorf("case %d: onStep call %d: got (%d, %v), want (%d, %v)", i, s, stepNums[s], stepVals[s], s+1, float64(b[0]*100+b[len(b)-1]))
			}
		}
		if len(stepNums) != len(wantBatches) {
			t.Errorf("case %d: onStep called %d times, want %d", i, len(stepNums), len(wantBatches))
		}
	}
}

// TestShuffledSharedRNG: a step that draws from the same generator still gets the order drawn
// before the epoch's steps, so the run is determined by the seed alone.
func TestShuffledSharedRNG(t *testing.T) {
	t.Parallel()
	run := func() ([]float64, []int) {
		rng := rand.New(rand.NewPCG(4, 4))
		var order []int
		means := train.Shuffled(rng, 9, 2, 3, func(idx []int) float64 {
			order = append(order, idx...)
			return rng.Float64() // the step's own draw
		}, nil)
		return means, order
	}
	m1, o1 := run()
	m2, o2 := run()
	if !slices.Equal(m1, m2) || !slices.Equal(o1, o2) {
		t.Errorf("Shuffled with a shared generator: runs differ: %v %v vs %v %v", m1, o1, m2, o2)
	}
	// The first epoch's order is the generator's first permutation.
	if want := rand.New(rand.NewPCG(4, 4)).Perm(9)[:8]; !slices.Equal(o1[:8], want) {
		t.Errorf("Shuffled: first epoch's order %v, want %v", o1[:8], want)
	}
}

func TestShuffledPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r != "train: Shuffled: batch size 0, want at least 1" {
			t.Errorf("Shuffled with batch 0: recovered %v", r)
		}
	}()
	train.Shuffled(rand.New(rand.NewPCG(1, 1)), 4, 0, 1, func([]int) float64 { return 0 }, nil)
}

func ExampleShuffled() {
	rng := rand.New(rand.NewPCG(1, 1))
	data := []float64{1, 2, 3, 4, 5, 6, 7}
	means := train.Shuffled(rng, len(data), 3, 2, func(idx []int) float64 {
		var s float64
		for _, i := range idx {
			s += data[i]
		}
		return s / float64(len(idx)) // a "loss": the batch's mean
	}, func(step int, v float64) { fmt.Printf("step %d: %.4f\n", step, v) })
	fmt.Printf("epoch means: %.4f\n", means)
	// Output:
	// step 1: 3.0000
	// step 2: 4.0000
	// step 3: 3.6667
	// step 4: 3.6667
	// epoch means: [3.5000 3.6667]
}
