package rl_test

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/lessons/rl"
	"github.com/deepnb/deepnb/widgets"
)

// optimum returns V* and Q* of the 4×4 grid world, with its MDP.
func optimum() (*rl.GridWorld, *rl.MDP, []float64, [][]float64) {
	g := rl.SuttonBarto4x4()
	m := g.MDP()
	V, _, _ := rl.ValueIteration(m, 1e-10)
	return g, m, V, m.QFromV(V)
}

// allRight is the policy that always moves right, as a Q table (DeterministicPolicy).
func allRight(n int) [][]float64 {
	return rl.DeterministicPolicy(make([]int, n), 4) // rl.Right == 0
}

func pixels(img image.Image) []uint8 {
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba.Pix
}

func TestGreedyArrows(t *testing.T) {
	g, _, _, Qstar := optimum()
	got := rl.GreedyArrows(g, Qstar)
	for i, tc := range []struct {
		cell rl.Cell
		want widgets.Action
	}{
		{rl.Cell{Row: 0, Col: 0}, 0}, // terminal: no arrows
		{rl.Cell{Row: 3, Col: 3}, 0},
		{rl.Cell{Row: 0, Col: 1}, widgets.Left},
		{rl.Cell{Row: 1, Col: 1}, widgets.Left | widgets.Up}, // a tie: both arrows
		{rl.Cell{Row: 0, Col: 3}, widgets.Left | widgets.Down},
		{rl.Cell{Row: 3, Col: 2}, widgets.Right},
		{rl.Cell{Row: 2, Col: 2}, widgets.Right | widgets.Down},
	} {
		if a := got[g.State(tc.cell)]; a != tc.want {
			t.Errorf("case %d: GreedyArrows at %v: got %04b, want %04b", i, tc.cell, a, tc.want)
		}
	}
	// Walls get no arrows either.
	s := rl.SlipperyGrid(6, 0.2)
	sm := s.MDP()
	sV, _, _ := rl.ValueIteration(sm, 1e-10)
	arrows := rl.GreedyArrows(s, sm.QFromV(sV))
	for _, w := range s.Walls {
		if a := arrows[s.State(w)]; a != 0 {
			t.Errorf("GreedyArrows: wall %v has arrows %04b", w, a)
		}
	}
}

