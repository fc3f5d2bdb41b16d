package nn_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/internal/proctest"
)

// fingerprint trains the net that build makes (from an RNG seeded with seed) for steps Adam
// steps, each on a batch of seeded random inputs of the given shape (shape[0] images) with
// random labels of 10 classes, and returns a hash of the bits of its losses and final weights.
func fingerprint(seed uint64, build func(*rand.Rand) *nn.Sequential, shape []int, steps int) string {
	rng := rand.New(rand.NewPCG(7, seed))
	m := build(rng)
	opt := optim.NewAdam(m.Parameters(), 1e-3)
	h := sha256.New()
	for range steps {
		x := dl.RandN(rng, shape...)
		y := make([]int, shape[0])
		for i := range y {
			y[i] = rng.IntN(10)
		}
		opt.ZeroGrad()
		loss := nn.CrossEntropy(m.Forward(x), y)
		loss.Backward()
		opt.Step()
		binary.Write(h, binary.LittleEndian, loss.Item())
	}
	for _, p := range m.Parameters() {
		binary.Write(h, binary.LittleEndian, p.Data())
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// trainFingerprint trains a small conv net (conv, batch norm, pooling, layer norm, linear) on
// batches of 32 images of 28×28 (fingerprint).
func trainFingerprint(steps int) string {
	return fingerprint(7, func(rng *rand.Rand) *nn.Sequential {
		return nn.NewSequential(
			nn.NewConv2D(rng, 1, 8, 3).WithPadding(1), nn.NewBatchNorm2D(8), nn.ReLU, nn.NewMaxPool2D(2),
			nn.NewConv2D(rng, 8, 16, 3).WithPadding(1), nn.ReLU, nn.NewAvgPool2D(2),
			nn.Flatten, nn.NewLayerNorm(16*7*7), nn.NewLinear(rng, 16*7*7, 10))
	}, []int{32, 1, 28, 28}, steps)
}

// TestTrainingBitIdentical trains the same seeded conv net twice in this process and once in
// each of two more processes on 1 and 3 cores (GOMAXPROCS), and requires bit-identical weights
// and losses: no result may depend on how goroutines happen to be scheduled or on how many
// cores share an op's work (per-range gradient accumulators, conv bands, the tails of the
// AVX2 kernels).
func TestTrainingBitIdentical(t *testing.T) {
	proctest.BitIdentical(t, func() string { return trainFingerprint(4) })
}

// smallMapsFingerprint is trainFingerprint for a net whose convolutions see maps of 4×4, 2×2
// and 1×1, where dl.Conv2D runs one GEMM over the whole batch (leaving out, on the 1×1 map,
// the 8 taps of 9 that read only padding), wide enough that its products split over the cores.
func smallMapsFingerprint(steps int) string {
	return fingerprint(8, func(rng *rand.Rand) *nn.Sequential {
		return nn.NewSequential(
			nn.NewConv2D(rng, 32, 64, 3).WithPadding(1), nn.ReLU,
			nn.NewConv2D(rng, 64, 64, 3), nn.ReLU, // 4×4 → 2×2
			nn.NewConv2D(rng, 64, 32, 3).WithPadding(1), nn.ReLU, nn.NewMaxPool2D(2),
			nn.NewConv2D(rng, 32, 16, 3).WithPadding(1), nn.ReLU, // 1×1: one tap
			nn.Flatten, nn.NewLinear(rng, 16, 10))
	}, []int{16, 32, 4, 4}, steps)
}

// TestSmallMapsTrainingBitIdentical is TestTrainingBitIdentical for convolutions on small
// maps (dl.Conv2D's batched path): the same bits in this process and on 1 and 3 cores.
func TestSmallMapsTrainingBitIdentical(t *testing.T) {
	proctest.BitIdentical(t, func() string { return smallMapsFingerprint(3) })
}
