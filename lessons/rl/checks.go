package rl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/deepnb/deepnb/lessons/check"
)

// CheckResult is the outcome of an exercise check (see package check).
type CheckResult = check.Result

const checkTol = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) <= checkTol*max(1, math.Abs(b)) }

// randomMDP returns a small random MDP for checks: some terminal states, random rewards,
// 1–3 outcomes per action.
func randomMDP(rng *rand.Rand) *MDP {
	nS, nA := 2+rng.IntN(5), 2+rng.IntN(3)
	m := &MDP{NumStates: nS, NumActions: nA, Gamma: []float64{1, 0.9, 0.5}[rng.IntN(3)], Terminal: make([]bool, nS)}
	m.Terminal[nS-1] = true
	m.P = make([][][]Transition, nS)
	for s := range nS {
		m.P[s] = make([][]Transition, nA)
		for a := range nA {
			if m.Terminal[s] {
				m.P[s][a] = []Transition{{Prob: 1, Next: s, Terminal: true}}
				continue
			}
			k := 1 + rng.IntN(3)
			w := make([]float64, k)
			sum := 0.0
			for i := range w {
				w[i] = 0.1 + rng.Float64()
				sum += w[i]
			}
			for i := range w {
				next := rng.IntN(nS)
				m.P[s][a] = append(m.P[s][a], Transition{Prob: w[i] / sum, Next: next, Reward: float64(rng.IntN(7) - 4), Terminal: m.Terminal[next]})
			}
		}
	}
	return m
}

// CheckBellmanBackup checks a student's Bellman optimality backup for one state,
//
//	backup(m, V, s) = max_a Σ_{s′,r} p(s′,r|s,a)·(r + γ·V(s′))   (V(s′) = 0 if s′ is terminal),
//
// against MDP.BellmanOptimalityBackup on the 4×4 grid world and on random MDPs with several
// discounts, stochastic transitions and terminal states.
//
// Introduced in notebooks/05-reinforcement-learning.
func CheckBellmanBackup(backup func(m *MDP, V []float64, s int) float64) CheckResult {
	return CheckBellmanBackupCases("Bellman backup", bellmanCases(), backup)
}

// BellmanCase is one case of a Bellman backup check: the backup of state S of MDP under the
// values V.
type BellmanCase struct {
	MDP *MDP
	V   []float64
	S   int
}

// bellmanCases are CheckBellmanBackup's 300 cases: the 16 states of the 4×4 grid world and 4
// more of its states, then random MDPs, all under random values.
func bellmanCases() []BellmanCase {
	rng := rand.New(rand.NewPCG(5, 5))
	grid := SuttonBarto4x4().MDP()
	cases := make([]BellmanCase, 300)
	for i := range cases {
		m := grid
		if i >= 20 {
			m = randomMDP(rng)
		}
		V := make([]float64, m.NumStates)
		for s := range V {
			V[s] = float64(rng.IntN(21)-10) / 2
		}
		s := rng.IntN(m.NumStates)
		if i < 16 {
			s = i
		}
		cases[i] = BellmanCase{MDP: m, V: V, S: s}
	}
	return cases
}

// CheckBellmanBackupCases checks a student's Bellman optimality backup (see
// CheckBellmanBackup) on the given cases, in order, against MDP.BellmanOptimalityBackup; name
// names the check in the result. Graded (hidden) tests use it with cases aimed at one mistake
// each.
func CheckBellmanBackupCases(name string, cases []BellmanCase, backup func(m *MDP, V []float64, s int) float64) CheckResult {
	res := CheckResult{Name: name}
	for i, c := range cases {
		m, V, s := c.MDP, c.V, c.S
		res.Cases = i + 1
		want := m.BellmanOptimalityBackup(V, s)
		var got float64
		if err := check.CallSafely(func() { got = backup(m, slicesClone(V), s) }); err != nil {
			res.Case, res.Got, res.Want = describeMDPCase(m, V, s), err.Error(), fmt.Sprint(want)
			res.Hint = "replace the TODO with the backup: loop over the actions, sum prob·(reward + γ·V[next]) over m.P[s][a], keep the largest"
			return res
		}
		if !near(got, want) {
			res.Case, res.Got, res.Want = describeMDPCase(m, V, s), fmt.Sprint(got), fmt.Sprint(want)
			res.Hint = bellmanHint(m, V, s, got)
			return res
		}
	}
	res.Passed = true
	return res
}

func describeMDPCase(m *MDP, V []float64, s int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "state %d of an MDP with %d states, %d actions, γ = %v; V = %v", s, m.NumStates, m.NumActions, m.Gamma, V)
	if m.Terminal[s] {
		b.WriteString("; s is terminal")
		return b.String()
	}
	for a := range m.NumActions {
		fmt.Fprintf(&b, "\n        P[s][%d] = %v", a, fmtTransitions(m.P[s][a]))
	}
	return b.String()
}

func fmtTransitions(ts []Transition) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("{p %.3f → %d, r %v, terminal %v}", t.Prob, t.Next, t.Reward, t.Terminal))
	}
	return strings.Join(parts, " ")
}

