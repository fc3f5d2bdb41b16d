package digits

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/train"
)

// TestNewCNN: the CNN maps digits to 10 logits, its first filters are [16 1 5 5], and the same
// seed gives the same weights, another seed others.
func TestNewCNN(t *testing.T) {
	a, b, c := NewCNN(1), NewCNN(1), NewCNN(2)
	if s := a.Forward(dl.Zeros(3, 1, 28, 28)).Shape(); !slices.Equal(s, []int{3, 10}) {
		t.Errorf("output shape %v, want [3 10]", s)
	}
	if s := FirstFilters(a).Shape(); !slices.Equal(s, []int{16, 1, 5, 5}) {
		t.Errorf("first filters %v, want [16 1 5 5]", s)
	}
	if !slices.Equal(FirstFilters(a).Data(), FirstFilters(b).Data()) {
		t.Error("seed 1 twice: different filters")
	}
	if slices.Equal(FirstFilters(a).Data(), FirstFilters(c).Data()) {
		t.Error("seeds 1 and 2: the same filters")
	}
}

// TestTrainCNN: the first call trains (above chance on held-out digits) and writes the
// checkpoint; the second loads it, with the same weights, and calls no watcher. Not parallel
// (training reaches dl.NoGrad).
func TestTrainCNN(t *testing.T) {
	const n = 1000
	trainSet, testSet, err := datasets.MNIST(n, 500)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cnn.safetensors")
	watched := 0
	watch := func(*train.Loop) { watched++ }
	cnn, loaded, err := TrainCNN(path, trainSet, testSet, watch)
	if err != nil {
		t.Fatal(err)
	}
	if loaded || watched != 1 {
		t.Errorf("first call: loaded %v, watcher called %d times; want trained and watched once", loaded, watched)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no checkpoint: %v", err)
	}
	acc := train.Accuracy(cnn, testSet, 500)
	t.Logf("%d training digits: test accuracy %.1f%%", n, 100*acc)
	if acc < 0.4 {
		t.Errorf("test accuracy %.1f%% after training, want ≥ 40%% (chance is 10%%)", 100*acc)
	}
	again, loaded, err := TrainCNN(path, trainSet, testSet, watch)
	if err != nil {
		t.Fatal(err)
	}
	if !loaded || watched != 1 {
		t.Errorf("second call: loaded %v, watcher called %d times; want loaded, not watched", loaded, watched)
	}
	if !slices.Equal(FirstFilters(cnn).Data(), FirstFilters(again).Data()) {
		t.Error("the loaded CNN's filters differ from the trained one's")
	}
	if err := os.WriteFile(path, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := TrainCNN(path, trainSet, testSet, nil); err == nil {
		t.Error("corrupt checkpoint: no error")
	}
}

// TestCheckpoint: lecture 02's naming.
func TestCheckpoint(t *testing.T) {
	want := filepath.Join(os.TempDir(), "deepnb-02", "cnn-v1-10000.safetensors")
	if got := Checkpoint("cnn", "v1", 10000); got != want {
		t.Errorf("Checkpoint = %q, want %q", got, want)
	}
}

// FirstFilters panics for a model whose first layer is not a convolution.
func TestFirstFiltersPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	FirstFilters(nn.NewSequential(nn.Flatten))
}
