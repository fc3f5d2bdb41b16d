package rl_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/lessons/rl"
)

// greedyIsOptimal reports the non-terminal states where argmax_a Q(s,a) is not an optimal
// action of m.
func greedyIsOptimal(m *rl.MDP, Q [][]float64) (bad []int) {
	V, _, _ := rl.ValueIteration(m, 1e-10)
	opt := rl.OptimalActions(m.QFromV(V), 1e-6)
	greedy := rl.GreedyPolicy(Q)
	for s := range Q {
		if !m.Terminal[s] && !slices.Contains(opt[s], greedy[s]) {
			bad = append(bad, s)
		}
	}
	return bad
}

func TestTabularReachesOptimalPolicy(t *testing.T) {
	g := rl.SuttonBarto4x4()
	m := g.MDP()
	for _, algo := range []struct {
		name string
		f    func(rl.TabularEnv, rl.TabularConfig) rl.TrainResult
	}{{"QLearning", rl.QLearning}, {"SARSA", rl.SARSA}} {
		for seed := uint64(1); seed <= 5; seed++ {
			res := algo.f(g, rl.TabularConfig{Episodes: 1000, Seed: seed})
			if bad := greedyIsOptimal(m, res.Q); len(bad) > 0 {
				t.Errorf("%s seed %d: greedy action not optimal in states %v", algo.name, seed, bad)
			}
			if len(res.Returns) != 1000 || len(res.Lengths) != 1000 {
				t.Fatalf("%s: curves of %d and %d episodes, want 1000", algo.name, len(res.Returns), len(res.Lengths))
			}
			// Late episodes are short: the mean length of the last 100 is close to optimal (2 steps
			// on average from a random start, StartValue(V*) = −2, plus ε exploration).
			late := 0
			for _, n := range res.Lengths[900:] {
				late += n
			}
			if mean := float64(late) / 100; mean > 4 {
				t.Errorf("%s seed %d: mean length of the last 100 episodes %v", algo.name, seed, mean)
			}
		}
	}
}

func TestQLearningConvergesToDP(t *testing.T) {
	if testing.Short() {
		t.Skip("long training")
	}
	g := rl.SuttonBarto4x4()
	m := g.MDP()
	V, _, _ := rl.ValueIteration(m, 1e-10)
	Qstar := m.QFromV(V)
	res := rl.QLearning(g, rl.TabularConfig{Episodes: 20000, Epsilon: 0.5, Alpha: 0.05, Seed: 1})
	for s := range Qstar {
		for a := range Qstar[s] {
			if d := math.Abs(res.Q[s][a] - Qstar[s][a]); d > 0.3 {
				t.Errorf("Q(%d,%d) = %v, Q* = %v", s, a, res.Q[s][a], Qstar[s][a])
			}
		}
	}
}

func TestTabularSeeded(t *testing.T) {
	g := rl.SlipperyGrid(5, 0.2)
	a := rl.QLearning(g, rl.TabularConfig{Episodes: 50, Seed: 7})
	b := rl.QLearning(g, rl.TabularConfig{Episodes: 50, Seed: 7})
	c := rl.QLearning(g, rl.TabularConfig{Episodes: 50, Seed: 8})
	if !slices.Equal(a.Returns, b.Returns) || !slices.EqualFunc(a.Q, b.Q, slices.Equal) {
		t.Errorf("the same seed gave different runs")
	}
	if slices.Equal(a.Returns, c.Returns) {
		t.Errorf("seeds 7 and 8 gave the same returns")
	}
}

func TestEpsilonGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	counts := make([]int, 3)
	for range 30000 {
		counts[rl.EpsilonGreedy(rng, []float64{1, 5, 5}, 0)]++
	}
	if counts[0] != 0 || math.Abs(float64(counts[1])/30000-0.5) > 0.02 {
		t.Errorf("ties: counts %v, want the two maxima about equally", counts)
	}
	if r := rl.CheckEpsilonGreedy(rl.EpsilonGreedy); !r.Passed {
		t.Errorf("reference fails its own check: %v", r)
	}
}

func TestDQNReachesOptimalPolicy(t *testing.T) {
	g := rl.SuttonBarto4x4()
	m := g.MDP()
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:2]
	}
	for _, seed := range seeds {
		res := rl.DQN(g, rl.DQNConfig{Steps: 2000, Seed: seed})
		if bad := greedyIsOptimal(m, res.Q); len(bad) > 0 {
			t.Errorf("DQN seed %d: greedy action not optimal in states %v; Q = %v", seed, bad, res.Q)
		}
		if len(res.Losses) != 2000-199 {
			t.Errorf("DQN seed %d: %d losses, want %d", seed, len(res.Losses), 2000-199)
		}
	}
}

func TestDQNSlippery(t *testing.T) {
	if testing.Short() {
		t.Skip("long training")
	}
	g := rl.SlipperyGrid(6, 0.2)
	m := g.MDP()
	Vstar, _, _ := rl.ValueIteration(m, 1e-10)
	res := rl.DQN(g, rl.DQNConfig{Steps: 6000, Gamma: m.Gamma, Features: rl.GridFeatures(g), Seed: 1})
	V, err := rl.SolvePolicy(m, rl.DeterministicPolicy(rl.GreedyPolicy(res.Q), 4))
	if err != nil {
		t.Fatal(err)
	}
	start := g.State(rl.Cell{0, 0})
	if V[start] < Vstar[start]-0.5 {
		t.Errorf("DQN's greedy policy is worth %v from the start, optimal %v", V[start], Vstar[start])
	}
}

func TestReplayBuffer(t *testing.T) {
	b := &rl.ReplayBuffer{Cap: 3}
	for i := range 5 {
		b.Add(rl.Experience{S: i})
	}
	if b.Len() != 3 {
		t.Fatalf("Len = %d, want 3", b.Len())
	}
	seen := map[int]bool{}
	for _, e := range b.Sample(rand.New(rand.NewPCG(1, 1)), 100) {
		seen[e.S] = true
	}
	if len(seen) != 3 || !seen[2] || !seen[3] || !seen[4] {
		t.Errorf("sampled states %v, want the last three 2, 3, 4", seen)
	}
}

func TestMovingAverage(t *testing.T) {
	got := rl.MovingAverage([]float64{1, 3, 5, 7}, 2)
	if want := []float64{1, 2, 4, 6}; !slices.Equal(got, want) {
		t.Errorf("MovingAverage = %v, want %v", got, want)
	}
}
