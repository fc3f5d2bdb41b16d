// Package nn holds neural-network layers, losses, initializers and checkpoints on top of dl.
//
// # Overview
//
// A Module is a function of one tensor with explicit parameters:
//
//	rng := rand.New(rand.NewPCG(1, 1))
//	model := nn.NewSequential(nn.NewLinear(rng, 784, 256), nn.ReLU, nn.NewLinear(rng, 256, 10))
//	opt := optim.NewAdam(model.Parameters(), 1e-3)
//	for … {
//		opt.ZeroGrad()
//		loss := nn.CrossEntropy(model.Forward(x), labels)
//		loss.Backward()
//		opt.Step()
//	}
//
// Layers: Linear, Conv2D, ConvTranspose2D, MaxPool2D, AvgPool2D, Upsample2D, BatchNorm (1-D and
// 2-D), LayerNorm, Dropout, Embedding, Flatten and the activations ReLU, LeakyReLU, Tanh, Sigmoid,
// Softmax and LogSoftmax. Recurrent layers keep their state explicit: RNNCell, LSTMCell and
// GRUCell step once (Step), RNN, LSTM and GRU run a whole batch-first sequence [B, T, In]
// (Forward, or ForwardState to pass and get the state). AdditiveAttention (Bahdanau) and
// ScaledDotProductAttention return their attention weights with the result, for plotting.
// Sequential chains modules; Group names the parts of a model that is wired by hand.
//
// Constructors take the required sizes and a seeded *rand.Rand, and initialize as PyTorch does
// (the same seed gives the same model); options are exported fields with documented defaults,
// settable in the constructor's expression: nn.NewConv2D(rng, 3, 16, 3).WithPadding(1).
// Parameter-free steps (ReLU, Tanh, Sigmoid, Flatten, LeakyReLU(slope), Softmax(axis), any
// function of a tensor) are Funcs. Initializers (KaimingNormal,
// KaimingUniform, XavierNormal, XavierUniform) are there for custom layers.
//
// Losses are functions returning a one-element tensor: CrossEntropy (fused log-softmax and
// negative log-likelihood), NLLLoss, MSELoss, BCEWithLogits, and for style transfer ContentLoss,
// Gram, StyleLoss and TotalVariation.
//
// # Parameters, names and modes
//
// Parameters() lists the trainable tensors; NamedParameters gives them PyTorch's state_dict names
// ("0.weight", "lstm.weight_ih_l0"), NamedBuffers the saved untrained state (BatchNorm's running
// statistics), Count the number of values. SetTrain(m, false) switches Dropout and BatchNorm to
// evaluation mode throughout a model.
//
// # Saving and loading
//
// Save, SaveFile, Load and LoadFile write and read a model's State in the safetensors format, which
// PyTorch reads and writes (safetensors.torch.save_file / load_file), so weights move both ways
// by name. Load checks every name, dtype and shape and lists each mismatch. ReadSafetensors and
// WriteSafetensors work on named tensors directly.
//
// GoNB runs a cell's code again each time it executes, so a trained model would be retrained:
// TrainOnce(path, model, train) loads the checkpoint when it exists (reporting loaded) and trains and saves
// otherwise; TrainOnceRecord also keeps a TrainRecord in the checkpoint (train's note on the run,
// how long it took, when), so a cell that loads the model can still say how it was trained. *dl.Tensor also implements gob encoding, so GoNB's cache package keeps tensors:
// cache.Cache("w", func() []*dl.Tensor { … }).
//
// # Shapes and broadcasting
//
// Layers follow PyTorch's layouts: Linear acts on the last dimension of [..., In]; images are
// [N, C, H, W]; sequences are batch first [B, T, features]; weights are [Out, In] and
// [Out, In, KH, KW]. Elementwise ops broadcast as described in package dl.
//
// # Autograd
//
// Layers are built from dl's ops, or are fused ops with their own backward where it pays:
// Linear (one GEMM), CrossEntropy, the losses, Gram, and RNN/LSTM/GRU, which run the input
// projection of all time steps as one GEMM, one [B,H]×[H,G·H] GEMM and one vectorized gate pass
// per step, and backpropagate through time inside one op. Their gradients are checked against
// finite differences in the tests.
//
// # Errors
//
// Wrong shapes and invalid sizes are programmer errors: a wrong shape panics with a
// *dl.ShapeError naming the layer or loss and the shapes, a size that is not positive (or an
// Embedding id that is not a whole number) with a *dl.ArgError (recover either with dl.Try). Files and data return errors: Load
// returns a *MismatchError listing missing, unexpected and mismatched tensors; ReadSafetensors
// names the check a malformed file fails; errors of the *File functions name the file.
package nn
