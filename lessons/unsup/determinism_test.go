package unsup

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/deepnb/deepnb/internal/proctest"
)

// aeFingerprint trains a test-size autoencoder with a fixed seed and returns a hash of the
// bits of its final weights, its per-epoch losses and the codes of a few images.
func aeFingerprint(t *testing.T) string {
	t.Helper()
	s, err := mnist()
	if err != nil {
		t.Fatal(err)
	}
	x := s.X.Slice(0, 0, 640)
	ae := NewAutoencoder(256, 32, 3)
	losses := TrainAutoencoder(ae, x, AEOpts{Epochs: 2, Batch: 64, LR: 3e-3, Drop: 0.2, Seed: 5})
	h := sha256.New()
	for _, p := range ae.Parameters() {
		binary.Write(h, binary.LittleEndian, p.Data())
	}
	binary.Write(h, binary.LittleEndian, losses)
	for _, r := range ae.Encode(s.X.Slice(0, 400, 500)) {
		for _, v := range r {
			binary.Write(h, binary.LittleEndian, math.Float64bits(v))
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestAutoencoderBitIdentical trains the autoencoder with the same seed twice in this process
// and once in each of two more processes on 1 and 3 cores (GOMAXPROCS), and requires
// bit-identical weights, losses and codes: the result must depend neither on how goroutines
// happen to be scheduled nor on how many cores split the work. (On main before the fix, a
// process on 3 cores trained a different autoencoder: the AVX2 kernels computed the elements
// of a slice's tail, which moves with the cores' chunks, in scalar Go with different
// rounding.)
func TestAutoencoderBitIdentical(t *testing.T) {
	proctest.BitIdentical(t, func() string { return aeFingerprint(t) })
}

// TestNMIBitIdentical: NMI of the same clustering gives the same bits on every call (its sums
// once ran in Go's map order, which changes from call to call).
func TestNMIBitIdentical(t *testing.T) {
	assign, labels := make([]int, 3000), make([]int, 3000)
	for i := range assign {
		assign[i], labels[i] = (i*7919)%23, (i*104729)%17
	}
	first := NMI(assign, labels)
	for i := range 50 {
		if got := NMI(assign, labels); math.Float64bits(got) != math.Float64bits(first) {
			t.Fatalf("call %d: NMI %v, first call %v", i+1, got, first)
		}
	}
}
