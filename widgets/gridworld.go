package widgets

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Action is a set of grid-world moves, a bit mask: Up|Right means both are best (a tie).
type Action uint8

// The four moves of a grid world.
const (
	Up Action = 1 << iota
	Down
	Left
	Right
)

// Cell addresses a grid-world cell by row (0 at the top) and column (0 at the left).
type Cell struct{ Row, Col int }

// GridWorldOpts configures GridWorld. All fields are optional.
type GridWorldOpts struct {
	// Policy holds, for each cell in row-major order, the set of best actions, drawn as arrows.
	// nil draws no arrows; terminal and wall cells get none.
	Policy []Action
	// Terminal cells get a double border and no arrows.
	Terminal []Cell
	// Walls are drawn dark and hatched; their values are ignored (they may be NaN).
	Walls []Cell
	// CellSize is the side of a cell in pixels (default 64).
	CellSize int
	// ColorMap colours the values (default: Diverging around 0 when values have both signs,
	// otherwise Viridis).
	ColorMap *ColorMap
	// Format prints each value (default "%.2f"); "-" prints no numbers.
	Format string
	// Agents are cells marked with a blue disk: where an agent stands.
	Agents []Cell
}

var (
	wallColor  = color.RGBA{0x40, 0x40, 0x40, 255}
	hatchColor = color.RGBA{0x70, 0x70, 0x70, 255}
	lineColor  = color.RGBA{0x90, 0x90, 0x90, 255}
	agentColor = color.RGBA{30, 90, 200, 255}
)

// GridWorld draws a rows×cols grid world, the picture of value iteration and policy iteration:
// values (row-major, len rows·cols; nil for none) as a heat map with the numbers printed, the
// policy as arrows, terminal cells with a double border, walls dark and agents as blue disks. It depends on nothing
// but plain slices, so any RL code can feed it.
//
// GridWorld returns an error wrapping ErrShape if values or opts.Policy do not have rows·cols
// entries or a cell lies outside the grid, and ErrNaN if a value (other than a wall's) is NaN
// or infinite.
func GridWorld(values []float64, rows, cols int, opts GridWorldOpts) (*image.RGBA, error) {
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("%w: GridWorld: %d×%d grid", ErrShape, rows, cols)
	}
	n := rows * cols
	if values != nil && len(values) != n {
		return nil, fmt.Errorf("%w: GridWorld: %d values for a %d×%d grid", ErrShape, len(values), rows, cols)
	}
	if opts.Policy != nil && len(opts.Policy) != n {
		return nil, fmt.Errorf("%w: GridWorld: %d policy entries for a %d×%d grid", ErrShape, len(opts.Policy), rows, cols)
	}
	mark := func(cells []Cell, what string) ([]bool, error) {
		m := make([]bool, n)
		for _, c := range cells {
			if c.Row < 0 || c.Row >= rows || c.Col < 0 || c.Col >= cols {
				return nil, fmt.Errorf("%w: GridWorld: %s cell %v outside the %d×%d grid", ErrShape, what, c, rows, cols)
			}
			m[c.Row*cols+c.Col] = true
		}
		return m, nil
	}
	wall, err := mark(opts.Walls, "wall")
	if err != nil {
		return nil, err
	}
	term, err := mark(opts.Terminal, "terminal")
	if err != nil {
		return nil, err
	}
	agent, err := mark(opts.Agents, "agent")
	if err != nil {
		return nil, err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range values {
		if wall[i] {
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nanError("GridWorld", i, v)
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	cm := opts.ColorMap
	if cm == nil {
		cm = Viridis
		if lo < 0 && hi > 0 {
			cm = Diverging
		}
	}
	if cm == Diverging && lo < 0 && hi > 0 {
		m := max(-lo, hi)
		lo, hi = -m, m
	}
	format := cmp.Or(opts.Format, "%.2f")
	s := opts.CellSize
	if s <= 0 {
		s = 64
	}
	img := image.NewRGBA(image.Rect(0, 0, cols*s+1, rows*s+1))
	draw.Draw(img, img.Bounds(), image.NewUniform(lineColor), image.Point{}, draw.Src)
	for i := range n {
		r, c := i/cols, i%cols
		x0, y0 := c*s+1, r*s+1
		cell := image.Rect(x0, y0, x0+s-1, y0+s-1)
		if wall[i] {
			fill(img, cell, wallColor)
			for d := -s; d < s; d += 8 { // hatching: diagonal lines
				for k := 0; k < s-1; k++ {
					if x := x0 + k; k+d >= 0 && k+d < s-1 {
						img.SetRGBA(x, y0+k+d, hatchColor)
					}
				}
			}
			continue
		}
		bg := color.RGBA{255, 255, 255, 255}
		if values != nil {
			bg = cm.At(Scale(values[i], lo, hi))
		}
		fill(img, cell, bg)
		fg := textOn(bg)
		if term[i] {
			inner := cell.Inset(3)
			outline(img, inner, fg, 2)
			outline(img, inner.Inset(4), fg, 1)
		}
		// The number sits at the bottom of the cell; the arrows point out from the centre of
		// the space above it.
		cx, cy := x0+s/2, y0+(s-lineH)/2
		if values != nil && format != "-" {
			ty := y0 + s - lineH - 2
			if term[i] { // no arrows: centre the number inside the double border
				ty = y0 + (s-lineH)/2
			}
			drawTextCentered(img, cx, ty, fitText(fmt.Sprintf(format, values[i]), s-14), fg)
		}
		if agent[i] {
			disk(img, cx, y0+s/2, s/3, agentColor)
		}
		if opts.Policy != nil && !term[i] {
			a := opts.Policy[i]
			gap, length := 3, max(4, (s-lineH)/2-6)
			if a&Up != 0 {
				arrow(img, cx, cy-gap, 0, -1, length, fg)
			}
			if a&Down != 0 {
				arrow(img, cx, cy+gap, 0, 1, length, fg)
			}
			if a&Left != 0 {
				arrow(img, cx-gap, cy, -1, 0, length, fg)
			}
			if a&Right != 0 {
				arrow(img, cx+gap, cy, 1, 0, length, fg)
			}
		}
	}
	return img, nil
}

// fill paints r with c.
func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// disk fills the disk of radius r around (cx, cy) with c.
func disk(img *image.RGBA, cx, cy, r int, c color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// outline draws a border of width w just inside r.
func outline(img *image.RGBA, r image.Rectangle, c color.RGBA, w int) {
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+w), c)
	fill(img, image.Rect(r.Min.X, r.Max.Y-w, r.Max.X, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+w, r.Max.Y), c)
	fill(img, image.Rect(r.Max.X-w, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// arrow draws an axis-aligned arrow 2 px thick starting at (x, y), going length pixels in
// direction (dx, dy) ∈ {(0,±1), (±1,0)}, with a triangular head at the far end.
func arrow(img *image.RGBA, x, y, dx, dy, length int, c color.RGBA) {
	if length < 4 {
		length = 4
	}
	tx, ty := x+dx*length, y+dy*length
	if dx == 0 {
		fill(img, image.Rect(x-1, min(y, ty), x+1, max(y, ty)+1), c)
	} else {
		fill(img, image.Rect(min(x, tx), y-1, max(x, tx)+1, y+1), c)
	}
	for i := 0; i < 5; i++ { // head: spans widening from the tip backwards
		bx, by := tx-dx*i, ty-dy*i
		if dx == 0 {
			fill(img, image.Rect(bx-i, by, bx+i+1, by+1), c)
		} else {
			fill(img, image.Rect(bx, by-i, bx+1, by+i+1), c)
		}
	}
}
