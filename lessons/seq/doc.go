// Package seq holds the building blocks of the lecture on recurrent networks, LSTMs and image
// captioning with attention (notebooks/06-rnn-lstm-captioning): the deck's RNN and LSTM steps
// written from dl ops with checks against dl/nn's cells, character-level language models on
// Newton's Opticks, gradient-flow measurements, a memory task, and a small show-attend-and-tell
// captioner on the shapes world of datasets/shapes with its metrics.
//
// # Overview
//
// Cells. RNNStep is the deck's h_t = tanh(W_hh·h_{t−1} + W_xh·x_t + b); LSTMStep is the LSTM
// as the deck draws it, one matrix on [h; x] and the gates in the order i f o g.
// DeckLSTMWeights maps dl/nn's (PyTorch's) two matrices and gate order i f g o onto it.
// CheckRNNStep and CheckLSTMStep grade a student's version against nn.RNNCell and nn.LSTMCell,
// values and gradients; CheckRNNStepCases and CheckLSTMStepCases run the same comparison on
// given StepCases, each aimed at one mistake (the lecture's hidden tests), with hints that name
// the usual mistakes.
//
// Language models. LoadOpticks reads the text every Go installation ships; CharLM is an
// embedding, one RNN or LSTM layer and a read-out; HiddenForParams sizes an RNN to an LSTM's
// parameter count; TrainLM trains with truncated backpropagation through time and reports
// held-out bits per character (BitsPerChar); CharLM.Sample draws text at a temperature.
//
// Gradient flow. MeasureGradFlow gives ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) against the distance from the
// loss; MLPGradFlow the per-layer norms of a plain and a residual perceptron; ExplodingRNN and
// ClipStep show an exploding gradient and what clipping does to one step.
//
// Memory. RecallAccuracy trains an RNN or an LSTM to recall a marked symbol k steps later
// (RecallBatch); RecallSweep sweeps k over several seeds and LongestRecall reads the curve.
//
// Captioning. Captioner encodes a shapes-world image into a 16×16 grid of features (and of
// sharper keys for the attention) and decodes a caption with an LSTM and additive attention;
// TrainCaptioner trains it with teacher forcing and, after the first epoch, a penalty on the
// attention's entropy (CaptionConfig.Focus) and, optionally, a loss that teaches the attention
// with the objects' boxes (CaptionConfig.Boxes: supervised attention);
// Greedy and Beam decode; BLEU, ExactRate and MeasureAlignment (attention mass inside the named
// object's box against the box's share of the image) measure it.
//
// # Shapes and broadcasting
//
// Batches are rows: x [B, In], h and c [B, H]; sequences are batch first, [B, T, In]. The deck
// writes column vectors (W·h), the code row vectors (h·Wᵀ): the same numbers.
//
// # Autograd
//
// Everything here is built from dl and dl/nn ops, so gradients come from autograd; the checks
// compare gradients with the layers'. MeasureGradFlow reads the gradient of intermediate
// states by adding a zero tensor that requires a gradient to each of them.
//
// # Errors
//
// Training functions recover dl's panics and return them as errors; LoadOpticks returns an
// error naming the file when the Go installation lacks it. Invalid arguments (an unknown model
// kind, an empty prime) panic.
package seq
