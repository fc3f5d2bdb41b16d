package train_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/train"
)

// brightest is a model without parameters whose logits are the pixels of a 1×2×2 image: it
// predicts the brightest pixel (0 to 3, the first among ties).
type brightest struct{}

func (brightest) Forward(x *dl.Tensor) *dl.Tensor { return x.Reshape(x.Dim(0), 4) }
func (brightest) Parameters() []*dl.Tensor        { return nil }

// unflat returns its input as it is, [b, 1, 2, 2]: not logits.
type unflat struct{}

func (unflat) Forward(x *dl.Tensor) *dl.Tensor { return x }
func (unflat) Parameters() []*dl.Tensor        { return nil }

// pixelSet returns 1×2×2 images whose brightest pixels are at bright, labelled labels.
func pixelSet(bright, labels []int) *datasets.Set {
	x := make([]float32, 4*len(bright))
	for i, b := range bright {
		x[4*i+b] = 1
		x[4*i+(b+1)%4] = 0.5
	}
	return &datasets.Set{X: dl.New(x, len(bright), 1, 2, 2), Y: labels}
}

func TestPredict(t *testing.T) {
	bright := []int{3, 0, 1, 1, 2, 0, 3}
	s := pixelSet(bright, make([]int, len(bright)))
	for i, batch := range []int{1, 3, 7, 100} {
		if got := train.Predict(brightest{}, s, batch); !slices.Equal(got, bright) {
			t.Errorf("case %d: Predict, batch %d: got %v, want %v", i, batch, got, bright)
		}
	}
	if got := train.Predict(brightest{}, s.Subset(0), 10); got == nil || len(got) != 0 {
		t.Errorf("Predict on an empty set: got %#v, want an empty slice", got)
	}

	// A trained MLP: Predict agrees with Accuracy.
	trainSet, test := synth(512, 1), synth(256, 2)
	model := mlp(1, 16, 16, 4)
	loop := train.Loop{Model: model, Opt: sgd(model, 0.1, 0.9), Epochs: 2}
	if _, err := loop.Run(trainSet, test, 32, 1); err != nil {
		t.Fatal(err)
	}
	pred := train.Predict(model, test, 100)
	_, _, wrong := train.Mistakes(pred, test.Y, 0)
	if got, want := float64(len(pred)-wrong)/float64(len(pred)), train.Accuracy(model, test, 100); got != want || len(pred) != test.Len() {
		t.Errorf("Predict on %d examples: %d predictions, accuracy %v; Accuracy says %v", test.Len(), len(pred), got, want)
	}
}

func TestPredictPanics(t *testing.T) {
	s := pixelSet([]int{0, 1}, []int{0, 1})
	for i, tc := range []struct {
		name  string
		f     func()
		shape bool // a *dl.ShapeError
	}{
		{"batch 0", func() { train.Predict(brightest{}, s, 0) }, false},
		{"output [b 1 2 2]", func() { train.Predict(unflat{}, s, 2) }, true},
	} {
		if tc.shape {
			if err := dl.Try(tc.f); !errors.Is(err, dl.ErrShape) {
				t.Errorf("case %d: %s: got %v, want an error matching dl.ErrShape", i, tc.name, err)
			}
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != "train: Predict: batch size must be at least 1" {
					t.Errorf("case %d: %s: panic %v", i, tc.name, r)
				}
			}()
			tc.f()
		}()
	}
}

