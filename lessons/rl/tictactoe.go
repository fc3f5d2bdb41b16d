package rl

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
	"sync"
)

// Mark is the content of a tic-tac-toe cell.
type Mark int8

// The marks: X always moves first.
const (
	Empty Mark = iota
	X
	O
)

// String returns "X", "O" or ".".
func (m Mark) String() string { return [...]string{".", "X", "O"}[m] }

// Other returns the opponent's mark: O for X, X for O.
func (m Mark) Other() Mark { return 3 - m }

// Board is a tic-tac-toe position: cells 0…8 row by row,
//
//	0 1 2
//	3 4 5
//	6 7 8
type Board [9]Mark

var lines = [8][3]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}}

// Turn returns the mark to move: X when both have played as often, else O.
func (b Board) Turn() Mark {
	n := 0
	for _, m := range b {
		if m != Empty {
			n++
		}
	}
	if n%2 == 0 {
		return X
	}
	return O
}

// Winner returns the mark with three in a row, or Empty.
func (b Board) Winner() Mark {
	for _, l := range lines {
		if m := b[l[0]]; m != Empty && b[l[1]] == m && b[l[2]] == m {
			return m
		}
	}
	return Empty
}

// Full reports whether no cell is empty.
func (b Board) Full() bool {
	for _, m := range b {
		if m == Empty {
			return false
		}
	}
	return true
}

// Over reports whether the game has ended: a win or a full board.
func (b Board) Over() bool { return b.Winner() != Empty || b.Full() }

// Legal returns the legal-move mask: mask[c] is true when cell c is empty and the game is not over.
func (b Board) Legal() (mask [9]bool) {
	if b.Winner() != Empty {
		return mask
	}
	for c, m := range b {
		mask[c] = m == Empty
	}
	return mask
}

// Moves returns the legal moves in increasing order.
func (b Board) Moves() []int {
	var ms []int
	for c, ok := range b.Legal() {
		if ok {
			ms = append(ms, c)
		}
	}
	return ms
}

// Play returns the board after the player to move puts its mark on cell c. It panics if the
// move is illegal.
func (b Board) Play(c int) Board {
	if c < 0 || c >= 9 || !b.Legal()[c] {
		panic(fmt.Sprintf("rl: tic-tac-toe: illegal move %d on\n%v", c, b))
	}
	b[c] = b.Turn()
	return b
}

// Key returns the board as a base-3 number, a compact map key.
func (b Board) Key() uint32 {
	k := uint32(0)
	for _, m := range b {
		k = 3*k + uint32(m)
	}
	return k
}

// BoardFromKey is the inverse of Board.Key.
func BoardFromKey(k uint32) Board {
	var b Board
	for c := 8; c >= 0; c-- {
		b[c] = Mark(k % 3)
		k /= 3
	}
	return b
}

// String draws the board in three lines, e.g. "X . O\n. X .\n. . O\n".
func (b Board) String() string {
	var s strings.Builder
	for r := range 3 {
		for c := range 3 {
			s.WriteString(b[3*r+c].String())
			if c < 2 {
				s.WriteByte(' ')
			}
		}
		s.WriteByte('\n')
	}
	return s.String()
}

// Image draws the board, 40 pixels a cell: X in red, O in blue.
func (b Board) Image() image.Image { return b.image(40) }

func (b Board) image(cell int) *image.RGBA {
	img := newCanvas(3*cell+1, 3*cell+1, color.RGBA{255, 255, 255, 255})
	for c, m := range b {
		r := image.Rect(c%3*cell, c/3*cell, (c%3+1)*cell, (c/3+1)*cell)
		strokeRect(img, r, color.RGBA{0, 0, 0, 255})
		f := float64(cell)
		x0, y0 := float64(r.Min.X), float64(r.Min.Y)
		switch m {
		case X:
			red := color.RGBA{200, 40, 40, 255}
			thickLine(img, x0+0.22*f, y0+0.22*f, x0+0.78*f, y0+0.78*f, f/10, red)
			thickLine(img, x0+0.78*f, y0+0.22*f, x0+0.22*f, y0+0.78*f, f/10, red)
		case O:
			ring(img, r.Min.X+cell/2, r.Min.Y+cell/2, cell*3/10, max(2, cell/10), color.RGBA{40, 80, 200, 255})
		}
	}
	return img
}

// TicTacToe is the game as a two-player environment: the observation is the Board, an action is
// the cell (0…8) where the player to move puts its mark, and the reward is 1 when that move
// wins the game, 0 otherwise (the game is zero-sum: a win for one player is a loss for the
// other). The episode terminates on a win or a full board; it is never truncated.
//
// Introduced in notebooks/05-reinforcement-learning.
type TicTacToe struct {
	Board Board
}

// Reset empties the board. The game is deterministic, so seed is unused.
func (t *TicTacToe) Reset(seed uint64) Board { t.Board = Board{}; return t.Board }

// Step plays cell action for the player to move. It panics if the move is illegal (see
// LegalMask).
func (t *TicTacToe) Step(action int) (obs Board, reward float64, terminated, truncated bool) {
	t.Board = t.Board.Play(action)
	if t.Board.Winner() != Empty {
		reward = 1
	}
	return t.Board, reward, t.Board.Over(), false
}

// LegalMask returns the current legal-move mask.
func (t *TicTacToe) LegalMask() [9]bool { return t.Board.Legal() }

