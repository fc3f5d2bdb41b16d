package rl

import (
	"fmt"
	"image"
	"math"
	"slices"
	"strings"

	"github.com/deepnb/deepnb/widgets"
)

// This file turns grid worlds, values and Q tables into the lecture's pictures and numbers.
// Introduced in notebooks/05-reinforcement-learning.

// ViewCellSize is the side of a grid-world cell, in pixels, in the pictures View draws.
const ViewCellSize = 56

// viewTol is the tolerance within which View draws tied greedy actions as arrows, and
// OptimalStates counts a greedy action as optimal.
const viewTol = 1e-6

// View draws grid world g as widgets.GridWorld does: the values V (one per state) as a heat map
// with each value printed with format (for example "%.1f"; "-" prints none) and, if Q is not
// nil, Q's greedy actions as arrows — all the actions within 1e-6 of the best, so ties show as
// several arrows. Terminal cells and walls show the value 0 and no arrows. V is not modified.
//
// View panics if V or Q does not have one entry per state (a row of 4 actions each for Q), or if
// a value to draw is NaN or infinite; the message starts with "rl: View: ".
func View(g *GridWorld, V []float64, Q [][]float64, format string) image.Image {
	n := g.NumStates()
	if len(V) != n {
		panic(fmt.Sprintf("rl: View: %d values for the %d states of a %d×%d grid", len(V), n, g.Rows, g.Cols))
	}
	V = slices.Clone(V)
	for s := range V {
		if g.IsTerminal(s) || g.IsWall(s) {
			V[s] = 0
		}
	}
	opts := widgets.GridWorldOpts{Terminal: widgetCells(g.Terminals), Walls: widgetCells(g.Walls), Format: format, CellSize: ViewCellSize}
	if Q != nil {
		opts.Policy = GreedyArrows(g, Q)
	}
	img, err := widgets.GridWorld(V, g.Rows, g.Cols, opts)
	if err != nil {
		panic(fmt.Sprintf("rl: View: %v", err))
	}
	return img
}

// ViewQ draws grid world g with the values maxₐ Q(s,a) and Q's greedy actions: the picture of a
// learned Q table, View(g, MaxQ(Q), Q, format). It panics as View does.
func ViewQ(g *GridWorld, Q [][]float64, format string) image.Image {
	return View(g, MaxQ(Q), Q, format)
}

// GreedyArrows returns, for each state of g, the set of Q's greedy actions (every action within
// 1e-6 of maxₐ Q(s,a)) as a widgets.Action bit mask, for widgets.GridWorldOpts.Policy. Terminal
// cells and walls get none. GreedyArrows panics if Q does not have one row of 4 actions per state.
func GreedyArrows(g *GridWorld, Q [][]float64) []widgets.Action {
	if len(Q) != g.NumStates() {
		panic(fmt.Sprintf("rl: View: Q has %d rows for the %d states of a %d×%d grid", len(Q), g.NumStates(), g.Rows, g.Cols))
	}
	for s, q := range Q {
		if len(q) != 4 {
			panic(fmt.Sprintf("rl: View: Q[%d] has %d actions, want 4", s, len(q)))
		}
	}
	bit := [4]widgets.Action{Right: widgets.Right, Left: widgets.Left, Up: widgets.Up, Down: widgets.Down}
	out := make([]widgets.Action, len(Q))
	for s, acts := range OptimalActions(Q, viewTol) {
		if g.IsTerminal(s) || g.IsWall(s) {
			continue
		}
		for _, a := range acts {
			out[s] |= bit[a]
		}
	}
	return out
}

// widgetCells converts grid-world cells for the widgets package.
func widgetCells(cs []Cell) []widgets.Cell {
	out := make([]widgets.Cell, len(cs))
	for i, c := range cs {
		out[i] = widgets.Cell{Row: c.Row, Col: c.Col}
	}
	return out
}

// MaxQ returns V(s) = maxₐ Q(s,a) for every state. It panics if a row of Q is empty.
func MaxQ(Q [][]float64) []float64 {
	V := make([]float64, len(Q))
	for s, q := range Q {
		V[s] = slices.Max(q)
	}
	return V
}

