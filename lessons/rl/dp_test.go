package rl_test

import (
	"math"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/lessons/rl"
)

// Sutton and Barto, figure 4.1: the random policy's values on the 4×4 grid (rounded), and the
// optimal values (exact: minus the number of steps to the nearest terminal corner).
var (
	textbookRandom = []float64{
		0, -14, -20, -22,
		-14, -18, -20, -20,
		-20, -20, -18, -14,
		-22, -20, -14, 0,
	}
	textbookOptimal = []float64{
		0, -1, -2, -3,
		-1, -2, -3, -2,
		-2, -3, -2, -1,
		-3, -2, -1, 0,
	}
)

func TestRandomPolicyValues(t *testing.T) {
	m := rl.SuttonBarto4x4().MDP()
	pi := rl.UniformPolicy(m)
	exact, err := rl.SolvePolicy(m, pi)
	if err != nil {
		t.Fatal(err)
	}
	V := rl.PolicyEvaluation(m, pi, 1e-10)
	for s := range V {
		if math.Abs(V[s]-exact[s]) > 1e-6 {
			t.Errorf("state %d: PolicyEvaluation %v, exact solution %v", s, V[s], exact[s])
		}
		if math.Abs(exact[s]-textbookRandom[s]) > 0.5 {
			t.Errorf("state %d: exact %v, textbook %v (±0.5)", s, exact[s], textbookRandom[s])
		}
	}
	// The first sweeps of figure 4.1, exactly: k = 1 gives −1 everywhere, k = 2 gives −1.75
	// next to a terminal corner and −2 elsewhere, k = 3 gives −2.4375 at (0,1).
	var sweeps []rl.Sweep
	for sw := range rl.PolicyEvaluationSweeps(m, pi, 0, 3) {
		sweeps = append(sweeps, sw)
	}
	if len(sweeps) != 3 {
		t.Fatalf("PolicyEvaluationSweeps(max 3) yielded %d sweeps", len(sweeps))
	}
	for i, tc := range []struct {
		k, s int
		want float64
	}{{1, 1, -1}, {1, 5, -1}, {1, 0, 0}, {2, 1, -1.75}, {2, 2, -2}, {2, 5, -2}, {2, 14, -1.75}, {3, 1, -2.4375}, {3, 2, -2.9375}} {
		if got := sweeps[tc.k-1].V[tc.s]; math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("case %d: sweep %d state %d: got %v, want %v", i, tc.k, tc.s, got, tc.want)
		}
	}
}

func TestOptimalValues(t *testing.T) {
	m := rl.SuttonBarto4x4().MDP()
	vi, viPi, sweeps := rl.ValueIteration(m, 1e-10)
	pi, piPi, rounds := rl.PolicyIteration(m, 1e-10)
	if sweeps != 4 { // three sweeps to reach −3, one to see nothing change
		t.Errorf("value iteration took %d sweeps, want 4", sweeps)
	}
	if rounds < 1 || rounds > 5 {
		t.Errorf("policy iteration took %d rounds", rounds)
	}
	opt := rl.OptimalActions(m.QFromV(vi), 1e-9)
	for s := range vi {
		if math.Abs(vi[s]-textbookOptimal[s]) > 1e-6 {
			t.Errorf("state %d: value iteration %v, want %v", s, vi[s], textbookOptimal[s])
		}
		if math.Abs(pi[s]-textbookOptimal[s]) > 1e-6 {
			t.Errorf("state %d: policy iteration %v, want %v", s, pi[s], textbookOptimal[s])
		}
		if m.Terminal[s] {
			continue
		}
		if !slices.Contains(opt[s], viPi[s]) || !slices.Contains(opt[s], piPi[s]) {
			t.Errorf("state %d: policies %d (VI) and %d (PI), optimal actions %v", s, viPi[s], piPi[s], opt[s])
		}
	}
	// The optimal policy's exact value is the optimal value.
	exact, err := rl.SolvePolicy(m, rl.DeterministicPolicy(piPi, 4))
	if err != nil {
		t.Fatal(err)
	}
	for s := range exact {
		if math.Abs(exact[s]-textbookOptimal[s]) > 1e-6 {
			t.Errorf("state %d: V of the optimal policy %v, want %v", s, exact[s], textbookOptimal[s])
		}
	}
	// Cell (0,1) is next to the top-left terminal corner: the only optimal action is Left.
	if got := opt[1]; !slices.Equal(got, []int{rl.Left}) {
		t.Errorf("optimal actions at (0,1) = %v, want [Left]", got)
	}
	if got := opt[5]; !slices.Equal(got, []int{rl.Left, rl.Up}) {
		t.Errorf("optimal actions at (1,1) = %v, want [Left Up]", got)
	}
}