func TestMistakes(t *testing.T) {
	for i, tc := range []struct {
		pred, labels []int
		k            int
		first        []int
		captions     []string
		total        int
	}{
		{nil, nil, 16, nil, nil, 0},
		{[]int{1, 2, 3}, []int{1, 2, 3}, 16, nil, nil, 0},
		{[]int{7, 2, 3, 9, 0}, []int{2, 2, 5, 9, 6}, 16, []int{0, 2, 4}, []string{"7 (2)", "3 (5)", "0 (6)"}, 3},
		{[]int{7, 2, 3, 9, 0}, []int{2, 2, 5, 9, 6}, 2, []int{0, 2}, []string{"7 (2)", "3 (5)"}, 3},
		{[]int{7, 2, 3, 9, 0}, []int{2, 2, 5, 9, 6}, 0, nil, nil, 3},
	} {
		first, captions, total := train.Mistakes(tc.pred, tc.labels, tc.k)
		if !slices.Equal(first, tc.first) || !slices.Equal(captions, tc.captions) || total != tc.total {
			t.Errorf("case %d: Mistakes(%v, %v, %d): got %v, %q, %d; want %v, %q, %d", i, tc.pred, tc.labels, tc.k,
				first, captions, total, tc.first, tc.captions, tc.total)
		}
	}
	func() {
		defer func() {
			if r := recover(); r != "train: Mistakes: 2 predictions for 1 labels" {
				t.Errorf("Mistakes with different lengths: panic %v", r)
			}
		}()
		train.Mistakes([]int{1, 2}, []int{1}, 1)
	}()
}

func TestCaptions(t *testing.T) {
	if got, want := train.Captions([]int{7, 0, 12}), []string{"7", "0", "12"}; !slices.Equal(got, want) {
		t.Errorf("Captions: got %q, want %q", got, want)
	}
	if got := train.Captions(nil); len(got) != 0 {
		t.Errorf("Captions(nil): got %q", got)
	}
}

func TestTrainOnceWithLoop(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "mlp.safetensors")
	weights := func(m nn.Params) [][]float32 {
		var out [][]float32
		for _, p := range m.Parameters() {
			out = append(out, slices.Clone(p.Data()))
		}
		return out
	}

	// A failing fit: nothing loaded, nothing saved, fit's error returned.
	boom := errors.New("boom")
	loaded, err := nn.TrainOnce(path, mlp(1, 16, 8, 4), func() error { return boom })
	if loaded || !errors.Is(err, boom) {
		t.Errorf("Once with a failing fit: loaded %v, err %v; want false, %v", loaded, err, boom)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Once with a failing fit saved a checkpoint: %v", err)
	}

	// The first call trains and saves.
	model := mlp(1, 16, 8, 4)
	calls := 0
	fit := func() error {
		calls++
		loop := train.Loop{Model: model, Opt: sgd(model, 0.1, 0.9)}
		_, err := loop.Run(synth(128, 1), nil, 32, 1)
		return err
	}
	loaded, err = nn.TrainOnce(path, model, fit)
	if loaded || err != nil || calls != 1 {
		t.Fatalf("Once, first call: loaded %v, err %v, fit called %d times; want false, nil, 1", loaded, err, calls)
	}
	trained := weights(model)

	// The second call loads the trained weights into a fresh model, without fitting.
	fresh := mlp(2, 16, 8, 4)
	if reflect.DeepEqual(weights(fresh), trained) {
		t.Fatal("a fresh model has the trained weights")
	}
	loaded, err = nn.TrainOnce(path, fresh, func() error { calls++; return nil })
	if !loaded || err != nil || calls != 1 {
		t.Errorf("Once, second call: loaded %v, err %v, fit called %d times; want true, nil, 1", loaded, err, calls)
	}
	if !reflect.DeepEqual(weights(fresh), trained) {
		t.Errorf("Once, second call: the weights are not the trained ones")
	}

	// A checkpoint of another architecture: an error, not loaded.
	loaded, err = nn.TrainOnce(path, mlp(1, 16, 9, 4), func() error { calls++; return nil })
	if loaded || err == nil || calls != 1 {
		t.Errorf("Once with another architecture: loaded %v, err %v, fit called %d times; want false, an error, 1", loaded, err, calls)
	}
}

// ExampleMistakes finds the wrong predictions and captions them "predicted (true)".
func ExampleMistakes() {
	pred := []int{7, 2, 1, 0, 4, 1, 4, 9}
	labels := []int{7, 2, 1, 0, 4, 1, 9, 5}
	first, captions, total := train.Mistakes(pred, labels, 16)
	fmt.Printf("%d mistakes: examples %v, captions %q\n", total, first, captions)
	// Output: 2 mistakes: examples [6 7], captions ["4 (9)" "9 (5)"]
}
