package rl

import (
	"cmp"
	"fmt"
	"math/rand/v2"
)

// SelfPlayConfig configures SelfPlay.
type SelfPlayConfig struct {
	Episodes int     // games of self-play; default 20000
	Alpha    float64 // step size α; default 0.5
	Epsilon  float64 // exploration ε of both players while training; default 0.5
	// TargetEpsilon is the ε of the ε-greedy opponent the targets assume; default 0.1.
	// With 0 the values converge to minimax's; larger values favour traps for a weak opponent.
	TargetEpsilon float64
	Seed          uint64 // seeds the exploration
	// EvalEvery, when positive, makes SelfPlay measure the agent every EvalEvery games against
	// a random player (EvalGames games as X and as O) and record it in Curve.
	EvalEvery, EvalGames int
}

// TTTAgent is a tic-tac-toe player with a table of afterstate values: V[b.Key()] is the value
// of board b for the player who just moved into it (1 a sure win, 0 a draw, −1 a sure loss).
// It plays greedily: the move whose afterstate has the largest value, the lowest cell among
// ties. The zero value plays the first empty cell; train one with SelfPlay. It is safe to
// encode with encoding/gob (GoNB's cache does so).
type TTTAgent struct {
	V map[uint32]float64
}

// SelfPlayPoint is one point of SelfPlay's learning curve.
type SelfPlayPoint struct {
	Episode     int
	VsRandomX   Record // the agent as X against a random player
	VsRandomO   Record // the agent as O against a random player
	StatesKnown int    // afterstates in the table
}

// value returns the value of afterstate b for the player who moved into it: the true reward
// for a finished game, else the table's estimate (0 when unseen).
func (a *TTTAgent) value(b Board) float64 {
	switch {
	case b.Winner() != Empty:
		return 1
	case b.Full():
		return 0
	}
	return a.V[b.Key()]
}

// Move returns the agent's move on b: argmax over legal moves c of V(b after c). It panics if
// the game is over. Move is a Player.
func (a *TTTAgent) Move(b Board) int {
	best, bv := -1, 0.0
	for _, c := range b.Moves() {
		if v := a.value(b.Play(c)); best < 0 || v > bv {
			best, bv = c, v
		}
	}
	if best < 0 {
		panic(fmt.Sprintf("rl: TTTAgent.Move on a finished game\n%v", b))
	}
	return best
}

// target returns the value of afterstate b for the player who moved into it, looking one move
// ahead: minus the opponent's expected value when it plays ε-greedily (best reply with
// probability 1−ε, a uniformly random one with ε).
func (a *TTTAgent) target(b Board, eps float64) float64 {
	if b.Over() {
		return a.value(b)
	}
	best, sum, n := -2.0, 0.0, 0
	for _, c := range b.Moves() {
		v := a.value(b.Play(c))
		best = max(best, v)
		sum += v
		n++
	}
	return -((1-eps)*best + eps*sum/float64(n))
}

// SelfPlay trains a TTTAgent by playing against itself. Both sides play ε-greedily with the same
// table; after each game, from the last move back to the first, the value of each non-final
// board b a move led to moves toward a one-step lookahead target (an Expected-SARSA target, the
// game being zero-sum, with the opponent modelled as ε-greedy with TargetEpsilon):
//
//	V(b) ← V(b) + α·(−E_{ε-greedy reply c}[V(b after c)] − V(b)),
//
// where a finished afterstate is worth its reward (1 for the winner, 0 for a draw). The values
// converge to those of ε-greedy play, which are minimax-safe for small ε and prefer moves that
// set traps for a fallible opponent. The same config gives the same agent.
//
// Introduced in notebooks/05-reinforcement-learning.
func SelfPlay(cfg SelfPlayConfig) (*TTTAgent, []SelfPlayPoint) {
	cfg.Episodes = cmp.Or(cfg.Episodes, 20000)
	cfg.Alpha = cmp.Or(cfg.Alpha, 0.5)
	cfg.Epsilon = cmp.Or(cfg.Epsilon, 0.5)
	cfg.TargetEpsilon = cmp.Or(cfg.TargetEpsilon, 0.1)
	cfg.EvalGames = cmp.Or(cfg.EvalGames, 100)
	rng := rand.New(rand.NewPCG(cfg.Seed, 2))
	a := &TTTAgent{V: map[uint32]float64{}}
	var curve []SelfPlayPoint
	for ep := 1; ep <= cfg.Episodes; ep++ {
		b := Board{}
		var visited []Board
		for !b.Over() {
			var c int
			if rng.Float64() < cfg.Epsilon {
				ms := b.Moves()
				c = ms[rng.IntN(len(ms))]
			} else {
				c = a.Move(b)
			}
			b = b.Play(c)
			if !b.Over() {
				visited = append(visited, b)
			}
		}
		// Update from the end of the game back, so that one game carries the final reward
		// back to the opening.
		for i := len(visited) - 1; i >= 0; i-- {
			k := visited[i].Key()
			a.V[k] += cfg.Alpha * (a.target(visited[i], cfg.TargetEpsilon) - a.V[k])
		}
		if cfg.EvalEvery > 0 && ep%cfg.EvalEvery == 0 {
			r := RandomPlayer(rand.New(rand.NewPCG(cfg.Seed, uint64(ep))))
			x, o := Evaluate(a.Move, r, cfg.EvalGames)
			curve = append(curve, SelfPlayPoint{Episode: ep, VsRandomX: x, VsRandomO: o, StatesKnown: len(a.V)})
		}
	}
	return a, curve
}
