package rl

import (
	"cmp"
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// QNet is the small network DQN represents Q with: Q(s,·) = W₂·ReLU(W₁·x(s) + b₁) + b₂, where
// x(s) is the state's feature vector. It is an nn.Module (input [B, in], output [B, actions]).
type QNet struct{ twoLayer }

// NewQNet returns a QNet from in features through hidden units to one output per action,
// initialized from rng.
func NewQNet(rng *rand.Rand, in, hidden, actions int) *QNet {
	return &QNet{newTwoLayer(rng, in, hidden, actions)}
}

// Forward returns Q values [B, actions] for features x [B, in].
func (q *QNet) Forward(x *dl.Tensor) *dl.Tensor { return q.L2.Forward(q.L1.Forward(x).ReLU()) }

// twoLayer is the shape of the lecture's networks (QNet, PolicyNet): two linear layers with an
// activation between them.
type twoLayer struct {
	L1, L2 *nn.Linear
}

func newTwoLayer(rng *rand.Rand, in, hidden, out int) twoLayer {
	return twoLayer{L1: nn.NewLinear(rng, in, hidden), L2: nn.NewLinear(rng, hidden, out)}
}

// Parameters returns the layers' parameters, first layer first.
func (n *twoLayer) Parameters() []*dl.Tensor { return append(n.L1.Parameters(), n.L2.Parameters()...) }

// NamedParameters names them "l1.weight", "l1.bias", "l2.weight", "l2.bias", for nn.Save and
// nn.TrainOnce.
func (n *twoLayer) NamedParameters() []nn.Named {
	ps := n.Parameters()
	return []nn.Named{{Name: "l1.weight", T: ps[0]}, {Name: "l1.bias", T: ps[1]}, {Name: "l2.weight", T: ps[2]}, {Name: "l2.bias", T: ps[3]}}
}

// copyInto copies q's parameter values into dst (the target network update).
func (q *QNet) copyInto(dst *QNet) {
	src, d := q.Parameters(), dst.Parameters()
	for i := range src {
		copy(d[i].Data(), src[i].Data())
	}
}

// OneHot returns the features of n states as one-hot vectors: x(s)ᵢ = 1 if i = s.
func OneHot(n int) func(s int) []float32 {
	return func(s int) []float32 {
		x := make([]float32, n)
		x[s] = 1
		return x
	}
}

// GridFeatures returns grid-world features that let a network generalise across cells: the
// one-hot row and the one-hot column (Rows + Cols values).
func GridFeatures(g *GridWorld) func(s int) []float32 {
	return func(s int) []float32 {
		c := g.Cell(s)
		x := make([]float32, g.Rows+g.Cols)
		x[c.Row] = 1
		x[g.Rows+c.Col] = 1
		return x
	}
}

// DQNConfig configures DQN. Zero fields take the documented defaults.
type DQNConfig struct {
	Steps       int     // environment steps; default 3000
	Hidden      int     // hidden units of the QNet; default 64
	LR          float32 // Adam's learning rate; default 1e-3
	Gamma       float64 // discount γ; default (and 0 means) 1
	BatchSize   int     // replayed transitions per update; default 32
	BufferSize  int     // capacity of the replay buffer; default 10000
	TargetEvery int     // steps between copies of the online network into the target network; default 100
	LearnStart  int     // steps of experience before the first update; default 200
	// ε decays linearly from EpsilonStart to EpsilonEnd over the first EpsilonDecay steps;
	// defaults 1, 0.05 and Steps/2.
	EpsilonStart, EpsilonEnd float64
	EpsilonDecay             int
	Features                 func(s int) []float32 // state features; default OneHot(NumStates)
	Seed                     uint64                // seeds the network, the exploration and the replay sampling
}

func (c DQNConfig) defaults(env TabularEnv) DQNConfig {
	c.Steps = cmp.Or(c.Steps, 3000)
	c.Hidden = cmp.Or(c.Hidden, 64)
	c.LR = cmp.Or(c.LR, 1e-3)
	c.Gamma = cmp.Or(c.Gamma, 1)
	c.BatchSize = cmp.Or(c.BatchSize, 32)
	c.BufferSize = cmp.Or(c.BufferSize, 10000)
	c.TargetEvery = cmp.Or(c.TargetEvery, 100)
	c.LearnStart = cmp.Or(c.LearnStart, 200)
	c.EpsilonStart = cmp.Or(c.EpsilonStart, 1)
	c.EpsilonEnd = cmp.Or(c.EpsilonEnd, 0.05)
	c.EpsilonDecay = cmp.Or(c.EpsilonDecay, max(1, c.Steps/2))
	if c.Features == nil {
		c.Features = OneHot(env.NumStates())
	}
	if c.Steps < 0 || c.BatchSize < 1 || c.BufferSize < c.BatchSize || c.TargetEvery < 1 {
		panic(fmt.Sprintf("rl: bad DQNConfig: Steps %d, BatchSize %d, BufferSize %d, TargetEvery %d", c.Steps, c.BatchSize, c.BufferSize, c.TargetEvery))
	}
	return c
}

// Experience is one transition (s, a, r, s′) in a replay buffer; Terminal says whether s′ ended
// the episode (no bootstrapping from it).
type Experience struct {
	S, A     int
	R        float64
	Next     int
	Terminal bool
}

// ReplayBuffer is a fixed-capacity ring of experiences sampled uniformly, which breaks the
// correlation between consecutive transitions that makes online Q-learning with a network unstable.
type ReplayBuffer struct {
	Cap  int
	data []Experience
	next int
}

// Add stores e, overwriting the oldest experience when the buffer is full.
func (b *ReplayBuffer) Add(e Experience) {
	if len(b.data) < b.Cap {
		b.data = append(b.data, e)
		return
	}
	b.data[b.next] = e
	b.next = (b.next + 1) % b.Cap
}

// Len is the number of stored experiences.
func (b *ReplayBuffer) Len() int { return len(b.data) }

// Sample returns n experiences drawn uniformly with replacement using rng.
func (b *ReplayBuffer) Sample(rng *rand.Rand, n int) []Experience {
	out := make([]Experience, n)
	for i := range out {
		out[i] = b.data[rng.IntN(len(b.data))]
	}
	return out
}

// DQNResult is what DQN returns: the trained online network, the learning curves and Q for
// every state as the network computes it (for comparison with dynamic programming), and the
// loss of every update.
type DQNResult struct {
	Net *QNet
	TrainResult
	Losses []float64
}

// QValues returns Q(s,·) computed by net for states 0…n-1 with the features f.
func QValues(net *QNet, f func(s int) []float32, n int) [][]float64 {
	var x []float32
	for s := range n {
		x = append(x, f(s)...)
	}
	var out *dl.Tensor
	dl.NoGrad(func() { out = net.Forward(dl.New(x, n, len(x)/n)) })
	nA := out.Dim(1)
	Q := make([][]float64, n)
	for s := range Q {
		Q[s] = make([]float64, nA)
		for a := range nA {
			Q[s][a] = float64(out.At(s, a))
		}
	}
	return Q
}

// DQN trains a QNet by deep Q-learning (Mnih et al. 2015): it acts ε-greedily with the online
// network, stores every transition in a ReplayBuffer, and after LearnStart steps updates the
// online network once per step with Adam on a replayed minibatch, minimising
//
//	(Q(s,a) − (r + γ·max_a′ Q_target(s′,a′)))²,
//
// where Q_target is a copy of the online network refreshed every TargetEvery steps and the max
// term is dropped when s′ is terminal. The same config gives the same network.
//
// Introduced in notebooks/05-reinforcement-learning.
func DQN(env TabularEnv, cfg DQNConfig) DQNResult {
	cfg = cfg.defaults(env)
	rng := rand.New(rand.NewPCG(cfg.Seed, 3))
	in := len(cfg.Features(0))
	nA := env.NumActions()
	net := NewQNet(rng, in, cfg.Hidden, nA)
	target := NewQNet(rng, in, cfg.Hidden, nA)
	net.copyInto(target)
	opt := optim.NewAdam(net.Parameters(), cfg.LR)
	buf := &ReplayBuffer{Cap: cfg.BufferSize}
	res := DQNResult{Net: net}

	qOf := func(n *QNet, s int) []float64 {
		var out *dl.Tensor
		dl.NoGrad(func() { out = n.Forward(dl.New(cfg.Features(s), 1, in)) })
		q := make([]float64, nA)
		for a := range q {
			q[a] = float64(out.Data()[a])
		}
		return q
	}
	episode := 0
	s := env.Reset(cfg.Seed)
	res.Returns, res.Lengths = append(res.Returns, 0), append(res.Lengths, 0)
	for step := range cfg.Steps {
		eps := cfg.EpsilonEnd
		if step < cfg.EpsilonDecay {
			eps = cfg.EpsilonStart + (cfg.EpsilonEnd-cfg.EpsilonStart)*float64(step)/float64(cfg.EpsilonDecay)
		}
		a := EpsilonGreedy(rng, qOf(net, s), eps)
		s2, r, term, trunc := env.Step(a)
		buf.Add(Experience{S: s, A: a, R: r, Next: s2, Terminal: term})
		res.Returns[episode] += r
		res.Lengths[episode]++
		s = s2
		if term || trunc {
			episode++
			s = env.Reset(cfg.Seed + uint64(episode))
			res.Returns, res.Lengths = append(res.Returns, 0), append(res.Lengths, 0)
		}
		if step+1 >= cfg.LearnStart {
			res.Losses = append(res.Losses, dqnUpdate(net, target, opt, buf.Sample(rng, cfg.BatchSize), cfg, in, nA))
		}
		if (step+1)%cfg.TargetEvery == 0 {
			net.copyInto(target)
		}
	}
	// Drop the unfinished last episode from the curves.
	res.Returns, res.Lengths = res.Returns[:episode], res.Lengths[:episode]
	res.Q = QValues(net, cfg.Features, env.NumStates())
	return res
}

// dqnUpdate does one gradient step on a minibatch and returns its loss.
func dqnUpdate(net, target *QNet, opt optim.Optimizer, batch []Experience, cfg DQNConfig, in, nA int) float64 {
	B := len(batch)
	x := make([]float32, 0, B*in)
	x2 := make([]float32, 0, B*in)
	for _, e := range batch {
		x = append(x, cfg.Features(e.S)...)
		x2 = append(x2, cfg.Features(e.Next)...)
	}
	var next *dl.Tensor
	dl.NoGrad(func() { next = target.Forward(dl.New(x2, B, in)) })
	y := make([]float32, B)
	mask := make([]float32, B*nA)
	for i, e := range batch {
		t := e.R
		if !e.Terminal {
			row := next.Data()[i*nA : (i+1)*nA]
			best := row[0]
			for _, v := range row[1:] {
				best = max(best, v)
			}
			t += cfg.Gamma * float64(best)
		}
		y[i] = float32(t)
		mask[i*nA+e.A] = 1
	}
	opt.ZeroGrad()
	q := net.Forward(dl.New(x, B, in)).Mul(dl.New(mask, B, nA)).Sum(1)
	loss := nn.MSELoss(q, dl.New(y, B))
	loss.Backward()
	opt.Step()
	return float64(loss.Item())
}
