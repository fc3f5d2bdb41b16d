// Package dl is deepnb's deep-learning engine: float32 tensors with reverse-mode autograd.
//
// # Overview
//
// A *Tensor holds row-major float32 values and a shape. Ops are methods and functions that
// return new tensors, recording how they were made when an input requires a gradient:
//
//	w := dl.RandN(rng, 3, 2).SetRequiresGrad(true)
//	loss := x.MatMul(w).ReLU().Sum()
//	loss.Backward() // fills w.Grad()
//
// Layers live in dl/nn, optimizers in dl/optim.
//
// # Shapes and broadcasting
//
// Elementwise ops broadcast as NumPy does: shapes are aligned at the right, and a dimension of
// size 1 stretches to match the other.
//
// # Autograd
//
// The graph is built as the program runs (define-by-run). Backward on a one-element tensor
// computes the gradient of every tensor it depends on that requires a gradient; gradients
// accumulate until ZeroGrad. NoGrad turns recording off; Detach cuts a tensor from the graph.
//
// # Errors
//
// Programmer errors (shape mismatches, bad axes) panic with a *ShapeError that names the op and
// the shapes; it matches ErrShape. Try turns such a panic into an error. I/O and data problems
// are returned as errors.
package dl
