package train

import (
	"fmt"
	"math/rand/v2"
)

// Shuffled is the plain mini-batch loop for models that a Loop does not fit: targets that are
// not class labels (an autoencoder's images, a segmentation's masks) or a step that draws from
// the caller's generator (masking noise, a VAE's ε). For each of epochs epochs (fewer than 1
// are taken as 1) it draws an order of the n examples with rng.Perm(n), then calls step with
// the indices of each full batch of that order in turn (the last n mod batch examples sit the
// epoch out); step does the work (ZeroGrad, forward, Backward, Step) and returns the value to
// report, usually the batch's loss. onStep, if not nil, is called after every step with the
// step's number since the start, from 1, and step's value. Shuffled returns each epoch's mean
// of the values (0 for an epoch with no full batch).
//
// The permutation is drawn at the start of each epoch, before that epoch's steps, so a step may
// draw from the same rng and the whole run stays determined by rng's seed. Shuffled recovers
// nothing: a panic in step ends it. It panics if batch < 1.
//
// Introduced in notebooks/07a-supervised-and-unsupervised (the autoencoder).
func Shuffled(rng *rand.Rand, n, batch, epochs int, step func(idx []int) float64, onStep func(step int, v float64)) []float64 {
	if batch < 1 {
		panic(fmt.Sprintf("train: Shuffled: batch size %d, want at least 1", batch))
	}
	var out []float64
	steps := 0
	for range max(epochs, 1) {
		perm := rng.Perm(n)
		var sum float64
		k := 0
		for lo := 0; lo+batch <= n; lo += batch {
			v := step(perm[lo : lo+batch])
			sum += v
			k++
			steps++
			if onStep != nil {
				onStep(steps, v)
			}
		}
		out = append(out, sum/float64(max(k, 1)))
	}
	return out
}
