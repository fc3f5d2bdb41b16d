package rl_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/deepnb/deepnb/lessons/rl"
)

// agent is trained once per test binary: SelfPlay with the default config.
var agent = sync.OnceValue(func() *rl.TTTAgent {
	a, _ := rl.SelfPlay(rl.SelfPlayConfig{Seed: 1})
	return a
})

func board(s string) rl.Board {
	var b rl.Board
	for i, c := range strings.ReplaceAll(s, " ", "") {
		b[i] = map[rune]rl.Mark{'.': rl.Empty, 'X': rl.X, 'O': rl.O}[c]
	}
	return b
}

func TestBoard(t *testing.T) {
	for i, tc := range []struct {
		b      string
		turn   rl.Mark
		winner rl.Mark
		moves  int
	}{
		{".........", rl.X, rl.Empty, 9},
		{"X........", rl.O, rl.Empty, 8},
		{"XXX OO. ...", rl.O, rl.X, 0},
		{"XOX XOO OXX", rl.O, rl.Empty, 0},
		{"O.X .OX X.O", rl.X, rl.O, 0},
	} {
		b := board(tc.b)
		if b.Turn() != tc.turn || b.Winner() != tc.winner || len(b.Moves()) != tc.moves {
			t.Errorf("case %d: %q: turn %v winner %v moves %d, want %v %v %d", i, tc.b, b.Turn(), b.Winner(), len(b.Moves()), tc.turn, tc.winner, tc.moves)
		}
		if rl.BoardFromKey(b.Key()) != b {
			t.Errorf("case %d: BoardFromKey(Key()) differs", i)
		}
	}
	var env rl.TicTacToe
	env.Reset(0)
	var r float64
	var term bool
	for _, c := range []int{0, 3, 1, 4} {
		if _, r, term, _ = env.Step(c); r != 0 || term {
			t.Fatalf("move %d: reward %v terminated %v", c, r, term)
		}
	}
	if mask := env.LegalMask(); mask[0] || !mask[2] {
		t.Errorf("LegalMask = %v", mask)
	}
	if _, r, term, _ = env.Step(2); r != 1 || !term {
		t.Errorf("winning move: reward %v terminated %v, want 1 true", r, term)
	}
	if want := "X X X\nO O .\n. . .\n"; env.String() != want {
		t.Errorf("String:\n%s", env.String())
	}
	if b := env.Image().Bounds(); b.Dx() != 121 {
		t.Errorf("Image is %v", b)
	}
}

func TestMinimax(t *testing.T) {
	cases := []struct {
		b     string
		value int
		best  []int
	}{
		{".........", 0, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}},
		{"XX. OO. ...", 1, []int{2}},
		{"XX. O.. ...", -1, []int{2, 4, 5, 6, 7, 8}}, // O blocks, X forks at 4
		{"X.. ... ...", 0, []int{4}},
		{"XXO OO. X..", 0, []int{5}}, // X must block at 5
	}
	for i, tc := range cases {
		v, best := rl.Minimax(board(tc.b))
		if v != tc.value || !slices.Equal(best, tc.best) {
			t.Errorf("case %d: %q: Minimax = %d %v, want %d %v", i, tc.b, v, best, tc.value, tc.best)
		}
	}
	// Perfect play against perfect play is a draw; perfect play never loses to a random player.
	if _, w := rl.PlayGame(rl.MinimaxPlayer(nil), rl.MinimaxPlayer(nil)); w != rl.Empty {
		t.Errorf("minimax vs minimax: winner %v", w)
	}
	x, o := rl.Evaluate(rl.MinimaxPlayer(rand.New(rand.NewPCG(1, 1))), rl.RandomPlayer(rand.New(rand.NewPCG(2, 2))), 200)
	if x.Losses != 0 || o.Losses != 0 || x.Games() != 200 {
		t.Errorf("minimax vs random: as X %v, as O %v", x, o)
	}
	// Minimax is its own worst case: it never loses against any opponent.
	for _, me := range []rl.Mark{rl.X, rl.O} {
		if w, line := rl.WorstCase(rl.MinimaxPlayer(nil), me, rl.Board.Moves); w != 0 {
			t.Errorf("minimax as %v: worst case %d, line %v", me, w, line)
		}
	}
}

func TestSelfPlayNeverLoses(t *testing.T) {
	a := agent()
	for _, me := range []rl.Mark{rl.X, rl.O} {
		// Every game against minimax with all its tie-breaks (all its openings included) …
		if w, line := rl.WorstCase(a.Move, me, rl.MinimaxMoves); w < 0 {
			t.Errorf("agent as %v loses to minimax: %v", me, line)
		}
		// … and against every opponent at all.
		if w, line := rl.WorstCase(a.Move, me, rl.Board.Moves); w < 0 {
			t.Errorf("agent as %v loses to some opponent: %v", me, line)
		}
	}
}

func TestSelfPlayBeatsRandom(t *testing.T) {
	a := agent()
	x, o := rl.Evaluate(a.Move, rl.RandomPlayer(rand.New(rand.NewPCG(1, 1))), 1000)
	t.Logf("vs random: as X %v, as O %v", x, o)
	if x.Losses+o.Losses != 0 {
		t.Errorf("agent lost to random: as X %v, as O %v", x, o)
	}
	if rate := float64(x.Wins) / 1000; rate < 0.9 {
		t.Errorf("agent as X wins %v of games against random, want ≥ 0.9", rate)
	}
	if rate := float64(x.Wins+o.Wins) / 2000; rate < 0.9 {
		t.Errorf("agent wins %v of games against random, want ≥ 0.9", rate)
	}
}

func TestSelfPlaySeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("trains several agents")
	}
	for seed := uint64(2); seed <= 4; seed++ {
		a, curve := rl.SelfPlay(rl.SelfPlayConfig{Seed: seed, EvalEvery: 5000})
		if len(curve) != 4 {
			t.Errorf("seed %d: curve of %d points, want 4", seed, len(curve))
		}
		for _, me := range []rl.Mark{rl.X, rl.O} {
			if w, line := rl.WorstCase(a.Move, me, rl.MinimaxMoves); w < 0 {
				t.Errorf("seed %d: agent as %v loses to minimax: %v", seed, me, line)
			}
		}
		x, o := rl.Evaluate(a.Move, rl.RandomPlayer(rand.New(rand.NewPCG(seed, 1))), 1000)
		if rate := float64(x.Wins+o.Wins) / 2000; rate < 0.9 {
			t.Errorf("seed %d: agent wins %v against random (X %v, O %v)", seed, rate, x, o)
		}
	}
}

func TestPlayable(t *testing.T) {
	if n := len(rl.Reachable()); n != 5478 {
		t.Errorf("Reachable: %d boards, want 5478", n)
	}
	h := rl.PlayableHTML(rl.MinimaxPlayer(nil), "ttt1")
	for _, want := range []string{`id="ttt1"`, `".........":0`, "ttt1_click(8)", "window.ttt1_new"} {
		if !strings.Contains(h, want) {
			t.Errorf("PlayableHTML lacks %q", want)
		}
	}
	boards, _ := rl.PlayGame(rl.MinimaxPlayer(nil), rl.MinimaxPlayer(nil))
	if b := rl.GameImage(boards).Bounds(); b.Dx() != 10*97+9*8 || b.Dy() != 97 {
		t.Errorf("GameImage of %d boards is %v", len(boards), b)
	}
}
