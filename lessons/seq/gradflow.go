package seq

import (
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"gonum.org/v1/gonum/mat"
)

// GradFlow holds gradient norms against the distance d from the loss: H[d] = ‖∂L/∂h_{T−d}‖
// (and C[d] = ‖∂L/∂c_{T−d}‖ for an LSTM), averaged over the batch; d = 0 is the last step.
type GradFlow struct {
	H, C []float64
}

// Ratio returns H[d]/H[0], how much of the gradient at the loss reaches d steps back.
func (g GradFlow) Ratio(d int) float64 { return g.H[d] / g.H[0] }

// MeasureGradFlow runs the recurrence of w (an RNN if it has one gate block, an LSTM if four)
// step by step with cells over x [B, T, In], applies loss to the last hidden state, and returns
// the norms of the gradients with respect to every hidden (and cell) state. It adds a zero
// tensor z_t that requires a gradient to each state, so that ∂L/∂z_t = ∂L/∂h_t.
func MeasureGradFlow(w *nn.RecurrentWeights, x *dl.Tensor, loss func(hT *dl.Tensor) *dl.Tensor) GradFlow {
	B, T, H := x.Dim(0), x.Dim(1), w.HiddenSize()
	lstm := w.WeightHH.Dim(0) == 4*H
	zh, zc := make([]*dl.Tensor, T), make([]*dl.Tensor, T)
	var h, c *dl.Tensor
	for t := range T {
		xt := x.Slice(1, t, t+1).Reshape(B, -1)
		if lstm {
			h, c = (&nn.LSTMCell{RecurrentWeights: *w}).Step(xt, h, c)
			zc[t] = dl.Zeros(B, H).SetRequiresGrad(true)
			c = c.Add(zc[t])
		} else {
			h = (&nn.RNNCell{RecurrentWeights: *w}).Step(xt, h)
		}
		zh[t] = dl.Zeros(B, H).SetRequiresGrad(true)
		h = h.Add(zh[t])
	}
	loss(h).Backward()
	var g GradFlow
	for d := range T {
		g.H = append(g.H, rowNorm(zh[T-1-d].Grad()))
		if lstm {
			g.C = append(g.C, rowNorm(zc[T-1-d].Grad()))
		}
	}
	return g
}

// rowNorm returns the mean over rows of the L2 norms of g's rows (0 for a nil gradient).
func rowNorm(g *dl.Tensor) float64 {
	if g == nil {
		return 0
	}
	B := g.Dim(0)
	D := g.Len() / B
	sum := 0.0
	for b := range B {
		ss := 0.0
		for _, v := range g.Data()[b*D : (b+1)*D] {
			ss += float64(v) * float64(v)
		}
		sum += math.Sqrt(ss)
	}
	return sum / float64(B)
}

// LMGradFlow measures the gradient flow of a character model over B = 16 windows of T
// characters of ids (see MeasureGradFlow), the loss being the cross-entropy of the character
// after each window, predicted from the last state.
func LMGradFlow(m *CharLM, ids []int, T int) GradFlow {
	const B = 16
	in, target := make([]int, 0, B*T), make([]int, 0, B)
	stride := (len(ids) - T - 1) / B
	for b := range B {
		in = append(in, ids[b*stride:b*stride+T]...)
		target = append(target, ids[b*stride+T])
	}
	x := m.Embed.Lookup(in, B, T).Detach()
	return MeasureGradFlow(m.Weights(), x, func(h *dl.Tensor) *dl.Tensor { return nn.CrossEntropy(m.Out.Forward(h), target) })
}

// MLPGradFlow returns the per-layer gradient norms ‖∂L/∂x_l‖ of a deep tanh perceptron at
// initialization, indexed by the distance from the loss (0 = the last layer's input): plain,
// x_{l+1} = tanh(W_l·x_l + b_l), or residual, x_{l+1} = x_l + tanh(W_l·x_l + b_l) — the deck's
// ResNet analogy to the LSTM's cell. The loss is the mean squared output over a batch of 32
// Gaussian inputs; the weights start as nn.Linear's do, from seed.
func MLPGradFlow(seed uint64, depth, width int, residual bool) []float64 {
	rng := rand.New(rand.NewPCG(seed, 63))
	x := dl.RandN(rng, 32, width)
	zs := make([]*dl.Tensor, depth)
	for l := range depth {
		zs[l] = dl.Zeros(32, width).SetRequiresGrad(true)
		x = x.Add(zs[l])
		y := nn.NewLinear(rng, width, width).Forward(x).Tanh()
		if residual {
			y = x.Add(y)
		}
		x = y
	}
	x.Mul(x).Mean().Backward()
	out := make([]float64, depth)
	for d := range depth {
		out[d] = rowNorm(zs[depth-1-d].Grad())
	}
	return out
}

// ExplodingRNN returns an RNN whose recurrent matrix is scale times a random orthogonal matrix,
// with zero biases: every eigenvalue has modulus scale, so in tanh's linear region (small
// states) a gradient grows by about scale per step back in time when scale > 1.
func ExplodingRNN(seed uint64, in, hidden int, scale float64) *nn.RNN {
	rng := rand.New(rand.NewPCG(seed, 64))
	r := nn.NewRNN(rng, in, hidden)
	g := mat.NewDense(hidden, hidden, nil)
	for i := range hidden {
		for j := range hidden {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	w := r.WeightHH.Data()
	for i := range hidden {
		for j := range hidden {
			w[i*hidden+j] = float32(scale * q.At(i, j))
		}
	}
	clear(r.BiasIH.Data())
	clear(r.BiasHH.Data())
	return r
}

// ClipResult is one gradient step on an exploding RNN with and without clipping.
type ClipResult struct {
	Before       float64 // loss before the step
	GradNorm     float64 // global gradient norm before clipping
	Plain        float64 // loss after a plain SGD step
	Clipped      float64 // loss after the same step with the gradient norm clipped
	ClippedNorm  float64 // the norm the clipped step used
	LearningRate float32
}

// ClipStep takes one SGD step with learning rate lr on r's parameters for the loss
// ‖h_T − target‖² over x [B, T, In], once plainly and once after optim.ClipGradNorm(maxNorm),
// from the same starting weights, and reports the losses.
func ClipStep(r *nn.RNN, x, target *dl.Tensor, lr, maxNorm float32) ClipResult {
	loss := func(m *nn.RNN) *dl.Tensor {
		_, h := m.ForwardState(x, nil)
		d := h.Sub(target)
		return d.Mul(d).Mean()
	}
	clone := func() *nn.RNN {
		c := &nn.RNN{RecurrentWeights: nn.RecurrentWeights{
			WeightIH: r.WeightIH.Clone().SetRequiresGrad(true), WeightHH: r.WeightHH.Clone().SetRequiresGrad(true),
			BiasIH: r.BiasIH.Clone().SetRequiresGrad(true), BiasHH: r.BiasHH.Clone().SetRequiresGrad(true)}}
		return c
	}
	res := ClipResult{LearningRate: lr}
	for k, clip := range []bool{false, true} {
		m := clone()
		l := loss(m)
		l.Backward()
		res.Before = float64(l.Item())
		if clip {
			res.GradNorm = float64(optim.ClipGradNorm(m.Parameters(), maxNorm))
			res.ClippedNorm = math.Min(res.GradNorm, float64(maxNorm))
		}
		optim.NewSGD(m.Parameters(), lr).Step()
		after := float64(loss(m).Item())
		if k == 0 {
			res.Plain = after
		} else {
			res.Clipped = after
		}
	}
	return res
}
