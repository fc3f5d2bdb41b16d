package rl

import (
	"fmt"
	"iter"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Transition is one possible outcome of taking an action: with probability Prob the
// environment moves to state Next and gives Reward; Terminal says whether Next ends the episode.
type Transition struct {
	Prob   float64
	Next   int
	Reward float64
	// Terminal reports whether Next is terminal, so that its value is not bootstrapped.
	Terminal bool
}

// MDP is a finite Markov decision process given by its full transition table:
// P[s][a] lists the outcomes of action a in state s, their probabilities summing to 1.
// Terminal[s] marks states whose value is 0 and where nothing is decided: terminal states and
// unreachable ones (grid-world walls).
//
// Introduced in notebooks/05-reinforcement-learning.
type MDP struct {
	NumStates, NumActions int
	P                     [][][]Transition
	Terminal              []bool
	Gamma                 float64
}

// Policy is a stochastic policy: Policy[s][a] = π(a|s).
type Policy [][]float64

// UniformPolicy returns the random policy π(a|s) = 1/|A| of m.
func UniformPolicy(m *MDP) Policy {
	p := make(Policy, m.NumStates)
	for s := range p {
		p[s] = make([]float64, m.NumActions)
		for a := range p[s] {
			p[s][a] = 1 / float64(m.NumActions)
		}
	}
	return p
}

// DeterministicPolicy returns the policy that takes actions[s] in state s with probability 1.
func DeterministicPolicy(actions []int, numActions int) Policy {
	p := make(Policy, len(actions))
	for s, a := range actions {
		p[s] = make([]float64, numActions)
		p[s][a] = 1
	}
	return p
}

// Backup returns the one-step lookahead value of action a in state s:
//
//	Q(s,a) = Σ_{s′,r} p(s′,r|s,a)·(r + γ·V(s′)),
//
// where V(s′) counts as 0 when s′ is terminal.
func (m *MDP) Backup(V []float64, s, a int) float64 {
	q := 0.0
	for _, t := range m.P[s][a] {
		v := 0.0
		if !t.Terminal {
			v = V[t.Next]
		}
		q += t.Prob * (t.Reward + m.Gamma*v)
	}
	return q
}

// BellmanOptimalityBackup returns max_a Q(s,a) with Q from Backup: the value iteration update
// of one state, V(s) ← max_a Σ p(s′,r|s,a)(r + γV(s′)). It returns 0 for a terminal state.
func (m *MDP) BellmanOptimalityBackup(V []float64, s int) float64 {
	if m.Terminal[s] {
		return 0
	}
	best := math.Inf(-1)
	for a := range m.NumActions {
		best = max(best, m.Backup(V, s, a))
	}
	return best
}

// QFromV returns Q(s,a) = Backup(V, s, a) for every state and action (0 for terminal states).
func (m *MDP) QFromV(V []float64) [][]float64 {
	Q := make([][]float64, m.NumStates)
	for s := range Q {
		Q[s] = make([]float64, m.NumActions)
		if m.Terminal[s] {
			continue
		}
		for a := range Q[s] {
			Q[s][a] = m.Backup(V, s, a)
		}
	}
	return Q
}

// GreedyPolicy returns π(s) = argmax_a Q(s,a), the lowest action among ties.
func GreedyPolicy(Q [][]float64) []int {
	pi := make([]int, len(Q))
	for s, q := range Q {
		pi[s] = argmax(q)
	}
	return pi
}

// OptimalActions returns, for each state, the actions whose Q value is within tol of the
// state's maximum: the actions an optimal policy may take.
func OptimalActions(Q [][]float64, tol float64) [][]int {
	out := make([][]int, len(Q))
	for s, q := range Q {
		best := q[argmax(q)]
		for a, v := range q {
			if v >= best-tol {
				out[s] = append(out[s], a)
			}
		}
	}
	return out
}

func argmax(q []float64) int {
	best := 0
	for a, v := range q {
		if v > q[best] {
			best = a
		}
	}
	return best
}

// Sweep is a snapshot after one sweep of a dynamic-programming algorithm, as yielded by the
// Sweeps functions. V and Policy are fresh copies the caller may keep.
type Sweep struct {
	Iter   int       // 1 for the first sweep
	V      []float64 // the values after this sweep
	Policy []int     // the greedy policy with respect to V (lowest action among ties)
	Delta  float64   // max_s |V_new(s) − V_old(s)|
	// Changed is, for PolicyIterationSweeps, the number of states whose action the
	// improvement step changed; 0 means the policy is stable (optimal). Unused elsewhere.
	Changed int
}

// PolicyEvaluationSweeps yields the synchronous sweeps of iterative policy evaluation,
//
//	V_{k+1}(s) = Σ_a π(a|s) Σ_{s′,r} p(s′,r|s,a)(r + γV_k(s′)),
//
// starting from V_0 = 0, until a sweep changes no value by more than tol or after maxSweeps
// sweeps (0: no limit). Synchronous sweeps reproduce Sutton and Barto's figure 4.1 sweep by sweep.
func PolicyEvaluationSweeps(m *MDP, pi Policy, tol float64, maxSweeps int) iter.Seq[Sweep] {
	return m.sweeps(tol, maxSweeps, func(V []float64, s int) float64 {
		var v float64
		for a, p := range pi[s] {
			if p != 0 {
				v += p * m.Backup(V, s, a)
			}
		}
		return v
	})
}

// sweeps yields synchronous sweeps V_{k+1}(s) = backup(V_k, s) over the non-terminal states
// (terminal states keep V = 0), from V_0 = 0, until a sweep changes no value by more than tol
// or after maxSweeps sweeps (0: no limit): the loop that policy evaluation and value iteration
// share.
func (m *MDP) sweeps(tol float64, maxSweeps int, backup func(V []float64, s int) float64) iter.Seq[Sweep] {
	return func(yield func(Sweep) bool) {
		V := make([]float64, m.NumStates)
		for k := 1; maxSweeps <= 0 || k <= maxSweeps; k++ {
			next := make([]float64, m.NumStates)
			delta := 0.0
			for s := range next {
				if m.Terminal[s] {
					continue
				}
				next[s] = backup(V, s)
				delta = max(delta, math.Abs(next[s]-V[s]))
			}
			V = next
			if !yield(Sweep{Iter: k, V: slices.Clone(V), Policy: GreedyPolicy(m.QFromV(V)), Delta: delta}) || delta <= tol {
				return
			}
		}
	}
}

// PolicyEvaluation returns V_π by iterative policy evaluation to tolerance tol (see
// PolicyEvaluationSweeps). With γ = 1 and a policy that never terminates V_π diverges and
// PolicyEvaluation does not return; use SolvePolicy, which reports it, or bound the sweeps.
func PolicyEvaluation(m *MDP, pi Policy, tol float64) []float64 {
	var V []float64
	for sw := range PolicyEvaluationSweeps(m, pi, tol, 0) {
		V = sw.V
	}
	return V
}

// SolvePolicy returns V_π exactly, by solving the linear Bellman equations
// (I − γP_π)·V = r_π over the non-terminal states with gonum's mat. It returns an error if the
// system is singular (for γ = 1, a policy that never terminates).
func SolvePolicy(m *MDP, pi Policy) ([]float64, error) {
	var idx []int
	pos := make([]int, m.NumStates)
	for s := range m.NumStates {
		pos[s] = -1
		if !m.Terminal[s] {
			pos[s] = len(idx)
			idx = append(idx, s)
		}
	}
	n := len(idx)
	V := make([]float64, m.NumStates)
	if n == 0 {
		return V, nil
	}
	A := mat.NewDense(n, n, nil)
	b := mat.NewVecDense(n, nil)
	for i, s := range idx {
		A.Set(i, i, 1)
		for a, p := range pi[s] {
			for _, t := range m.P[s][a] {
				b.SetVec(i, b.AtVec(i)+p*t.Prob*t.Reward)
				if !t.Terminal {
					j := pos[t.Next]
					A.Set(i, j, A.At(i, j)-m.Gamma*p*t.Prob)
				}
			}
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(A, b); err != nil {
		return nil, fmt.Errorf("rl: SolvePolicy: %w", err)
	}
	for i, s := range idx {
		V[s] = x.AtVec(i)
	}
	return V, nil
}

// ValueIterationSweeps yields the synchronous sweeps of value iteration,
//
//	V_{k+1}(s) = max_a Σ_{s′,r} p(s′,r|s,a)(r + γV_k(s′)),
//
// from V_0 = 0 until a sweep changes no value by more than tol or after maxSweeps sweeps
// (0: no limit).
func ValueIterationSweeps(m *MDP, tol float64, maxSweeps int) iter.Seq[Sweep] {
	return m.sweeps(tol, maxSweeps, m.BellmanOptimalityBackup)
}

// ValueIteration runs value iteration to tolerance tol and returns the optimal values, the
// greedy (optimal) policy and the number of sweeps it took.
func ValueIteration(m *MDP, tol float64) (V []float64, pi []int, sweeps int) {
	for sw := range ValueIterationSweeps(m, tol, 0) {
		V, pi, sweeps = sw.V, sw.Policy, sw.Iter
	}
	return V, pi, sweeps
}

// PolicyIterationSweeps yields one snapshot per round of policy iteration: evaluate the current
// deterministic policy (iteratively, to tol), then improve it greedily. It starts from the
// greedy policy of the uniform random policy's values (a policy that terminates, which matters
// when γ = 1) and stops when the improvement changes no action (Changed = 0).
// The snapshot's V is the value of the policy evaluated in that round; Policy is the improved
// one. An action only changes when it is better by more than tol, so ties cannot cycle.
func PolicyIterationSweeps(m *MDP, tol float64) iter.Seq[Sweep] {
	return func(yield func(Sweep) bool) {
		// Start from the greedy policy of the random policy's values: it reaches a terminal
		// (a policy that never terminates has no finite value when γ = 1).
		pi := GreedyPolicy(m.QFromV(PolicyEvaluation(m, UniformPolicy(m), tol)))
		for k := 1; ; k++ {
			V := PolicyEvaluation(m, DeterministicPolicy(pi, m.NumActions), tol)
			Q := m.QFromV(V)
			changed := 0
			next := slices.Clone(pi)
			for s := range next {
				if m.Terminal[s] {
					continue
				}
				if b := argmax(Q[s]); Q[s][b] > Q[s][pi[s]]+tol {
					next[s] = b
					changed++
				}
			}
			pi = next
			if !yield(Sweep{Iter: k, V: V, Policy: slices.Clone(pi), Changed: changed}) || changed == 0 {
				return
			}
		}
	}
}

// PolicyIteration runs policy iteration (see PolicyIterationSweeps) and returns the optimal
// values, the optimal policy and the number of rounds.
func PolicyIteration(m *MDP, tol float64) (V []float64, pi []int, rounds int) {
	for sw := range PolicyIterationSweeps(m, tol) {
		V, pi, rounds = sw.V, sw.Policy, sw.Iter
	}
	return V, pi, rounds
}
