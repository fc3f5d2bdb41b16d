package rl

import (
	"cmp"
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/lessons/stats"
)

// PolicyNet is a policy π(a|s) represented by a network: π(·|s) = softmax(W₂·tanh(W₁·s + b₁) + b₂)
// for a state vector s. It is an nn.Module (input [B, in], output the logits [B, actions]); its
// parameters are named as QNet's.
type PolicyNet struct{ twoLayer }

// NewPolicyNet returns a PolicyNet from in state variables through hidden units to one logit per
// action, initialized from rng.
func NewPolicyNet(rng *rand.Rand, in, hidden, actions int) *PolicyNet {
	return &PolicyNet{newTwoLayer(rng, in, hidden, actions)}
}

// Forward returns the logits [B, actions] for states x [B, in].
func (p *PolicyNet) Forward(x *dl.Tensor) *dl.Tensor { return p.L2.Forward(p.L1.Forward(x).Tanh()) }

// Probs returns π(·|s) for one state.
func (p *PolicyNet) Probs(s []float64) []float64 {
	x := make([]float32, len(s))
	for i, v := range s {
		x[i] = float32(v)
	}
	var out *dl.Tensor
	out = p.Forward(dl.New(x, 1, len(x)).NoGrad()).Softmax(1)
	probs := make([]float64, out.Len())
	for i, v := range out.Data() {
		probs[i] = float64(v)
	}
	return probs
}

// Act returns an action drawn from π(·|s) with rng, or the most probable one when rng is nil.
func (p *PolicyNet) Act(rng *rand.Rand, s []float64) int {
	probs := p.Probs(s)
	if rng == nil {
		return argmax(probs)
	}
	u := rng.Float64()
	for a, pr := range probs {
		if u < pr {
			return a
		}
		u -= pr
	}
	return len(probs) - 1
}

// ReinforceConfig configures REINFORCE. Zero fields take the documented defaults.
type ReinforceConfig struct {
	Episodes int     // the budget: at most this many training episodes; default 1000
	Batch    int     // episodes per update; default 5
	Hidden   int     // hidden units of the value network; default 32
	LR       float32 // Adam's learning rate for the policy; default 0.01
	ValueLR  float32 // Adam's learning rate for the value network (the baseline); default 0.01
	Gamma    float64 // discount γ; default 0.99
	// Training stops early once the mean return of the last 100 episodes reaches StopAt;
	// default (and 0 means) CartPoleSolved. A negative StopAt never stops early.
	StopAt float64
	Seed   uint64 // seeds the value network, the episodes and the action sampling
}

func (c ReinforceConfig) defaults() ReinforceConfig {
	c.Episodes = cmp.Or(c.Episodes, 1000)
	c.Batch = cmp.Or(c.Batch, 5)
	c.Hidden = cmp.Or(c.Hidden, 32)
	c.LR = cmp.Or(c.LR, 0.01)
	c.ValueLR = cmp.Or(c.ValueLR, 0.01)
	c.Gamma = cmp.Or(c.Gamma, 0.99)
	c.StopAt = cmp.Or(c.StopAt, CartPoleSolved)
	if c.Episodes < 1 || c.Batch < 1 || c.Gamma <= 0 || c.Gamma > 1 {
		panic(fmt.Sprintf("rl: bad ReinforceConfig: Episodes %d, Batch %d, Gamma %v", c.Episodes, c.Batch, c.Gamma))
	}
	return c
}

// ReinforceResult is what REINFORCE returns: the return of every training episode and the
// number of episodes after which the mean return of the last 100 first reached the config's
// StopAt (0 if it never did within the budget).
type ReinforceResult struct {
	Returns  []float64
	SolvedAt int
}

