// Package digits holds the MNIST model of lecture 02 (notebooks/02-deep-learning-in-go) that
// later lectures reuse, so that its architecture and its training are written once: lecture 03
// (notebooks/03-seeing-inside-a-network) shows the first-layer filters of the CNN that lecture
// 02 trained, loading lecture 02's checkpoint when it is there.
package digits

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/dl/train"
)

// NewCNN returns lecture 02's reference CNN for 28×28 digits, initialised from seed: two 5×5
// convolutions (16 and 32 filters, padding 2), each followed by ReLU and 2×2 max pooling, then a
// linear layer from the 32×7×7 maps to the 10 classes.
func NewCNN(seed uint64) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, 1))
	return nn.NewSequential(
		nn.NewConv2D(rng, 1, 16, 5).WithPadding(2), nn.ReLU, nn.NewMaxPool2D(2),
		nn.NewConv2D(rng, 16, 32, 5).WithPadding(2), nn.ReLU, nn.NewMaxPool2D(2),
		nn.Flatten, nn.NewLinear(rng, 32*7*7, 10))
}

// Checkpoint returns the file where lecture 02 keeps a trained model: deepnb-02/<model>-<tag>-<n>.safetensors
// in the system's temporary folder, tag being the lecture's cacheTag and n the number of
// training digits.
func Checkpoint(model, tag string, n int) string {
	return filepath.Join(os.TempDir(), "deepnb-02", fmt.Sprintf("%s-%s-%d.safetensors", model, tag, n))
}

// TrainCNN returns NewCNN(1) trained as lecture 02 trains it, checkpointed at path by
// nn.TrainOnce: loaded from path when the file is there (loaded is true), otherwise trained for
// one epoch on trainSet with Adam (rate 10⁻³, batches of 64, seed 1), measured on testSet after
// the epoch, and saved to path. watch, if not nil, gets the training loop before it runs
// (trainview.Attach draws it).
func TrainCNN(path string, trainSet, testSet *datasets.Set, watch func(*train.Loop)) (cnn *nn.Sequential, loaded bool, err error) {
	cnn = NewCNN(1)
	loaded, err = nn.TrainOnce(path, cnn, func() error {
		loop := train.Loop{Model: cnn, Opt: optim.NewAdam(cnn.Parameters(), 1e-3)}
		if watch != nil {
			watch(&loop)
		}
		_, err := loop.Run(trainSet, testSet, 64, 1)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return cnn, loaded, nil
}

// FirstFilters returns the filters of cnn's first layer, a convolution ([16, 1, 5, 5] for
// NewCNN), ready for widgets.ImageGrid. It panics if the first layer is not an *nn.Conv2D.
func FirstFilters(cnn *nn.Sequential) *dl.Tensor {
	c, ok := cnn.Layers[0].(*nn.Conv2D)
	if !ok {
		panic(fmt.Sprintf("digits: FirstFilters: the first layer is a %T, not a convolution", cnn.Layers[0]))
	}
	return c.Weight
}
