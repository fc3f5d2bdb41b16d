// Package vec holds the float32 numeric kernels of dl and its subpackages, in AVX2 (and, for
// im2col, AVX-512) assembly on amd64, chosen at run time from the CPU's features (Kernels and
// SetKernels name and force the sets), and in portable Go loops elsewhere (or with the purego
// build tag), as gonum's internal/asm/f32 does:
//
//   - the vector kernels of the recurrent and attention layers' inner loops: Axpy, Dot, Add,
//     TanhBack;
//   - the activations: Logistic (σ and tanh), ExpShift (softmax), with Expf for the tails;
//   - the optimizers' per-parameter updates: AdamUpdate, MomentumUpdate;
//   - ExpReduced, the exp polynomial that Expf and dl's expInto share;
//   - the convolutional layers' inference epilogue and pooling: BiasLeaky (bias and leaky
//     ReLU, ReLU or none), MaxPairs (a row of 2×2 max pooling), MaxPool2x2
//     and MaxPool2x2Arg (whole planes of it, with or without the argmax), MaxPool2x2Back (its
//     backward pass);
//   - im2col's copies: Im2colS1 (a stride-1 im2col matrix in one call), CopyRows.
//
// The tests check each kernel set against the portable loops or a naive definition.
package vec