func TestView(t *testing.T) {
	g, _, Vstar, Qstar := optimum()
	img := rl.View(g, Vstar, Qstar, "%.1f")
	if b := img.Bounds(); b.Dx() < 4*rl.ViewCellSize || b.Dy() < 4*rl.ViewCellSize {
		t.Errorf("View: %v, want at least %d pixels a side", b, 4*rl.ViewCellSize)
	}
	// The same picture as widgets.GridWorld with the grid's terminals and the greedy arrows.
	want, err := widgets.GridWorld(Vstar, 4, 4, widgets.GridWorldOpts{
		Policy:   rl.GreedyArrows(g, Qstar),
		Terminal: []widgets.Cell{{Row: 0, Col: 0}, {Row: 3, Col: 3}},
		Format:   "%.1f",
		CellSize: rl.ViewCellSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pixels(img), pixels(want)) {
		t.Errorf("View differs from widgets.GridWorld with the same options")
	}
	// Terminal values are drawn as 0, and the caller's slice is left alone.
	V := slices.Clone(Vstar)
	V[0], V[15] = 99, -99
	if !bytes.Equal(pixels(rl.View(g, V, Qstar, "%.1f")), pixels(img)) {
		t.Errorf("View: terminal values are not drawn as 0")
	}
	if V[0] != 99 || V[15] != -99 {
		t.Errorf("View modified V: %v", V)
	}
	// No Q, no arrows: a different picture.
	if bytes.Equal(pixels(rl.View(g, Vstar, nil, "%.1f")), pixels(img)) {
		t.Errorf("View with Q = nil draws the same arrows")
	}
	// ViewQ is View of maxₐ Q.
	if !bytes.Equal(pixels(rl.ViewQ(g, Qstar, "%.2f")), pixels(rl.View(g, Vstar, Qstar, "%.2f"))) {
		t.Errorf("ViewQ(g, Q*) differs from View(g, V*, Q*)")
	}
	// Walls (NaN values there are fine: they are drawn as walls).
	s := rl.SlipperyGrid(6, 0.2)
	sV := make([]float64, s.NumStates())
	sV[s.State(s.Walls[0])] = math.NaN()
	if b := rl.View(s, sV, nil, "-").Bounds(); b.Dx() < 6*rl.ViewCellSize {
		t.Errorf("View of the slippery grid: %v", b)
	}
}

func TestViewPanics(t *testing.T) {
	g, _, Vstar, Qstar := optimum()
	nan := slices.Clone(Vstar)
	nan[5] = math.NaN()
	for i, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"short V", func() { rl.View(g, Vstar[:15], nil, "%.1f") }, "rl: View: 15 values for the 16 states"},
		{"short Q", func() { rl.View(g, Vstar, Qstar[:3], "%.1f") }, "rl: View: Q has 3 rows"},
		{"Q row", func() { rl.GreedyArrows(g, append(slices.Clone(Qstar[:15]), []float64{1, 2})) }, "rl: View: Q[15] has 2 actions"},
		{"NaN", func() { rl.View(g, nan, nil, "%.1f") }, "rl: View: "},
		{"MaxAbsDiff", func() { rl.MaxAbsDiff([]float64{1}, nil) }, "rl: MaxAbsDiff: lengths 1 and 0 differ"},
		{"CompareQ", func() { rl.CompareQ(g.MDP(), Qstar[:2]) }, "rl: CompareQ: Q has 2 rows for 16 states"},
		{"FormatValues", func() { g.FormatValues(nil) }, "rl: FormatValues: 0 values"},
	} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return "no panic"
		}()
		if !strings.HasPrefix(msg, tc.want) {
			t.Errorf("case %d: %s: panic %q, want it to start with %q", i, tc.name, msg, tc.want)
		}
	}
}

