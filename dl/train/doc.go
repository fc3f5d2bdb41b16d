// Package train is a small supervised training loop for dl models: epochs of shuffled
// mini-batches, one optimizer step per batch, the test accuracy after each epoch, and hooks that
// report progress to a notebook.
//
// # Overview
//
// A Loop holds the model, the optimizer and the loss; Run trains it on a labelled set and
// returns the History of losses and accuracies:
//
//	rng := rand.New(rand.NewPCG(1, 1))
//	model := nn.NewSequential(nn.Flatten, nn.NewLinear(rng, 784, 256), nn.ReLU, nn.NewLinear(rng, 256, 10))
//	opt := optim.NewSGD(model.Parameters(), 0.1)
//	opt.Momentum = 0.9
//	loop := train.Loop{Model: model, Opt: opt, Epochs: 1}
//	loop.OnStep = train.Every(50, func(s train.Step, loss, acc float64) { monitor.Add(s.Epochs(), widgets.Values{"train loss": loss}) })
//	hist, err := loop.Run(trainSet, testSet, 64, 1)
//
// Each step is
//
//	opt.ZeroGrad(); loss := Loss(Model.Forward(x), y); loss.Backward(); opt.Step()
//
// with x [b, C, H, W] as datasets.Set.Batches yields it (a multilayer perceptron starts with
// nn.Flatten). Package train depends on dl, dl/nn, dl/optim and datasets only: it draws
// nothing of its own (Shuffled draws from the generator it is given). Its hooks receive plain
// values (Step, Epoch), and a notebook wires them to widgets with a one-line closure, as above.
//
// Hooks may stop training: OnStep and OnEpoch return an error, and ErrStop ends the run early
// as planned (early stopping, a time budget) while any other error is returned by Run.
// widgets/trainview attaches the lectures' live chart, progress bar and per-epoch test accuracy
// to a Loop in one call.
//
// Models that a Loop does not fit, whose targets are not class labels or whose step draws from
// the caller's generator (lecture 07's autoencoder, VAE and segmentation net), train with
// Shuffled: the same epochs of shuffled mini-batches, each batch's work done by the caller.
//
// After training, Predict gives the model's class for every example of a set and Mistakes finds
// the wrong ones (with captions "predicted (true)" for a grid of images); nn.TrainOnce trains a
// model only the first time, keeping its weights in a checkpoint file and reporting whether they
// were loaded.
//
// Introduced in notebooks/02-deep-learning-in-go.
//
// # Shapes and broadcasting
//
// Run passes each batch to Model.Forward as datasets.Set.Batches yields it, [b, C, H, W];
// the default loss, nn.CrossEntropy, takes the model's output as logits [b, classes].
// Accuracy counts the rows of the output [b, classes] whose largest logit (ArgMax(1)) is at the
// label.
//
// # Autograd
//
// Training steps record the graph and call Backward on the loss; evaluation (Accuracy, and the
// test accuracy of each epoch) feeds the model inputs marked no-grad (dl.Tensor.NoGrad), which
// record nothing; the mark travels with the tensors, so another goroutine may train meanwhile.
//
// # Errors
//
// Run is the boundary between the engine, which panics on programmer errors, and a notebook
// cell: it recovers dl's panics (with dl.Try) and returns them as errors naming the epoch and
// step, so errors.Is(err, dl.ErrShape) holds for a model whose layers do not fit. A loss that
// becomes NaN or infinite stops the run with an error wrapping ErrNaNLoss. An invalid Loop
// (no model or optimizer, a batch size below 1) is reported as an error too.
package train