// bellmanHint guesses the mistake behind a wrong backup by trying the usual wrong versions.
func bellmanHint(m *MDP, V []float64, s int, got float64) string {
	if m.Terminal[s] {
		return "a terminal state's value is 0: nothing more happens after the episode ends"
	}
	variant := func(useTerminal, discount, weight bool, mean bool) float64 {
		best, sum := math.Inf(-1), 0.0
		for a := range m.NumActions {
			q := 0.0
			for _, t := range m.P[s][a] {
				v := V[t.Next]
				if useTerminal && t.Terminal {
					v = 0
				}
				g := 1.0
				if discount {
					g = m.Gamma
				}
				p := t.Prob
				if !weight {
					p = 1
				}
				q += p * (t.Reward + g*v)
			}
			best = max(best, q)
			sum += q
		}
		if mean {
			return sum / float64(m.NumActions)
		}
		return best
	}
	switch {
	case near(got, variant(true, true, true, true)):
		return "you averaged over the actions (that is policy evaluation for the random policy); the optimality backup takes the max"
	case near(got, variant(true, false, true, false)):
		return "the next state's value must be discounted: r + γ·V(s′)"
	case near(got, variant(false, true, true, false)):
		return "do not bootstrap from a terminal next state: its value counts as 0 (check t.Terminal)"
	case near(got, variant(true, true, false, false)):
		return "weight each outcome by its probability t.Prob"
	}
	return "compute, for each action a, Σ over m.P[s][a] of t.Prob·(t.Reward + γ·V[t.Next]) (0 for V of a terminal next state), and return the largest"
}

// CheckEpsilonGreedy checks a student's ε-greedy choice: with probability ε a uniformly random
// action (any of them, the greedy one included), otherwise a greedy one, ties broken at random
// or not. For several Q rows and ε ∈ {0, 0.1, 0.5, 1} it draws 4000 choices with a seeded rng
// and compares the frequencies with the right probabilities (within 5 standard deviations).
//
// Introduced in notebooks/05-reinforcement-learning.
func CheckEpsilonGreedy(choose func(rng *rand.Rand, q []float64, epsilon float64) int) CheckResult {
	rows := [][]float64{{0, 1, 0, 0}, {-3, -1, -2, -5}, {2, 0.5}, {-1, -1, -1, -0.5, -2}, {0, 0, 7}}
	return CheckEpsilonGreedyCases("ε-greedy", rows, []float64{0, 0.1, 0.5, 1}, choose)
}

// CheckEpsilonGreedyCases checks a student's ε-greedy choice (see CheckEpsilonGreedy) on every
// Q row in rows (each with a single largest value) with every ε in epsilons; name names the
// check in the result. Graded (hidden) tests use it with cases aimed at one mistake each.
func CheckEpsilonGreedyCases(name string, rows [][]float64, epsilons []float64, choose func(rng *rand.Rand, q []float64, epsilon float64) int) CheckResult {
	res := CheckResult{Name: name}
	const draws = 4000
	rng := rand.New(rand.NewPCG(7, 7))
	for _, q := range rows {
		for _, eps := range epsilons {
			res.Cases++
			n := len(q)
			g := argmax(q)
			counts := make([]int, n)
			var err error
			for range draws {
				var a int
				if err = check.CallSafely(func() { a = choose(rng, slicesClone(q), eps) }); err != nil {
					break
				}
				if a < 0 || a >= n {
					err = fmt.Errorf("action %d out of range [0, %d)", a, n)
					break
				}
				counts[a]++
			}
			res.Case = fmt.Sprintf("q = %v, ε = %v, %d draws", q, eps, draws)
			if err != nil {
				res.Got, res.Want = err.Error(), fmt.Sprintf("an action in [0, %d)", n)
				res.Hint = "return an action index: rng.IntN(len(q)) with probability ε, else the argmax of q"
				return res
			}
			freq := make([]float64, n)
			for a := range n {
				freq[a] = float64(counts[a]) / draws
			}
			res.Got = fmt.Sprintf("frequencies %s", fmtFreq(freq))
			for a := range n {
				p := eps / float64(n)
				if a == g {
					p += 1 - eps
				}
				if sd := math.Sqrt(p*(1-p)/draws) + 1e-9; math.Abs(freq[a]-p) > 5*sd+1e-3 {
					want := make([]float64, n)
					for b := range n {
						want[b] = eps / float64(n)
					}
					want[g] += 1 - eps
					res.Want = fmt.Sprintf("frequencies %s", fmtFreq(want))
					res.Hint = epsHint(q, eps, freq)
					return res
				}
			}
		}
	}
	res.Passed, res.Case, res.Got = true, "", ""
	return res
}

