package train_test

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
)

// bars returns n 1×3×3 images of 3 classes: class c is a bright row c over noise.
func bars(n int, seed uint64) *datasets.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	x, y := make([]float32, n*9), make([]int, n)
	for i := range n {
		y[i] = rng.IntN(3)
		for p := range 9 {
			x[i*9+p] = 0.2 * float32(rng.NormFloat64())
			if p/3 == y[i] {
				x[i*9+p]++
			}
		}
	}
	return &datasets.Set{X: dl.New(x, n, 1, 3, 3), Y: y}
}

func ExampleLoop_Run() {
	rng := rand.New(rand.NewPCG(1, 1))
	model := nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 9, 16), nn.ReLU, nn.NewLinear(rng, 16, 3))
	opt := optim.NewSGD(model.Parameters(), 0.1)
	opt.Momentum = 0.9

	loop := train.Loop{Model: model, Opt: opt, Epochs: 2}
	loop.OnEpoch = func(e train.Epoch) error {
		fmt.Printf("epoch %d: test accuracy %.4f\n", e.Epoch, e.TestAccuracy)
		return nil
	}
	hist, err := loop.Run(bars(320, 1), bars(100, 2), 32, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d steps; the loss fell: %v\n", len(hist.Loss), hist.Epochs[1].Loss < float64(hist.Loss[0])/4)
	// Output:
	// epoch 1: test accuracy 1.0000
	// epoch 2: test accuracy 1.0000
	// 20 steps; the loss fell: true
}

func ExampleLoop_Run_errors() {
	rng := rand.New(rand.NewPCG(1, 1))
	model := nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 8, 3)) // the images have 9 pixels
	loop := train.Loop{Model: model, Opt: optim.NewSGD(model.Parameters(), 0.1)}
	_, err := loop.Run(bars(64, 1), nil, 32, 1)
	fmt.Println(errors.Is(err, dl.ErrShape))

	model = nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 9, 16), nn.ReLU, nn.NewLinear(rng, 16, 3))
	loop = train.Loop{Model: model, Opt: optim.NewSGD(model.Parameters(), 1e12), Epochs: 10} // far too large
	_, err = loop.Run(bars(64, 1), nil, 32, 1)
	fmt.Println(errors.Is(err, train.ErrNaNLoss))
	// Output:
	// true
	// true
}

func ExampleEvery() {
	hook := train.Every(3, func(s train.Step, loss, acc float64) {
		fmt.Printf("step %d (%.2f epochs): mean loss %.4f, accuracy %.4f\n", s.Step, s.Epochs(), loss, acc)
	})
	for i, l := range []float32{4, 3, 2, 1, 0.5} { // one epoch of 5 batches of 10 examples
		hook(train.Step{Epoch: 1, Batch: i + 1, Batches: 5, Step: i + 1, Size: 10, Loss: l, Correct: 2 * i})
	}
	// Output:
	// step 3 (0.60 epochs): mean loss 3.0000, accuracy 0.2000
	// step 5 (1.00 epochs): mean loss 0.7500, accuracy 0.7000
}

// A hook stops training early by returning ErrStop: here after the second epoch, as an early
// stopping rule or a time budget would.
func ExampleErrStop() {
	rng := rand.New(rand.NewPCG(1, 1))
	model := nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 9, 3))
	loop := train.Loop{Model: model, Opt: optim.NewSGD(model.Parameters(), 0.1), Epochs: 10}
	loop.OnEpoch = func(e train.Epoch) error {
		if e.Epoch == 2 {
			return train.ErrStop
		}
		return nil
	}
	hist, err := loop.Run(bars(60, 1), nil, 20, 1)
	fmt.Println(len(hist.Epochs), "epochs,", len(hist.Loss), "steps, error:", err)
	// Output: 2 epochs, 6 steps, error: <nil>
}
