package nn_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/deepnb/deepnb/dl/nn"
)

// TestSequentialOrder checks that Sequential runs its layers in the order written, with no
// reordering: ReLU then MaxPool2D gives exactly the values and gradients of the two ops applied
// one after the other, and each layer sees the previous one's output.
func TestSequentialOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for i, pool := range []*nn.MaxPool2D{nn.NewMaxPool2D(2), {K: 3, Stride: 2, Padding: 1}} {
		x := dl.RandN(rng, 2, 3, 6, 6).SetRequiresGrad(true)
		x2 := x.Clone().SetRequiresGrad(true)
		seq := nn.NewSequential(nn.ReLU, pool, nn.Flatten)
		y := seq.Forward(x)
		want := dl.MaxPool2D(x2.ReLU(), pool.K, pool.Stride, pool.Padding).Flatten(1)
		numtest.Close(t, "values", y.Data(), want.Data(), 0, 0)
		w := dl.RandN(rng, want.Shape()...)
		y.Mul(w).Sum().Backward()
		want.Mul(w).Sum().Backward()
		if x.Grad() == nil || x2.Grad() == nil {
			t.Fatalf("case %d: no gradient", i)
		}
		numtest.Close(t, "gradients", x.Grad().Data(), x2.Grad().Data(), 0, 0)
	}

	var seen [][]int
	record := nn.Func(func(x *dl.Tensor) *dl.Tensor { seen = append(seen, x.Shape()); return x })
	seq := nn.NewSequential(record, nn.ReLU, record, nn.NewMaxPool2D(2), record, nn.Flatten, record)
	seq.Forward(dl.RandN(rng, 1, 2, 4, 4))
	want := [][]int{{1, 2, 4, 4}, {1, 2, 4, 4}, {1, 2, 2, 2}, {1, 8}}
	if !slices.EqualFunc(seen, want, slices.Equal) {
		t.Errorf("shapes seen between the layers: got %v, want %v", seen, want)
	}
}
