package rl

import (
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/deepnb/deepnb/widgets"
)

// Grid-world actions, in the order of Sutton and Barto's example 4.1.
const (
	Right = iota
	Left
	Up
	Down
)

// ActionArrows are the arrows drawn for the grid-world actions Right, Left, Up and Down.
var ActionArrows = [4]string{"→", "←", "↑", "↓"}

// ActionNames are the names of the grid-world actions Right, Left, Up and Down.
var ActionNames = [4]string{"right", "left", "up", "down"}

// Cell is a grid-world cell, row 0 at the top, column 0 at the left.
type Cell struct{ Row, Col int }

// GridWorld is a rectangular grid the agent walks on with the actions Right, Left, Up and Down.
// A move into the border or into a wall leaves the agent where it is. Every transition gives
// StepReward, plus Rewards[c] when it enters cell c. Entering a terminal cell ends the episode.
// With probability Slip a move goes sideways instead: to each of the two directions
// perpendicular to the chosen one with probability Slip/2 (as Gymnasium's FrozenLake).
//
// States are numbered s = Row·Cols + Col; walls are states too, but are never entered.
// Configure the exported fields after NewGridWorld and before Reset.
//
// Introduced in notebooks/05-reinforcement-learning.
type GridWorld struct {
	Rows, Cols int
	Terminals  []Cell           // episode ends on entering one
	Walls      []Cell           // cells that cannot be entered
	StepReward float64          // reward of every transition; default −1
	Rewards    map[Cell]float64 // extra reward for entering a cell; default none
	Slip       float64          // probability that a move goes sideways; default 0
	Gamma      float64          // discount of the MDP; default 1
	Starts     []Cell           // Reset picks one uniformly; default every non-terminal, non-wall cell
	MaxSteps   int              // Step truncates the episode after this many steps; 0: never; default 100

	state, steps int
	rng          *rand.Rand
}

// NewGridWorld returns a rows×cols grid with the defaults documented on GridWorld and no
// terminals or walls. It panics if rows or cols is not positive.
func NewGridWorld(rows, cols int) *GridWorld {
	if rows <= 0 || cols <= 0 {
		panic(fmt.Sprintf("rl: NewGridWorld: bad size %d×%d", rows, cols))
	}
	return &GridWorld{Rows: rows, Cols: cols, StepReward: -1, Gamma: 1, MaxSteps: 100}
}

// SuttonBarto4x4 returns the grid world of Sutton and Barto's example 4.1: 4×4 cells, reward −1
// on every transition, the top-left and bottom-right corners terminal, γ = 1. The random
// policy's values are those of their figure 4.1 (0, −14, −20, −22 on the first row).
func SuttonBarto4x4() *GridWorld {
	g := NewGridWorld(4, 4)
	g.Terminals = []Cell{{0, 0}, {3, 3}}
	return g
}

// SlipperyGrid returns the larger grid world the lecture trains DQN on: n×n cells, a single
// terminal goal in the bottom-right corner, a wall segment in the middle, reward −1 per step,
// γ = 0.95, and the given slip probability. Episodes start in the top-left corner.
func SlipperyGrid(n int, slip float64) *GridWorld {
	if n < 4 {
		panic(fmt.Sprintf("rl: SlipperyGrid: n = %d, want ≥ 4", n))
	}
	g := NewGridWorld(n, n)
	g.Terminals = []Cell{{n - 1, n - 1}}
	for c := 1; c < n-1; c++ {
		if c != n/2 {
			g.Walls = append(g.Walls, Cell{n / 2, c})
		}
	}
	g.Slip = slip
	g.Gamma = 0.95
	g.Starts = []Cell{{0, 0}}
	g.MaxSteps = 4 * n * n
	return g
}

// NumStates is Rows·Cols.
func (g *GridWorld) NumStates() int { return g.Rows * g.Cols }

// NumActions is 4.
func (g *GridWorld) NumActions() int { return 4 }

// State returns the state number of cell c. It panics if c is outside the grid.
func (g *GridWorld) State(c Cell) int {
	if c.Row < 0 || c.Row >= g.Rows || c.Col < 0 || c.Col >= g.Cols {
		panic(fmt.Sprintf("rl: GridWorld: cell %v outside the %d×%d grid", c, g.Rows, g.Cols))
	}
	return c.Row*g.Cols + c.Col
}

// Cell returns the cell of state s.
func (g *GridWorld) Cell(s int) Cell { return Cell{s / g.Cols, s % g.Cols} }

// IsTerminal reports whether state s is a terminal cell.
func (g *GridWorld) IsTerminal(s int) bool { return slices.Contains(g.Terminals, g.Cell(s)) }

// IsWall reports whether state s is a wall.
func (g *GridWorld) IsWall(s int) bool { return slices.Contains(g.Walls, g.Cell(s)) }

// move returns where action a from s leads, ignoring slips.
func (g *GridWorld) move(s, a int) int {
	c := g.Cell(s)
	switch a {
	case Right:
		c.Col++
	case Left:
		c.Col--
	case Up:
		c.Row--
	case Down:
		c.Row++
	default:
		panic(fmt.Sprintf("rl: GridWorld: action %d out of range [0, 4)", a))
	}
	if c.Row < 0 || c.Row >= g.Rows || c.Col < 0 || c.Col >= g.Cols || slices.Contains(g.Walls, c) {
		return s
	}
	return g.State(c)
}

// outcomes returns the directions action a actually moves in, with their probabilities.
func (g *GridWorld) outcomes(a int) ([]int, []float64) {
	if g.Slip == 0 {
		return []int{a}, []float64{1}
	}
	side := [4][2]int{Right: {Up, Down}, Left: {Up, Down}, Up: {Right, Left}, Down: {Right, Left}}[a]
	return []int{a, side[0], side[1]}, []float64{1 - g.Slip, g.Slip / 2, g.Slip / 2}
}

