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
// The ops, each differentiable:
//
//   - elementwise, broadcasting: Add, Sub, Mul, Div, Maximum, Minimum, Neg, AddScalar, MulScalar,
//     Pow, Exp, Log, Sqrt, Abs, Clamp, Tanh, Sigmoid, ReLU, LeakyReLU; Softmax and LogSoftmax
//     along an axis;
//   - linear algebra: MatMul (2-D, batched, vectors), on a blocked, packed SGEMM with AVX-512
//     and AVX2 kernels in Go assembly (dl/internal/gemm); MatMulInto writes a product into an
//     existing tensor, for loops outside training that should not allocate;
//   - reductions: Sum, Mean (optionally keeping dimensions), Max, and ArgMax;
//   - shapes: Reshape and Flatten (views sharing the data), Transpose, Permute, Concat, Split,
//     Slice, IndexSelect, Gather, Pad, BroadcastTo (copies);
//   - images: Conv2D (stride, padding, dilation, groups), ConvTranspose2D, MaxPool2D, AvgPool2D,
//     Upsample2D, UpsampleBilinear2D;
//   - training: Dropout, BatchNorm and LayerNorm (train and eval modes), Embedding.
//
// Custom lets other packages define fused ops with their own backward (dl/nn's LSTM does).
// FromImage, FromMatrix and Matrix convert from and to images and gonum matrices; tensors
// encode with gob (GobEncode) so GoNB's cache package can keep them between cell runs.
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
// accumulate until ZeroGrad. x.NoGrad() marks an input so that nothing computed from it records a graph (per tensor, so
// safe across goroutines); Detach cuts a tensor from the graph.
//
// # Memory
//
// Tensors are Go slices: the garbage collector frees them. A program that imports dl starts
// with 64 MiB of unused address space counted as live heap (no memory is touched), so that a
// program holding few tensors does not run the collector every few megabytes of results
// (heapfloor.go says why and what it measured); setting a memory limit (GOMEMLIMIT) turns it
// off. MatMulInto multiplies into an existing tensor without allocating.
//
// # Errors
//
// Programmer errors panic: shape mismatches and bad axes with a *ShapeError that names the op and
// the shapes (it matches ErrShape); other arguments outside their domain (a probability above 1,
// a negative stride, lo > hi) with an *ArgError that names the op, the argument and its value
// (it matches ErrArg). Try turns such a panic into an error. I/O and data problems
// are returned as errors.
package dl