func TestSlipperyAgreement(t *testing.T) {
	for i, g := range []*rl.GridWorld{rl.SlipperyGrid(6, 0.2), rl.SlipperyGrid(5, 0)} {
		m := g.MDP()
		vi, viPi, _ := rl.ValueIteration(m, 1e-12)
		pi, piPi, _ := rl.PolicyIteration(m, 1e-12)
		exact, err := rl.SolvePolicy(m, rl.DeterministicPolicy(piPi, 4))
		if err != nil {
			t.Fatal(err)
		}
		opt := rl.OptimalActions(m.QFromV(vi), 1e-7)
		for s := range vi {
			if math.Abs(vi[s]-pi[s]) > 1e-6 || math.Abs(exact[s]-vi[s]) > 1e-6 {
				t.Errorf("case %d: state %d: VI %v, PI %v, exact V of PI's policy %v", i, s, vi[s], pi[s], exact[s])
			}
			if !m.Terminal[s] && (!slices.Contains(opt[s], viPi[s]) || !slices.Contains(opt[s], piPi[s])) {
				t.Errorf("case %d: state %d: VI action %d, PI action %d, optimal %v", i, s, viPi[s], piPi[s], opt[s])
			}
		}
	}
}

func TestMDPTable(t *testing.T) {
	g := rl.NewGridWorld(3, 4)
	g.Terminals = []rl.Cell{{0, 3}}
	g.Walls = []rl.Cell{{1, 1}}
	g.Slip = 0.2
	g.Rewards = map[rl.Cell]float64{{0, 3}: 10}
	m := g.MDP()
	for s := range m.NumStates {
		for a := range m.NumActions {
			sum := 0.0
			for _, tr := range m.P[s][a] {
				sum += tr.Prob
				if g.IsWall(tr.Next) && !g.IsWall(s) {
					t.Errorf("state %d action %d enters the wall %d", s, a, tr.Next)
				}
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("state %d action %d: probabilities sum to %v", s, a, sum)
			}
		}
	}
	// From (0,2) Right reaches the goal with 0.8 (reward −1+10) and slips up (stays, 0.1) or
	// down (to (1,2), 0.1).
	got := m.P[g.State(rl.Cell{0, 2})][rl.Right]
	want := []rl.Transition{{Prob: 0.8, Next: 3, Reward: 9, Terminal: true}, {Prob: 0.1, Next: 2, Reward: -1}, {Prob: 0.1, Next: 6, Reward: -1}}
	if len(got) != len(want) {
		t.Fatalf("P[(0,2)][Right] = %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i].Prob-want[i].Prob) > 1e-12 || got[i].Next != want[i].Next || got[i].Reward != want[i].Reward || got[i].Terminal != want[i].Terminal {
			t.Errorf("P[(0,2)][Right][%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	// Moving into the wall at (1,1) from (1,0) stays put.
	if tr := m.P[g.State(rl.Cell{1, 0})][rl.Right]; tr[0].Next != g.State(rl.Cell{1, 0}) || math.Abs(tr[0].Prob-0.8) > 1e-12 {
		t.Errorf("P[(1,0)][Right] = %+v, want to stay with 0.8", tr)
	}
}

func TestGridWorldEpisodes(t *testing.T) {
	g := rl.SlipperyGrid(5, 0.3)
	run := func(seed uint64) []int {
		var states []int
		s := g.Reset(seed)
		states = append(states, s)
		for i := 0; ; i++ {
			s2, r, term, trunc := g.Step(i % 4)
			if r != -1 {
				t.Fatalf("reward %v, want −1", r)
			}
			states = append(states, s2)
			if term || trunc {
				return states
			}
		}
	}
	a, b, c := run(3), run(3), run(4)
	if !slices.Equal(a, b) {
		t.Errorf("the same seed gave different episodes:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 3 and 4 gave the same episode %v", a)
	}
	if len(a) != g.MaxSteps+1 {
		t.Errorf("cycling actions should hit the step limit: episode of %d states", len(a))
	}
	// Slip frequencies match the table: from (0,0) Down goes down with 0.7, right with 0.15,
	// and stays (left, into the border) with 0.15.
	counts := map[int]int{}
	const n = 20000
	g.Reset(1)
	for range n {
		g.SetState(0)
		s, _, _, _ := g.Step(rl.Down)
		counts[s]++
	}
	for s, p := range map[int]float64{5: 0.7, 1: 0.15, 0: 0.15} {
		if f := float64(counts[s]) / n; math.Abs(f-p) > 0.02 {
			t.Errorf("from (0,0) Down reached %d with frequency %v, want %v", s, f, p)
		}
	}
}

func TestGridWorldRendering(t *testing.T) {
	g := rl.SuttonBarto4x4()
	g.Walls = []rl.Cell{{1, 2}}
	g.Starts = []rl.Cell{{2, 1}}
	g.Reset(0)
	want := "T . . .\n. . # .\n. A . .\n. . . T\n"
	if got := g.String(); got != want {
		t.Errorf("String:\n%s\nwant:\n%s", got, want)
	}
	img := g.Image()
	if b := img.Bounds(); b.Dx() != 161 || b.Dy() != 161 {
		t.Errorf("Image is %v, want 161×161", b)
	}
	// The agent's cell (row 2, column 1) has a blue disk at its centre; the wall (1, 2) is dark;
	// an empty cell is white.
	for i, tc := range []struct {
		x, y    int
		r, g, b uint32 // 8-bit
	}{{60, 100, 30, 90, 200}, {101, 60, 0x40, 0x40, 0x40}, {20, 140, 255, 255, 255}} {
		r, gg, b, _ := img.At(tc.x, tc.y).RGBA()
		if r>>8 != tc.r || gg>>8 != tc.g || b>>8 != tc.b {
			t.Errorf("case %d: pixel (%d, %d) is %d,%d,%d, want %d,%d,%d", i, tc.x, tc.y, r>>8, gg>>8, b>>8, tc.r, tc.g, tc.b)
		}
	}
}

// TestStartValue checks the optimum of the random-start return on Sutton and Barto's grid:
// exactly −28/14 = −2 (4, 6 and 4 of the 14 start cells lie 1, 2 and 3 moves from a corner).
func TestStartValue(t *testing.T) {
	g := rl.SuttonBarto4x4()
	V, _, _ := rl.ValueIteration(g.MDP(), 1e-12)
	if got := g.StartValue(V); math.Abs(got-(-2)) > 1e-9 || len(g.StartStates()) != 14 {
		t.Errorf("StartValue(V*) = %v over %d start states, want -2 over 14", got, len(g.StartStates()))
	}
	g.Starts = []rl.Cell{{3, 0}}
	if got := g.StartValue(V); math.Abs(got-(-3)) > 1e-9 {
		t.Errorf("StartValue(V*) from (3, 0) = %v, want -3", got)
	}
}