func TestMaxQAndMaxAbsDiff(t *testing.T) {
	Q := [][]float64{{1, -2, 3}, {-5, -4, -6}, {0, 0, 0}}
	if got, want := rl.MaxQ(Q), []float64{3, -4, 0}; !slices.Equal(got, want) {
		t.Errorf("MaxQ: got %v, want %v", got, want)
	}
	for i, tc := range []struct {
		a, b []float64
		want float64
	}{
		{nil, nil, 0},
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 0},
		{[]float64{1, 2, 3}, []float64{1.5, 0, 3}, 2},
		{[]float64{-1e6, 0}, []float64{1e6, 0}, 2e6},
	} {
		if got := rl.MaxAbsDiff(tc.a, tc.b); got != tc.want {
			t.Errorf("case %d: MaxAbsDiff(%v, %v): got %v, want %v", i, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestOptimalStatesAndCompareQ(t *testing.T) {
	g, m, _, Qstar := optimum()
	off := make([][]float64, len(Qstar)) // Q* shifted by 0.5 in state 1: same greedy actions
	for s := range Qstar {
		off[s] = slices.Clone(Qstar[s])
	}
	for a := range off[1] {
		off[1][a] += 0.5
	}
	zero := make([][]float64, g.NumStates())
	for s := range zero {
		zero[s] = make([]float64, 4)
	}
	_, piPolicy, _ := rl.PolicyIteration(m, 1e-10)
	for i, tc := range []struct {
		name string
		Q    [][]float64
		want rl.QComparison
	}{
		{"Q*", Qstar, rl.QComparison{Optimal: 14, States: 14}},
		{"Q* + 0.5 in state 1", off, rl.QComparison{Optimal: 14, States: 14, MaxValueDiff: 0.5}},
		// Moving right is optimal where the corner (3,3) is at least as near as (0,0) and the
		// agent is not in the last column: (1,2), (2,1), (2,2), (3,0), (3,1), (3,2).
		{"always right", allRight(16), rl.QComparison{Optimal: 6, States: 14, MaxValueDiff: 4}},
		// Q = 0 is greedy "right" too (the lowest action among ties); V* is at most 3 away.
		{"zero", zero, rl.QComparison{Optimal: 6, States: 14, MaxValueDiff: 3}},
		{"policy iteration", rl.DeterministicPolicy(piPolicy, 4), rl.QComparison{Optimal: 14, States: 14, MaxValueDiff: 4}},
	} {
		if got := rl.CompareQ(m, tc.Q); got.Optimal != tc.want.Optimal || got.States != tc.want.States ||
			math.Abs(got.MaxValueDiff-tc.want.MaxValueDiff) > 1e-9 {
			t.Errorf("case %d: CompareQ(%s): got %+v, want %+v", i, tc.name, got, tc.want)
		}
		if ok, total := rl.OptimalStates(m, tc.Q); ok != tc.want.Optimal || total != tc.want.States {
			t.Errorf("case %d: OptimalStates(%s): got %d/%d, want %d/%d", i, tc.name, ok, total, tc.want.Optimal, tc.want.States)
		}
	}
}

func TestFormatValues(t *testing.T) {
	g, _, Vstar, _ := optimum()
	want := "   0.00  -1.00  -2.00  -3.00\n  -1.00  -2.00  -3.00  -2.00\n  -2.00  -3.00  -2.00  -1.00\n  -3.00  -2.00  -1.00   0.00\n"
	if got := g.FormatValues(Vstar); got != want {
		t.Errorf("FormatValues(V*): got\n%s\nwant\n%s", got, want)
	}
	w := rl.NewGridWorld(1, 3)
	if got, want := w.FormatValues([]float64{1.234, -10, 100}), "   1.23 -10.00 100.00\n"; got != want {
		t.Errorf("FormatValues 1×3: got %q, want %q", got, want)
	}
}

func TestWinRates(t *testing.T) {
	curve := []rl.SelfPlayPoint{
		{Episode: 10, VsRandomX: rl.Record{Wins: 1, Draws: 1, Losses: 2}, VsRandomO: rl.Record{Wins: 0, Draws: 4}},
		{Episode: 20, VsRandomX: rl.Record{Wins: 3, Losses: 1}, VsRandomO: rl.Record{Wins: 2, Draws: 2}},
	}
	games, x, o := rl.WinRates(curve)
	if !slices.Equal(games, []float64{10, 20}) || !slices.Equal(x, []float64{0.25, 0.75}) || !slices.Equal(o, []float64{0, 0.5}) {
		t.Errorf("WinRates: got %v, %v, %v; want [10 20], [0.25 0.75], [0 0.5]", games, x, o)
	}
	if g, x, o := rl.WinRates(nil); g != nil || x != nil || o != nil {
		t.Errorf("WinRates(nil): got %v, %v, %v, want nils", g, x, o)
	}
}

// ExampleView draws the optimal values and policy of Sutton and Barto's grid world.
func ExampleView() {
	g := rl.SuttonBarto4x4()
	m := g.MDP()
	V, _, _ := rl.ValueIteration(m, 1e-10)
	img := rl.View(g, V, m.QFromV(V), "%.0f")
	fmt.Println("picture:", img.Bounds().Dx(), "×", img.Bounds().Dy())
	fmt.Print(g.FormatValues(V))
	c := rl.CompareQ(m, m.QFromV(V))
	fmt.Printf("optimal in %d/%d states, max |maxₐQ − V*| = %.3f\n", c.Optimal, c.States, c.MaxValueDiff)
	// Output:
	// picture: 225 × 225
	//    0.00  -1.00  -2.00  -3.00
	//   -1.00  -2.00  -3.00  -2.00
	//   -2.00  -3.00  -2.00  -1.00
	//   -3.00  -2.00  -1.00   0.00
	// optimal in 14/14 states, max |maxₐQ − V*| = 0.000
}