func fmtFreq(f []float64) string {
	var parts []string
	for _, v := range f {
		parts = append(parts, fmt.Sprintf("%.3f", v))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func epsHint(q []float64, eps float64, freq []float64) string {
	g, lo := argmax(q), 0
	for a, v := range q {
		if v < q[lo] {
			lo = a
		}
	}
	n := len(q)
	switch {
	case freq[lo] > 0.5 && lo != g:
		return "the greedy action is argmax q, the largest value (not the smallest); check the comparison"
	case eps == 0:
		return fmt.Sprintf("with ε = 0 always take the greedy action argmax q = %d", g)
	case freq[g] > 1-eps/float64(2*n):
		return "you never explore: with probability ε pick rng.IntN(len(q))"
	case math.Abs(freq[g]-(1-eps)) < 0.03:
		return "the random action must be drawn from all actions, the greedy one included: the greedy action has probability 1−ε+ε/|A|"
	}
	return "with probability ε pick uniformly among all actions, otherwise the argmax of q"
}

// CheckQUpdate checks a student's Q-learning update of one value,
//
//	update(qsa, r, qNext, terminal, α, γ) = qsa + α·(r + γ·max_a′ qNext[a′] − qsa),
//
// with the max term dropped when the next state is terminal, against QLearningUpdate on many
// random cases.
//
// Introduced in notebooks/05-reinforcement-learning.
func CheckQUpdate(update func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64) CheckResult {
	rng := rand.New(rand.NewPCG(9, 9))
	cases := make([]QUpdateCase, 200)
	for i := range cases {
		n := 2 + rng.IntN(4)
		qNext := make([]float64, n)
		for a := range qNext {
			qNext[a] = float64(rng.IntN(41)-20) / 4
		}
		qsa := float64(rng.IntN(41)-20) / 4
		r := float64(rng.IntN(9) - 6)
		alpha := []float64{0.1, 0.5, 1}[rng.IntN(3)]
		gamma := []float64{1, 0.9, 0.5}[rng.IntN(3)]
		cases[i] = QUpdateCase{Qsa: qsa, R: r, QNext: qNext, Terminal: i%4 == 3, Alpha: alpha, Gamma: gamma}
	}
	return CheckQUpdateCases("Q-learning update", cases, update)
}

// QUpdateCase is one case of a Q-learning update check: the arguments of the update.
type QUpdateCase struct {
	Qsa, R       float64
	QNext        []float64
	Terminal     bool
	Alpha, Gamma float64
}

// CheckQUpdateCases checks a student's Q-learning update (see CheckQUpdate) on the given
// cases, in order, against QLearningUpdate; name names the check in the result. Graded
// (hidden) tests use it with cases aimed at one mistake each.
func CheckQUpdateCases(name string, cases []QUpdateCase, update func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64) CheckResult {
	res := CheckResult{Name: name}
	for i, c := range cases {
		qsa, r, qNext, terminal, alpha, gamma := c.Qsa, c.R, c.QNext, c.Terminal, c.Alpha, c.Gamma
		res.Cases = i + 1
		res.Case = fmt.Sprintf("Q(s,a) = %v, r = %v, Q(s′,·) = %v, terminal = %v, α = %v, γ = %v", qsa, r, qNext, terminal, alpha, gamma)
		want := QLearningUpdate(qsa, r, qNext, terminal, alpha, gamma)
		res.Want = fmt.Sprint(want)
		var got float64
		if err := check.CallSafely(func() { got = update(qsa, r, slicesClone(qNext), terminal, alpha, gamma) }); err != nil {
			res.Got = err.Error()
			res.Hint = "replace the TODO: target := r + γ·max(qNext) (just r if terminal); return qsa + α·(target − qsa)"
			return res
		}
		if !near(got, want) {
			res.Got = fmt.Sprint(got)
			res.Hint = qHint(qsa, r, qNext, terminal, alpha, gamma, got)
			return res
		}
	}
	res.Passed, res.Case, res.Got, res.Want = true, "", "", ""
	return res
}

func slicesClone(q []float64) []float64 { return append([]float64(nil), q...) }

func qHint(qsa, r float64, qNext []float64, terminal bool, alpha, gamma, got float64) string {
	mx, mean := qNext[argmax(qNext)], 0.0
	for _, v := range qNext {
		mean += v
	}
	mean /= float64(len(qNext))
	upd := func(next float64, useTerm bool) float64 {
		t := r
		if !(useTerm && terminal) {
			t += gamma * next
		}
		return qsa + alpha*(t-qsa)
	}
	switch {
	case terminal && near(got, upd(mx, false)):
		return "when the next state is terminal there is nothing to bootstrap from: the target is just r"
	case near(got, upd(mean, true)):
		return "Q-learning bootstraps from the best next action, max_a′ Q(s′,a′), not the average"
	case near(got, upd(qNext[0], true)):
		return "use the max over the next state's actions, not its first value"
	case near(got, r+gamma*mx) || near(got, r):
		return "that is the target itself; move Q(s,a) only a step α toward it: qsa + α·(target − qsa)"
	case near(got, qsa+alpha*(r+mx-qsa)) && gamma != 1:
		return "discount the next state's value: r + γ·max Q(s′,·)"
	}
	return "target := r + γ·max_a′ qNext[a′] (just r if terminal); return qsa + α·(target − qsa)"
}
