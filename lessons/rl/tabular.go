package rl

import (
	"cmp"
	"fmt"
	"math/rand/v2"
)

// TabularEnv is an environment with finitely many states numbered 0…NumStates()-1, such as
// GridWorld.
type TabularEnv interface {
	Env[int]
	NumStates() int
}

// TabularConfig configures QLearning and SARSA.
type TabularConfig struct {
	Episodes int     // number of episodes
	Alpha    float64 // step size α; default 0.1
	Epsilon  float64 // exploration rate ε of the ε-greedy behaviour policy; default 0.1
	Gamma    float64 // discount γ; default (and 0 means) 1
	Seed     uint64  // seeds the agent's choices; episode i resets the environment with Seed+i
}

// TrainResult is what QLearning, SARSA and DQN return: the learned Q(s,a) and the learning
// curves, one entry per episode.
type TrainResult struct {
	Q       [][]float64 // Q[s][a]
	Returns []float64   // the undiscounted return of each episode
	Lengths []int       // the number of steps of each episode
}

// EpsilonGreedy returns a uniformly random action with probability ε and otherwise a greedy
// action argmax_a q[a], breaking ties uniformly at random. Every action, the greedy one
// included, thus has probability at least ε/|A|.
func EpsilonGreedy(rng *rand.Rand, q []float64, epsilon float64) int {
	if rng.Float64() < epsilon {
		return rng.IntN(len(q))
	}
	best, n := 0, 0
	for a, v := range q {
		switch {
		case n == 0 || v > q[best]:
			best, n = a, 1
		case v == q[best]:
			n++
			if rng.IntN(n) == 0 {
				best = a
			}
		}
	}
	return best
}

// QLearningUpdate returns the Q-learning update of one value:
//
//	Q(s,a) + α·(r + γ·max_a′ Q(s′,a′) − Q(s,a)),
//
// where qsa = Q(s,a), qNext = Q(s′,·), and the max term is dropped when s′ is terminal.
func QLearningUpdate(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 {
	target := r
	if !terminal {
		target += gamma * qNext[argmax(qNext)]
	}
	return qsa + alpha*(target-qsa)
}

func (c *TabularConfig) defaults() TabularConfig {
	cfg := *c
	cfg.Alpha = cmp.Or(cfg.Alpha, 0.1)
	cfg.Epsilon = cmp.Or(cfg.Epsilon, 0.1)
	cfg.Gamma = cmp.Or(cfg.Gamma, 1)
	if cfg.Episodes < 0 || cfg.Alpha < 0 || cfg.Alpha > 1 || cfg.Epsilon < 0 || cfg.Epsilon > 1 {
		panic(fmt.Sprintf("rl: bad TabularConfig %+v", *c))
	}
	return cfg
}

// QLearning learns Q from experience with off-policy TD control: it behaves ε-greedily and after
// each step sets Q(s,a) ← QLearningUpdate(…), bootstrapping from the best next action. Q starts
// at 0. The same config (and seed) gives the same result.
//
// Introduced in notebooks/05-reinforcement-learning.
func QLearning(env TabularEnv, cfg TabularConfig) TrainResult {
	return tabular(env, cfg, false)
}

// SARSA learns Q with on-policy TD control: it behaves ε-greedily and after each step sets
//
//	Q(s,a) ← Q(s,a) + α·(r + γ·Q(s′,a′) − Q(s,a)),
//
// bootstrapping from the action a′ it will actually take next. Q starts at 0.
func SARSA(env TabularEnv, cfg TabularConfig) TrainResult {
	return tabular(env, cfg, true)
}

func tabular(env TabularEnv, cfg TabularConfig, sarsa bool) TrainResult {
	cfg = cfg.defaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	nA := env.NumActions()
	Q := make([][]float64, env.NumStates())
	for s := range Q {
		Q[s] = make([]float64, nA)
	}
	res := TrainResult{Q: Q, Returns: make([]float64, cfg.Episodes), Lengths: make([]int, cfg.Episodes)}
	for ep := range cfg.Episodes {
		s := env.Reset(cfg.Seed + uint64(ep))
		a := EpsilonGreedy(rng, Q[s], cfg.Epsilon)
		for {
			s2, r, term, trunc := env.Step(a)
			res.Returns[ep] += r
			res.Lengths[ep]++
			a2 := EpsilonGreedy(rng, Q[s2], cfg.Epsilon)
			if sarsa {
				target := r
				if !term {
					target += cfg.Gamma * Q[s2][a2]
				}
				Q[s][a] += cfg.Alpha * (target - Q[s][a])
			} else {
				Q[s][a] = QLearningUpdate(Q[s][a], r, Q[s2], term, cfg.Alpha, cfg.Gamma)
			}
			if term || trunc {
				break
			}
			s, a = s2, a2
		}
	}
	return res
}

// GreedyEpisode runs one episode of the greedy policy π(s) = argmax_a Q(s,a) from Reset(seed)
// and returns the states visited (the start included) and the return. It stops after maxSteps
// steps if the episode has not ended.
func GreedyEpisode(env TabularEnv, Q [][]float64, seed uint64, maxSteps int) (states []int, ret float64) {
	s := env.Reset(seed)
	states = append(states, s)
	for range maxSteps {
		s2, r, term, trunc := env.Step(argmax(Q[s]))
		ret += r
		states = append(states, s2)
		if term || trunc {
			break
		}
		s = s2
	}
	return states, ret
}

// MovingAverage returns the running mean of xs over windows of n values (fewer at the start),
// for smoothing learning curves.
func MovingAverage(xs []float64, n int) []float64 {
	out := make([]float64, len(xs))
	sum := 0.0
	for i, x := range xs {
		sum += x
		if i >= n {
			sum -= xs[i-n]
		}
		out[i] = sum / float64(min(i+1, n))
	}
	return out
}