// NumActions is 9.
func (t *TicTacToe) NumActions() int { return 9 }

// String draws the board as text.
func (t *TicTacToe) String() string { return t.Board.String() }

// Image draws the board.
func (t *TicTacToe) Image() image.Image { return t.Board.Image() }

var _ Env[Board] = (*TicTacToe)(nil)

// Player chooses a move (a legal cell) for the player to move on a board that is not over.
type Player func(b Board) int

// RandomPlayer returns a player that picks a legal move uniformly with rng.
func RandomPlayer(rng *rand.Rand) Player {
	return func(b Board) int {
		ms := b.Moves()
		return ms[rng.IntN(len(ms))]
	}
}

var (
	minimaxMu   sync.Mutex
	minimaxMemo = map[uint32]minimaxEntry{}
)

type minimaxEntry struct {
	value int8
	best  uint16 // bit c set: cell c is an optimal move
}

// Minimax returns the game-theoretic value of b for the player to move (1 win, 0 draw, −1 loss
// with perfect play on both sides) and the optimal moves, in increasing order. It is a
// memoised negamax over the whole game tree (5478 positions). A finished board has value −1 if
// it was won (by the player who just moved) and 0 if drawn, and no moves.
// Minimax is safe for concurrent use.
func Minimax(b Board) (value int, best []int) {
	minimaxMu.Lock()
	e := minimax(b)
	minimaxMu.Unlock()
	for c := range 9 {
		if e.best&(1<<c) != 0 {
			best = append(best, c)
		}
	}
	return int(e.value), best
}

func minimax(b Board) minimaxEntry {
	k := b.Key()
	if e, ok := minimaxMemo[k]; ok {
		return e
	}
	var e minimaxEntry
	switch {
	case b.Winner() != Empty:
		e.value = -1
	case b.Full():
		e.value = 0
	default:
		e.value = -2
		for _, c := range b.Moves() {
			v := -minimax(b.Play(c)).value
			if v > e.value {
				e.value, e.best = v, 0
			}
			if v == e.value {
				e.best |= 1 << c
			}
		}
	}
	minimaxMemo[k] = e
	return e
}

// MinimaxPlayer returns a perfect player. With a nil rng it plays the lowest optimal move
// (deterministic); otherwise it picks among the optimal moves uniformly with rng.
func MinimaxPlayer(rng *rand.Rand) Player {
	return func(b Board) int {
		_, best := Minimax(b)
		if rng == nil {
			return best[0]
		}
		return best[rng.IntN(len(best))]
	}
}

// PlayGame plays a game between x (moving first) and o, and returns the boards after each move
// (the empty board first) and the winner (Empty for a draw).
func PlayGame(x, o Player) (boards []Board, winner Mark) {
	b := Board{}
	boards = append(boards, b)
	for !b.Over() {
		p := x
		if b.Turn() == O {
			p = o
		}
		b = b.Play(p(b))
		boards = append(boards, b)
	}
	return boards, b.Winner()
}

// Record counts a player's results.
type Record struct{ Wins, Draws, Losses int }

// Games is the number of games recorded.
func (r Record) Games() int { return r.Wins + r.Draws + r.Losses }

// String prints e.g. "W 912  D 88  L 0".
func (r Record) String() string { return fmt.Sprintf("W %d  D %d  L %d", r.Wins, r.Draws, r.Losses) }

// Evaluate plays games games of agent against opponent with agent as X, and as many with agent
// as O, and returns the agent's records.
func Evaluate(agent, opponent Player, games int) (asX, asO Record) {
	for range games {
		_, w := PlayGame(agent, opponent)
		asX.add(w, X)
		_, w = PlayGame(opponent, agent)
		asO.add(w, O)
	}
	return asX, asO
}

func (r *Record) add(winner, me Mark) {
	switch winner {
	case me:
		r.Wins++
	case Empty:
		r.Draws++
	default:
		r.Losses++
	}
}

// WorstCase returns the worst result agent can get playing as mark me against an opponent
// that may answer with any of the moves opponentMoves(b) allows, over the full tree of such
// games (agent's moves are deterministic): 1 if it always wins, 0 if its worst is a draw, −1 if
// some line of play makes it lose, with that line's boards. With opponentMoves returning the
// minimax-optimal moves this enumerates every game against minimax with all its tie-breaks;
// with Board.Moves it covers every opponent.
func WorstCase(agent Player, me Mark, opponentMoves func(Board) []int) (worst int, line []Board) {
	var rec func(b Board, path []Board) (int, []Board)
	rec = func(b Board, path []Board) (int, []Board) {
		path = append(path[:len(path):len(path)], b)
		if w := b.Winner(); w != Empty {
			if w == me {
				return 1, path
			}
			return -1, path
		}
		if b.Full() {
			return 0, path
		}
		if b.Turn() == me {
			return rec(b.Play(agent(b)), path)
		}
		worst, line := 2, []Board(nil)
		for _, c := range opponentMoves(b) {
			if v, l := rec(b.Play(c), path); v < worst {
				worst, line = v, l
			}
		}
		return worst, line
	}
	return rec(Board{}, nil)
}

// MinimaxMoves returns the optimal moves of b (see Minimax), for WorstCase.
func MinimaxMoves(b Board) []int { _, best := Minimax(b); return best }