// MaxAbsDiff returns maxᵢ |a[i] − b[i]|, the largest difference between two value functions
// (0 for empty slices). It panics if the lengths differ.
func MaxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("rl: MaxAbsDiff: lengths %d and %d differ", len(a), len(b)))
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// OptimalStates counts the non-terminal states of m (walls are terminal in GridWorld.MDP) where
// Q's greedy action (GreedyPolicy: the lowest among ties) is one of the optimal actions, those
// within 1e-6 of the best under Q* = m.QFromV(V*), V* from ValueIteration(m, 1e-10).
// A Policy works as Q too: DeterministicPolicy(pi, n) has its largest entry at pi's action.
// It returns that count and the number of non-terminal states.
func OptimalStates(m *MDP, Q [][]float64) (ok, total int) {
	Vstar, _, _ := ValueIteration(m, 1e-10)
	return optimalStates(m, m.QFromV(Vstar), Q)
}

func optimalStates(m *MDP, Qstar, Q [][]float64) (ok, total int) {
	best := OptimalActions(Qstar, viewTol)
	greedy := GreedyPolicy(Q)
	for s := range Q {
		if m.Terminal[s] {
			continue
		}
		total++
		if slices.Contains(best[s], greedy[s]) {
			ok++
		}
	}
	return ok, total
}

// QComparison is how close a learned Q table is to the optimum of its MDP; see CompareQ.
type QComparison struct {
	// Optimal is the number of non-terminal states where Q's greedy action is optimal, out of
	// States, the number of non-terminal states (as OptimalStates).
	Optimal, States int
	// MaxValueDiff is max over the non-terminal states s of |maxₐ Q(s,a) − V*(s)|.
	MaxValueDiff float64
}

// CompareQ compares Q, learned from experience (QLearning, SARSA, DQN), with dynamic
// programming's answer for m: V* from ValueIteration(m, 1e-10). It counts the states where Q's
// greedy action is optimal and measures how far maxₐ Q(s,a) is from V*(s), terminal states
// excluded. It panics if Q does not have one non-empty row per state.
func CompareQ(m *MDP, Q [][]float64) QComparison {
	if len(Q) != m.NumStates {
		panic(fmt.Sprintf("rl: CompareQ: Q has %d rows for %d states", len(Q), m.NumStates))
	}
	Vstar, _, _ := ValueIteration(m, 1e-10)
	var c QComparison
	c.Optimal, c.States = optimalStates(m, m.QFromV(Vstar), Q)
	for s, q := range Q {
		if !m.Terminal[s] {
			c.MaxValueDiff = math.Max(c.MaxValueDiff, math.Abs(slices.Max(q)-Vstar[s]))
		}
	}
	return c
}

// FormatValues returns one number per state of g laid out as the grid, one row per line, each
// number printed with "%7.2f": the textbook's tables of values. It panics if V does not have one
// entry per state.
func (g *GridWorld) FormatValues(V []float64) string {
	if len(V) != g.NumStates() {
		panic(fmt.Sprintf("rl: FormatValues: %d values for the %d states of a %d×%d grid", len(V), g.NumStates(), g.Rows, g.Cols))
	}
	var b strings.Builder
	for r := range g.Rows {
		for c := range g.Cols {
			fmt.Fprintf(&b, "%7.2f", V[g.State(Cell{Row: r, Col: c})])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// WinRates returns self-play's learning curve as plot series: the number of self-play games at
// each evaluation, and the agent's win rate against a random player as X and as O.
func WinRates(curve []SelfPlayPoint) (games, asX, asO []float64) {
	for _, p := range curve {
		games = append(games, float64(p.Episode))
		asX = append(asX, float64(p.VsRandomX.Wins)/float64(p.VsRandomX.Games()))
		asO = append(asO, float64(p.VsRandomO.Wins)/float64(p.VsRandomO.Games()))
	}
	return games, asX, asO
}
