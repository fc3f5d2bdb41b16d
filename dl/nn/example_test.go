package nn_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
)

func ExampleLinear() {
	l := &nn.Linear{
		Weight: dl.New([]float32{1, 2, 3, 4, 5, 6}, 3, 2), // [out 3, in 2]
		Bias:   dl.New([]float32{0.5, -1, 0}, 3),
	}
	y := l.Forward(dl.New([]float32{1, -1}, 1, 2)) // y = x·Wᵀ + b
	fmt.Printf("%v %.4f\n", y.Shape(), y.Data())
	// Output: [1 3] [-0.5000 -2.0000 -1.0000]
}

func ExampleSequential() {
	rng := rand.New(rand.NewPCG(1, 1))
	model := nn.NewSequential(nn.NewLinear(rng, 2, 8), nn.ReLU, nn.NewLinear(rng, 8, 3))
	x := dl.New([]float32{0.5, -1, 2, 0}, 2, 2)
	loss := nn.CrossEntropy(model.Forward(x), []int{0, 2})
	loss.Backward()
	for _, p := range nn.NamedParameters(model) {
		fmt.Println(p.Name, p.T.Shape())
	}
	fmt.Println("parameters:", nn.Count(model))
	fmt.Println("has gradient:", model.Parameters()[0].Grad() != nil)
	// Output:
	// 0.weight [8 2]
	// 0.bias [8]
	// 2.weight [3 8]
	// 2.bias [3]
	// parameters: 51
	// has gradient: true
}

func ExampleSave() {
	rng := rand.New(rand.NewPCG(1, 1))
	trained := nn.NewSequential(nn.NewLinear(rng, 2, 2))
	var file bytes.Buffer // or nn.SaveFile("model.safetensors", trained)
	if err := nn.Save(&file, trained); err != nil {
		fmt.Println(err)
	}
	fresh := nn.NewSequential(nn.NewLinear(rng, 2, 2))
	if err := nn.Load(&file, fresh); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%.4f\n", fresh.Parameters()[0].Data())
	fmt.Printf("%.4f\n", trained.Parameters()[0].Data())

	// A model of another shape is refused, with the reason.
	nn.Save(&file, trained)
	err := nn.Load(&file, nn.NewSequential(nn.NewLinear(rng, 3, 2)))
	fmt.Println(err)
	// Output:
	// [-0.2259 0.5798 0.4650 0.4573]
	// [-0.2259 0.5798 0.4650 0.4573]
	// nn.Load: 1 mismatch(es) between file and model:
	// 	"0.weight": shape [2 2] in file, [2 3] in model
}

func ExampleTrainOnce() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	for run := 1; run <= 2; run++ { // two runs of the same notebook cell
		model := nn.NewLinear(rand.New(rand.NewPCG(1, 1)), 2, 1)
		loaded, err := nn.TrainOnce(path, model, func() error {
			fmt.Println("run", run, "trains")
			model.Bias.Data()[0] = 42 // stands for a training loop
			return nil
		})
		fmt.Printf("run %d: bias %.4f, loaded %v, err %v\n", run, model.Bias.Data()[0], loaded, err)
	}
	// Output:
	// run 1 trains
	// run 1: bias 42.0000, loaded false, err <nil>
	// run 2: bias 42.0000, loaded true, err <nil>
}

func ExampleLSTM() {
	rng := rand.New(rand.NewPCG(1, 1))
	lstm := nn.NewLSTM(rng, 3, 4)
	x := dl.RandN(rng, 2, 5, 3) // batch 2, sequence 5, features 3
	out, h, c := lstm.ForwardState(x, nil, nil)
	fmt.Println(out.Shape(), h.Shape(), c.Shape())
	// Next batch: continue from the detached state (truncated BPTT).
	out, _, _ = lstm.ForwardState(x, h.Detach(), c.Detach())
	fmt.Println(out.Shape())
	// Output:
	// [2 5 4] [2 4] [2 4]
	// [2 5 4]
}

func ExampleGram() {
	f := dl.New([]float32{1, 2, 3, 4}, 2, 1, 2) // [C 2, H 1, W 2]
	g := nn.Gram(f)                             // F·Fᵀ / (C·H·W)
	fmt.Printf("%.4f\n", g.Data())
	// Output: [1.2500 2.7500 2.7500 6.2500]
}

func ExampleSummary() {
	rng := rand.New(rand.NewPCG(1, 1))
	model := nn.NewSequential(nn.NewLinear(rng, 2, 16), nn.NewBatchNorm1D(16), nn.ReLU, nn.NewLinear(rng, 16, 1))
	fmt.Print(nn.Summary(model))
	// Output:
	// 0.weight                 [16 2]  32
	// 0.bias                   [16]    16
	// 1.weight                 [16]    16
	// 1.bias                   [16]    16
	// 3.weight                 [1 16]  16
	// 3.bias                   [1]     1
	// 1.running_mean (buffer)  [16]    16
	// 1.running_var (buffer)   [16]    16
	// trainable parameters: 97
}

// A parameter-free step between layers is a Func; layer options are set in the expression that
// makes the layer.
func ExampleFunc() {
	rng := rand.New(rand.NewPCG(1, 1))
	double := nn.Func(func(x *dl.Tensor) *dl.Tensor { return x.MulScalar(2) })
	model := nn.NewSequential(
		nn.NewConv2D(rng, 1, 4, 3).WithPadding(1), nn.ReLU, nn.NewMaxPool2D(2),
		nn.Flatten, double, nn.NewLinear(rng, 4*4*4, 10))
	fmt.Println(model.Forward(dl.Zeros(2, 1, 8, 8)).Shape(), nn.Count(model))
	// Output: [2 10] 690
}

func ExampleTrainOnceRecord() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	for run := 1; run <= 2; run++ { // two runs of the same notebook cell
		model := nn.NewLinear(rand.New(rand.NewPCG(1, 1)), 2, 1)
		rec, loaded, err := nn.TrainOnceRecord(path, model, func() (string, error) {
			model.Bias.Data()[0] = 42 // stands for a training loop
			return "1 epoch, loss 0.25", nil
		})
		if err != nil {
			panic(err)
		}
		if loaded {
			fmt.Printf("run %d: %s; loaded from the checkpoint (trained: %v)\n", run, rec.Note, !rec.At.IsZero())
		} else {
			fmt.Printf("run %d: %s; trained now\n", run, rec.Note)
		}
	}
	// Output:
	// run 1: 1 epoch, loss 0.25; trained now
	// run 2: 1 epoch, loss 0.25; loaded from the checkpoint (trained: true)
}
