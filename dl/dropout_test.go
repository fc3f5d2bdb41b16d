package dl_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

func TestDropout(t *testing.T) {
	const n, p = 10001, 0.3
	x := dl.Full(2, n)
	y1 := dl.Dropout(x, rand.New(rand.NewPCG(7, 7)), p, true)
	y2 := dl.Dropout(x, rand.New(rand.NewPCG(7, 7)), p, true)
	y3 := dl.Dropout(x, rand.New(rand.NewPCG(7, 8)), p, true)
	numtest.Close(t, "Dropout, same seed", y1.Data(), y2.Data(), numtest.Exact, 0)
	if numtest.AllClose(y1.Data(), y3.Data(), 0, 0) {
		t.Errorf("Dropout: seeds 7,7 and 7,8 gave the same mask")
	}
	dropped := 0
	for i, v := range y1.Data() {
		switch v {
		case 0:
			dropped++
		case 2 / (1 - float32(p)):
		default:
			t.Fatalf("Dropout: element %d = %v, want 0 or %v", i, v, 2/(1-p))
		}
	}
	// Binomial(10001, 0.3): mean ≈ 3000, standard deviation ≈ 46; allow 5σ.
	const want = 3000
	if d := dropped - want; d > 230 || d < -230 {
		t.Errorf("Dropout: dropped %d of %d, want about %d", dropped, n, want)
	}

	// The gradient is the mask scaled by 1/(1−p).
	xg := dl.Full(2, n).SetRequiresGrad(true)
	y := dl.Dropout(xg, rand.New(rand.NewPCG(7, 7)), p, true)
	y.BackwardWith(dl.Ones(n))
	for i, g := range xg.Grad().Data() {
		if g != y1.Data()[i]/2 {
			t.Fatalf("Dropout grad: element %d = %v, want %v", i, g, y1.Data()[i]/2)
		}
	}

	// Evaluation mode and p = 0 return x itself; p = 1 gives zeros.
	if dl.Dropout(x, rand.New(rand.NewPCG(1, 1)), p, false) != x || dl.Dropout(x, nil, 0, true) != x {
		t.Errorf("Dropout: eval mode or p = 0 did not return x itself")
	}
	numtest.Close(t, "Dropout p=1", dl.Dropout(dl.Ones(2, 3), rand.New(rand.NewPCG(1, 1)), 1, true).Data(), make([]float32, 6), numtest.Exact, 0)

	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		return dl.Dropout(xs[0], rand.New(rand.NewPCG(3, 3)), 0.5, true) // seeded inside: deterministic
	}, dl.RandN(rand.New(rand.NewPCG(1, 1)), 3, 5))

	for _, bad := range []float32{-0.1, 1.5} {
		err := numtest.PanicsWith(func() { dl.Dropout(x, rand.New(rand.NewPCG(1, 1)), bad, true) })
		want := fmt.Sprintf("Dropout: probability %g not in [0, 1]", bad)
		if !errors.Is(err, dl.ErrArg) || !strings.Contains(err.Error(), want) {
			t.Errorf("Dropout(p=%g): got panic %v, want %q", bad, err, want)
		}
	}
}

func TestEmbedding(t *testing.T) {
	w := dl.New([]float32{0, 1, 10, 11, 20, 21}, 3, 2).SetRequiresGrad(true)
	y := dl.Embedding(w, []int{2, 0, 2, 1}, 2, 2)
	if fmt.Sprint(y.Shape()) != "[2 2 2]" {
		t.Fatalf("Embedding shape: got %v, want [2 2 2]", y.Shape())
	}
	numtest.Close(t, "Embedding", y.Data(), []float32{20, 21, 0, 1, 20, 21, 10, 11}, numtest.Exact, 0)
	y.BackwardWith(dl.New([]float32{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2))
	// Row 2 is looked up twice and collects both gradients.
	numtest.Close(t, "Embedding grad", w.Grad().Data(), []float32{3, 4, 7, 8, 6, 8}, numtest.Exact, 0)
	if got := dl.Embedding(w, []int{1}).Shape(); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("Embedding shape without shape: got %v, want [1 2]", got)
	}

	rng := rand.New(rand.NewPCG(4, 1))
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.Embedding(xs[0], []int{3, 1, 3, 0, 4}) }, dl.RandN(rng, 5, 3))

	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { dl.Embedding(w, []int{0, 3}) }, "Embedding: index 3 (position 1) out of range [3 2] × [3]"},
		{func() { dl.Embedding(w, []int{-1}) }, "Embedding: index -1 (position 0) out of range"},
		{func() { dl.Embedding(w, []int{0, 1, 2}, 2, 2) }, "Embedding: index count does not match shape [3] × [2 2]"},
		{func() { dl.Embedding(dl.Zeros(3), []int{0}) }, "Embedding: want w [V D] [3]"},
	} {
		err := numtest.PanicsWith(tc.f)
		if !errors.Is(err, dl.ErrShape) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got panic %v, want a ShapeError containing %q", i, err, tc.want)
		}
	}
}