// MDP returns the grid world's full transition table. For a terminal or wall state every action
// has the single transition {1, s, 0, true}; otherwise P[s][a] lists each distinct next state
// once, with the summed probability of the moves that lead there.
func (g *GridWorld) MDP() *MDP {
	n := g.NumStates()
	m := &MDP{NumStates: n, NumActions: 4, Gamma: g.Gamma, P: make([][][]Transition, n), Terminal: make([]bool, n)}
	for s := range n {
		m.P[s] = make([][]Transition, 4)
		if g.IsTerminal(s) || g.IsWall(s) {
			m.Terminal[s] = true
			for a := range 4 {
				m.P[s][a] = []Transition{{Prob: 1, Next: s, Reward: 0, Terminal: true}}
			}
			continue
		}
		for a := range 4 {
			dirs, probs := g.outcomes(a)
			var ts []Transition
			for i, d := range dirs {
				next := g.move(s, d)
				if j := slices.IndexFunc(ts, func(t Transition) bool { return t.Next == next }); j >= 0 {
					ts[j].Prob += probs[i]
					continue
				}
				ts = append(ts, Transition{Prob: probs[i], Next: next, Reward: g.reward(next), Terminal: g.IsTerminal(next)})
			}
			m.P[s][a] = ts
		}
	}
	return m
}

func (g *GridWorld) reward(next int) float64 { return g.StepReward + g.Rewards[g.Cell(next)] }

// Reset seeds the grid world's random generator with seed, puts the agent on a start cell and
// returns its state.
func (g *GridWorld) Reset(seed uint64) int {
	g.rng = rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	g.steps = 0
	starts := g.StartStates()
	g.state = starts[g.rng.IntN(len(starts))]
	return g.state
}

// StartStates returns the states Reset draws its start from, uniformly: those of Starts in
// order, or every cell that is neither terminal nor a wall.
func (g *GridWorld) StartStates() []int {
	var out []int
	for _, c := range g.Starts {
		out = append(out, g.State(c))
	}
	for s := range g.NumStates() {
		if len(g.Starts) == 0 && !g.IsTerminal(s) && !g.IsWall(s) {
			out = append(out, s)
		}
	}
	return out
}

// StartValue returns the expected return of an episode from a random start, the mean of V over
// StartStates. With V = V* (ValueIteration) it is the optimum a learning curve of returns per
// episode approaches: −28/14 = −2 exactly on SuttonBarto4x4, whose 14 start cells lie 1, 2 and 3
// moves from the nearest corner for 4, 6 and 4 of them. It panics if V has fewer entries than
// states.
func (g *GridWorld) StartValue(V []float64) float64 {
	starts := g.StartStates()
	sum := 0.0
	for _, s := range starts {
		sum += V[s]
	}
	return sum / float64(len(starts))
}

// SetState puts the agent on state s (for exploring starts and tests) without resetting the
// random generator. Reset must have been called before. It panics if s is out of range.
func (g *GridWorld) SetState(s int) {
	if s < 0 || s >= g.NumStates() {
		panic(fmt.Sprintf("rl: GridWorld.SetState: state %d out of range [0, %d)", s, g.NumStates()))
	}
	g.state = s
}

// Step moves the agent by action a (Right, Left, Up, Down). It panics if Reset was not called
// or a is out of range. Stepping from a terminal state returns it again with reward 0.
func (g *GridWorld) Step(a int) (obs int, reward float64, terminated, truncated bool) {
	if g.rng == nil {
		panic("rl: GridWorld.Step before Reset")
	}
	if a < 0 || a >= 4 {
		panic(fmt.Sprintf("rl: GridWorld: action %d out of range [0, 4)", a))
	}
	if g.IsTerminal(g.state) {
		return g.state, 0, true, false
	}
	dirs, probs := g.outcomes(a)
	d := dirs[0]
	if len(dirs) > 1 {
		u := g.rng.Float64()
		for i, p := range probs {
			if u < p || i == len(probs)-1 {
				d = dirs[i]
				break
			}
			u -= p
		}
	}
	g.state = g.move(g.state, d)
	g.steps++
	terminated = g.IsTerminal(g.state)
	truncated = !terminated && g.MaxSteps > 0 && g.steps >= g.MaxSteps
	return g.state, g.reward(g.state), terminated, truncated
}

// String draws the grid as text: "A" the agent, "T" a terminal, "#" a wall, "." a free cell.
func (g *GridWorld) String() string {
	var b strings.Builder
	for r := range g.Rows {
		for c := range g.Cols {
			s := g.State(Cell{r, c})
			ch := "."
			switch {
			case g.rng != nil && s == g.state:
				ch = "A"
			case g.IsTerminal(s):
				ch = "T"
			case g.IsWall(s):
				ch = "#"
			}
			b.WriteString(ch)
			if c < g.Cols-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Image draws the grid as widgets.GridWorld does, 40 pixels a cell, with no values: walls dark,
// terminals with a double border, the agent (after Reset) a blue disk.
func (g *GridWorld) Image() image.Image {
	opts := widgets.GridWorldOpts{Terminal: widgetCells(g.Terminals), Walls: widgetCells(g.Walls), CellSize: 40}
	if g.rng != nil {
		opts.Agents = widgetCells([]Cell{g.Cell(g.state)})
	}
	img, err := widgets.GridWorld(nil, g.Rows, g.Cols, opts)
	if err != nil {
		panic(fmt.Sprintf("rl: GridWorld.Image: %v", err)) // a cell of g outside its own grid
	}
	return img
}

var _ Env[int] = (*GridWorld)(nil)
