package rl_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/lessons/rl"
)

func TestCheckBellmanBackup(t *testing.T) {
	if r := rl.CheckBellmanBackup((*rl.MDP).BellmanOptimalityBackup); !r.Passed || !strings.HasPrefix(r.String(), "✓ Bellman backup: 300 cases pass") {
		t.Errorf("reference: %v", r)
	}
	// backup returns Σ prob·(r + γ·V) with the given twists.
	backup := func(mean, noDiscount, bootstrapTerminal bool) func(m *rl.MDP, V []float64, s int) float64 {
		return func(m *rl.MDP, V []float64, s int) float64 {
			if m.Terminal[s] {
				return 0
			}
			best, sum := math.Inf(-1), 0.0
			for a := range m.NumActions {
				q := 0.0
				for _, tr := range m.P[s][a] {
					v := V[tr.Next]
					if tr.Terminal && !bootstrapTerminal {
						v = 0
					}
					g := m.Gamma
					if noDiscount {
						g = 1
					}
					q += tr.Prob * (tr.Reward + g*v)
				}
				best = max(best, q)
				sum += q
			}
			if mean {
				return sum / float64(m.NumActions)
			}
			return best
		}
	}
	for i, tc := range []struct {
		f    func(m *rl.MDP, V []float64, s int) float64
		hint string
	}{
		{backup(true, false, false), "averaged over the actions"},
		{backup(false, true, false), "discounted"},
		{backup(false, false, true), "terminal next state"},
		{func(*rl.MDP, []float64, int) float64 { panic("TODO") }, "panicked: TODO"},
	} {
		r := rl.CheckBellmanBackup(tc.f)
		if r.Passed || !strings.Contains(r.String(), tc.hint) || !strings.Contains(r.String(), "✗ Bellman backup: case") {
			t.Errorf("case %d: wrong backup gave %v; want a failure mentioning %q", i, r, tc.hint)
		}
		if r.Err() == nil {
			t.Errorf("case %d: Err() = nil for a failure", i)
		}
	}
}

func TestCheckEpsilonGreedy(t *testing.T) {
	argmax := func(q []float64) int {
		b := 0
		for a := range q {
			if q[a] > q[b] {
				b = a
			}
		}
		return b
	}
	for i, tc := range []struct {
		f    func(rng *rand.Rand, q []float64, eps float64) int
		hint string
	}{
		{func(rng *rand.Rand, q []float64, eps float64) int { return argmax(q) }, "never explore"},
		{func(rng *rand.Rand, q []float64, eps float64) int { // explores among the other actions only
			g := argmax(q)
			if rng.Float64() < eps {
				a := rng.IntN(len(q) - 1)
				if a >= g {
					a++
				}
				return a
			}
			return g
		}, "greedy one included"},
		{func(rng *rand.Rand, q []float64, eps float64) int { // argmin
			if rng.Float64() < eps {
				return rng.IntN(len(q))
			}
			b := 0
			for a := range q {
				if q[a] < q[b] {
					b = a
				}
			}
			return b
		}, "the largest value"},
		{func(rng *rand.Rand, q []float64, eps float64) int { return len(q) }, "out of range"},
	} {
		r := rl.CheckEpsilonGreedy(tc.f)
		if r.Passed || !strings.Contains(r.String(), tc.hint) {
			t.Errorf("case %d: wrong ε-greedy gave %v; want a failure mentioning %q", i, r, tc.hint)
		}
	}
}

func TestCheckQUpdate(t *testing.T) {
	if r := rl.CheckQUpdate(rl.QLearningUpdate); !r.Passed {
		t.Errorf("reference: %v", r)
	}
	maxOf := func(q []float64) float64 {
		m := q[0]
		for _, v := range q {
			m = max(m, v)
		}
		return m
	}
	for i, tc := range []struct {
		f    func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64
		hint string
	}{
		{func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 {
			return qsa + alpha*(r+gamma*maxOf(qNext)-qsa)
		}, "nothing to bootstrap"},
		{func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 {
			if terminal {
				return qsa + alpha*(r-qsa)
			}
			return qsa + alpha*(r+gamma*qNext[0]-qsa)
		}, "not its first value"},
		{func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 {
			if terminal {
				return r
			}
			return r + gamma*maxOf(qNext)
		}, "that is the target itself"},
		{func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 { panic("TODO") }, "panicked"},
	} {
		r := rl.CheckQUpdate(tc.f)
		if r.Passed || !strings.Contains(r.String(), tc.hint) {
			t.Errorf("case %d: wrong update gave %v; want a failure mentioning %q", i, r, tc.hint)
		}
	}
}

// The checks on given cases, as graded tests use them: each aimed at one mistake.
func TestChecksOnCases(t *testing.T) {
	grid := rl.SuttonBarto4x4().MDP()
	V := make([]float64, grid.NumStates)
	for s := range V {
		V[s] = -5
	}
	terminalCases := []rl.BellmanCase{{MDP: grid, V: V, S: 1}, {MDP: grid, V: V, S: 6}}
	noTerminal := func(m *rl.MDP, V []float64, s int) float64 {
		best := math.Inf(-1)
		for a := range m.NumActions {
			q := 0.0
			for _, tr := range m.P[s][a] {
				q += tr.Prob * (tr.Reward + m.Gamma*V[tr.Next])
			}
			best = max(best, q)
		}
		return best
	}
	argmin := func(rng *rand.Rand, q []float64, eps float64) int {
		if rng.Float64() < eps {
			return rng.IntN(len(q))
		}
		best := 0
		for a := range q {
			if q[a] < q[best] {
				best = a
			}
		}
		return best
	}
	bootstrap := func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 {
		mx := math.Inf(-1)
		for _, v := range qNext {
			mx = max(mx, v)
		}
		return qsa + alpha*(r+gamma*mx-qsa)
	}
	terminalSteps := []rl.QUpdateCase{{Qsa: 1, R: -1, QNext: []float64{3, 5}, Terminal: true, Alpha: 0.5, Gamma: 0.9}}
	for i, tc := range []struct {
		r      rl.CheckResult
		passed bool
		want   string
	}{
		{rl.CheckBellmanBackupCases("terminal", terminalCases, (*rl.MDP).BellmanOptimalityBackup), true, "✓ terminal: 2 cases pass"},
		{rl.CheckBellmanBackupCases("terminal", terminalCases, noTerminal), false, "do not bootstrap from a terminal next state"},
		{rl.CheckEpsilonGreedyCases("ε = 1", [][]float64{{1, 4, 2}}, []float64{1}, argmin), true, "✓ ε = 1: 1 cases pass"},
		{rl.CheckEpsilonGreedyCases("ε = 0", [][]float64{{1, 4, 2}}, []float64{0}, argmin), false, "argmax q, the largest value (not the smallest)"},
		{rl.CheckQUpdateCases("terminal", terminalSteps, rl.QLearningUpdate), true, "✓ terminal: 1 cases pass"},
		{rl.CheckQUpdateCases("terminal", terminalSteps, bootstrap), false, "the target is just r"},
	} {
		if tc.r.Passed != tc.passed || !strings.Contains(tc.r.String(), tc.want) {
			t.Errorf("case %d: %v; want passed = %v and %q", i, tc.r, tc.passed, tc.want)
		}
	}
}