// REINFORCE trains policy on CartPole by the policy-gradient theorem (Williams 1992) with a
// learned baseline: it plays Batch episodes with actions drawn from π, computes each step's
// return Gₜ = Σₖ γᵏ·rₜ₊ₖ and advantage Aₜ = Gₜ − V(sₜ), where V is a value network (one hidden
// tanh layer of Hidden units, one output) fitted to the returns by least squares, and takes an Adam
// step on the policy along
//
//	∇ J ≈ mean over the batch of Aₜ·∇ log π(aₜ|sₜ)
//
// (advantages normalised to mean 0 and variance 1 per batch). It stops after Episodes episodes or
// once the mean return of the last 100 reaches StopAt. The same config and initial policy give
// the same run.
//
// Introduced in notebooks/05-reinforcement-learning.
func REINFORCE(policy *PolicyNet, cfg ReinforceConfig) ReinforceResult {
	cfg = cfg.defaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 5))
	in := policy.L1.Weight.Dim(1)
	value := newTwoLayer(rng, in, cfg.Hidden, 1) // V(s) = W₂·tanh(W₁·s + b₁) + b₂
	vForward := func(x *dl.Tensor) *dl.Tensor { return value.L2.Forward(value.L1.Forward(x).Tanh()) }
	popt := optim.NewAdam(policy.Parameters(), cfg.LR)
	vopt := optim.NewAdam(value.Parameters(), cfg.ValueLR)
	var res ReinforceResult
	for ep := 0; ep < cfg.Episodes && res.SolvedAt == 0; {
		var states []float32
		var actions []int
		var returns []float32
		for b := 0; b < cfg.Batch && ep < cfg.Episodes; b, ep = b+1, ep+1 {
			visited, taken, rewards := playCartPole(rng.Uint64(), func(s [4]float64) int { return policy.Act(rng, s[:]) })
			for _, s := range visited {
				for _, v := range s {
					states = append(states, float32(v))
				}
			}
			actions = append(actions, taken...)
			returns = append(returns, discounted(rewards, cfg.Gamma)...)
			res.Returns = append(res.Returns, sum(rewards))
			if n := len(res.Returns); n >= 100 && res.SolvedAt == 0 && cfg.StopAt >= 0 && stats.Mean(res.Returns[n-100:]) >= cfg.StopAt {
				res.SolvedAt = n
			}
		}
		n := len(actions)
		x := dl.New(states, n, in)
		g := dl.New(returns, n, 1)

		// The baseline's values before its update give the advantages.
		v := vForward(x.NoGrad())
		adv := make([]float64, n)
		for i := range adv {
			adv[i] = float64(returns[i] - v.Data()[i])
		}
		normalize(adv)
		// Loss −mean(Aₜ·log π(aₜ|sₜ)): the log-probabilities of the actions taken, weighted.
		w := make([]float32, n*policy.L2.Weight.Dim(0))
		for i, a := range actions {
			w[i*policy.L2.Weight.Dim(0)+a] = float32(-adv[i] / float64(n))
		}
		popt.ZeroGrad()
		policy.Forward(x).LogSoftmax(1).Mul(dl.New(w, n, len(w)/n)).Sum().Backward()
		popt.Step()

		vopt.ZeroGrad()
		nn.MSELoss(vForward(x), g).Backward()
		vopt.Step()
	}
	return res
}

// EvaluatePolicy plays episodes of CartPole with policy, the most probable action each step (or
// actions drawn with rng when rng is not nil), from the seeds seed, seed+1, …, and returns their
// returns.
func EvaluatePolicy(policy *PolicyNet, episodes int, seed uint64, rng *rand.Rand) []float64 {
	out := make([]float64, episodes)
	for i := range out {
		_, _, rewards := playCartPole(seed+uint64(i), func(s [4]float64) int { return policy.Act(rng, s[:]) })
		out[i] = sum(rewards)
	}
	return out
}

// playCartPole plays one episode of CartPole from seed, act choosing each action, and returns the
// state each action was taken in, the actions and the rewards.
func playCartPole(seed uint64, act func(s [4]float64) int) (states [][4]float64, actions []int, rewards []float64) {
	var env CartPole
	s := env.Reset(seed)
	for {
		a := act(s)
		states, actions = append(states, s), append(actions, a)
		next, r, terminated, truncated := env.Step(a)
		rewards = append(rewards, r)
		if terminated || truncated {
			return states, actions, rewards
		}
		s = next
	}
}

// discounted returns Gₜ = Σₖ γᵏ·rₜ₊ₖ for every step t of an episode.
func discounted(rewards []float64, gamma float64) []float32 {
	out := make([]float32, len(rewards))
	g := 0.0
	for t := len(rewards) - 1; t >= 0; t-- {
		g = rewards[t] + gamma*g
		out[t] = float32(g)
	}
	return out
}

// normalize shifts and scales xs to mean 0 and standard deviation 1 (only shifts when all are equal).
func normalize(xs []float64) {
	m, sd := stats.MeanStd(xs) // sd is 1 when all are equal: dividing by it changes nothing
	for i := range xs {
		xs[i] -= m
		if sd > 1e-8 {
			xs[i] /= sd
		}
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// SolvedAfter returns the number of episodes after which the mean return of the last 100 first
// reached CartPole-v1's threshold CartPoleSolved (475), or 0 if it never did.
func SolvedAfter(returns []float64) int {
	for n := 100; n <= len(returns); n++ {
		if stats.Mean(returns[n-100:n]) >= CartPoleSolved {
			return n
		}
	}
	return 0
}
