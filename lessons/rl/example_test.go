package rl_test

import (
	"fmt"

	"github.com/deepnb/deepnb/lessons/rl"
)

func ExampleValueIteration() {
	g := rl.SuttonBarto4x4()
	V, pi, sweeps := rl.ValueIteration(g.MDP(), 1e-9)
	fmt.Println("sweeps:", sweeps)
	for r := range 4 {
		for c := range 4 {
			s := g.State(rl.Cell{Row: r, Col: c})
			arrow := rl.ActionArrows[pi[s]]
			if g.IsTerminal(s) {
				arrow = "·"
			}
			fmt.Printf("%5.1f %s", V[s], arrow)
		}
		fmt.Println()
	}
	// Output:
	// sweeps: 4
	//   0.0 · -1.0 ← -2.0 ← -3.0 ←
	//  -1.0 ↑ -2.0 ← -3.0 → -2.0 ↓
	//  -2.0 ↑ -3.0 → -2.0 → -1.0 ↓
	//  -3.0 → -2.0 → -1.0 →  0.0 ·
}

func ExamplePolicyEvaluationSweeps() {
	m := rl.SuttonBarto4x4().MDP()
	for sw := range rl.PolicyEvaluationSweeps(m, rl.UniformPolicy(m), 1e-9, 0) {
		if sw.Iter <= 3 || sw.Delta <= 1e-9 {
			fmt.Printf("sweep %d: V(0,1) = %.4f\n", sw.Iter, sw.V[1])
		}
	}
	// Output:
	// sweep 1: V(0,1) = -1.0000
	// sweep 2: V(0,1) = -1.7500
	// sweep 3: V(0,1) = -2.4375
	// sweep 384: V(0,1) = -14.0000
}

func ExampleMinimax() {
	b := rl.Board{}.Play(0).Play(1) // X in a corner, O on the next edge
	v, best := rl.Minimax(b)
	fmt.Print(b)
	fmt.Println("value for X:", v, "winning moves:", best)
	// Output:
	// X O .
	// . . .
	// . . .
	// value for X: 1 winning moves: [3 4 6]
}

func ExampleCheckQUpdate() {
	wrong := func(qsa, r float64, qNext []float64, terminal bool, alpha, gamma float64) float64 {
		return qsa + alpha*(r-qsa) // forgets to bootstrap
	}
	fmt.Println(rl.CheckQUpdate(rl.QLearningUpdate))
	fmt.Println(rl.CheckQUpdate(wrong).Passed)
	// Output:
	// ✓ Q-learning update: 200 cases pass
	// false
}

func ExampleQLearning() {
	g := rl.SuttonBarto4x4()
	res := rl.QLearning(g, rl.TabularConfig{Episodes: 1000, Alpha: 0.1, Epsilon: 0.1, Seed: 1})
	states, ret := rl.GreedyEpisode(g, res.Q, 3, 20)
	fmt.Println("greedy episode from state", states[0], "visits", states, "return", ret)
	fmt.Printf("Q(1,·) = %.2f\n", res.Q[1])
	// Output:
	// greedy episode from state 11 visits [11 15] return -1
	// Q(1,·) = [-2.37 -1.00 -1.64 -2.01]
}

func ExampleSelfPlay() {
	a := agent() // rl.SelfPlay(rl.SelfPlayConfig{Seed: 1}), trained once per test binary
	for _, me := range []rl.Mark{rl.X, rl.O} {
		worst, _ := rl.WorstCase(a.Move, me, rl.MinimaxMoves)
		fmt.Printf("as %v against every line of minimax: worst result %d (0 is a draw)\n", me, worst)
	}
	// Output:
	// as X against every line of minimax: worst result 0 (0 is a draw)
	// as O against every line of minimax: worst result 0 (0 is a draw)
}

// The optimum a learning curve of returns approaches: the mean optimal value over the cells an
// episode starts in, exactly −2 on Sutton and Barto's grid.
func ExampleGridWorld_StartValue() {
	g := rl.SuttonBarto4x4()
	V, _, _ := rl.ValueIteration(g.MDP(), 1e-10)
	fmt.Printf("%.4f over %d start cells\n", g.StartValue(V), len(g.StartStates()))
	// Output: -2.0000 over 14 start cells
}

func ExampleCartPoleDynamics() {
	// Upright and at rest, pushed right: the cart speeds up to the right and the pole starts to
	// tip to the left (ẋ = 8/41 m/s and θ̇ = −12/41 rad/s after one step of 0.02 s).
	s := rl.CartPoleDynamics([4]float64{0, 0, 0, 0}, 1)
	fmt.Printf("x %.4f  ẋ %.4f  θ %.4f  θ̇ %.4f\n", s[0], s[1], s[2], s[3])
	// Output: x 0.0000  ẋ 0.1951  θ 0.0000  θ̇ -0.2927
}

func ExampleSolvedAfter() {
	returns := make([]float64, 150)
	for i := range returns {
		returns[i] = float64(min(500, 10*i)) // a learning curve rising to 500
	}
	fmt.Println(rl.SolvedAfter(returns))
	// Output: 129
}
