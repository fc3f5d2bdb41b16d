package train

import (
	"fmt"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
)

// Predict returns model's class for each example of s, in order: the index of the largest value
// of its output row [classes] (ties go to the first class), evaluated in batches of batch
// examples marked no-grad (dl.Tensor.NoGrad). Like Accuracy, it switches the model to evaluation mode
// (nn.SetTrain) and leaves it there. An empty set gives an empty slice.
//
// Predict panics if batch < 1, and with a *dl.ShapeError if the model's output is not [b,
// classes] (or if the model panics).
func Predict(model nn.Module, s *datasets.Set, batch int) []int {
	if batch < 1 {
		panic("train: Predict: batch size must be at least 1")
	}
	pred := make([]int, 0, s.Len())
	if s.Len() == 0 {
		return pred
	}
	nn.SetTrain(model, false)
	for x, y := range s.Batches(batch, 0) {
		out := model.Forward(x.NoGrad())
		if out.Dims() != 2 || out.Dim(0) != len(y) {
			panic(&dl.ShapeError{Op: "train.Predict", A: out.Shape(), Msg: fmt.Sprintf("want the model's output [%d, classes], got", len(y))})
		}
		pred = append(pred, out.ArgMax(1)...)
	}
	return pred
}

// Mistakes compares predictions with labels: it returns the indices of the first k examples
// whose prediction is wrong, in order, their captions "predicted (true)" (for example "7 (2)"),
// and the number of wrong predictions in all. k ≤ 0 returns no indices, only the total.
//
// Mistakes panics if pred and labels differ in length.
func Mistakes(pred, labels []int, k int) (first []int, captions []string, total int) {
	if len(pred) != len(labels) {
		panic(fmt.Sprintf("train: Mistakes: %d predictions for %d labels", len(pred), len(labels)))
	}
	for i, p := range pred {
		if p == labels[i] {
			continue
		}
		total++
		if len(first) < k {
			first = append(first, i)
			captions = append(captions, fmt.Sprintf("%d (%d)", p, labels[i]))
		}
	}
	return first, captions, total
}

// Captions returns the classes as strings ("7"), one per example: captions for a grid of images
// with their labels or predictions.
func Captions(classes []int) []string {
	out := make([]string, len(classes))
	for i, c := range classes {
		out[i] = fmt.Sprint(c)
	}
	return out
}
