// Package trainview shows a dl/train Loop as it runs in a notebook: a live chart of the training
// loss and accuracy (a widgets.Monitor), a progress bar (a widgets.Progress) and the test
// accuracy after each epoch, attached in one call.
//
// # Overview
//
//	loop := train.Loop{Model: model, Opt: optim.NewAdam(model.Parameters(), 1e-3)}
//	trainview.Attach(&loop, "CNN on MNIST")
//	_, err := loop.Run(trainSet, testSet, 64, 1)
//
// It is the bridge between the two packages, so that dl/train draws nothing and widgets trains
// nothing. Introduced in notebooks/02-deep-learning-in-go.
//
// # Shapes and broadcasting
//
// None of its own: the chart's x axis is in epochs (train.Step.Epochs), its values are the mean
// training loss and accuracy of groups of steps (train.Every).
//
// # Autograd
//
// Attach only sets hooks; the loop trains and evaluates as train.Loop.Run documents.
//
// # Errors
//
// The hooks the loop had before Attach still run and may still stop training (train.ErrStop, or
// an error Run returns). A NaN loss never reaches the chart: Run stops on it before any hook.
package trainview
