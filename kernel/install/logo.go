package install

import (
	"image"
	"image/color"
	"math"
)

// Logo renders the deepnb kernel logo at size×size pixels: a small 2-3-2 neural network drawn in white
// on a rounded square shaded from Go's cyan (#00ADD8) to a deep blue. Each pixel averages 4×4 samples,
// so edges are antialiased. Logo panics if size < 8.
func Logo(size int) *image.RGBA {
	if size < 8 {
		panic("install: Logo: size < 8")
	}
	layers := [][]float64{{0.36, 0.64}, {0.25, 0.5, 0.75}, {0.36, 0.64}} // node ys per layer
	xs := []float64{0.24, 0.5, 0.76}
	type pt struct{ x, y float64 }
	var nodes []pt
	var edges [][2]pt
	for i, ys := range layers {
		for _, y := range ys {
			nodes = append(nodes, pt{xs[i], y})
			if i+1 < len(layers) {
				for _, y2 := range layers[i+1] {
					edges = append(edges, [2]pt{{xs[i], y}, {xs[i+1], y2}})
				}
			}
		}
	}
	const (
		radius  = 0.075 // node radius
		lineW   = 0.022 // half line width
		corner  = 0.2   // corner radius of the square
		samples = 4
	)
	// shade returns the colour (premultiplied, 0..1) and coverage of unit-square point (x, y).
	shade := func(x, y float64) (r, g, b, a float64) {
		// Rounded square: signed distance to a box of half-size 0.5-corner, minus corner.
		qx := math.Max(math.Abs(x-0.5)-(0.5-corner), 0)
		qy := math.Max(math.Abs(y-0.5)-(0.5-corner), 0)
		if math.Hypot(qx, qy) > corner {
			return 0, 0, 0, 0
		}
		t := (x + y) / 2 // diagonal gradient
		r, g, b = (1-t)*0x00/255.0+t*0x0B/255.0, (1-t)*0xAD/255.0+t*0x3D/255.0, (1-t)*0xD8/255.0+t*0x91/255.0
		white := 0.0
		for _, e := range edges {
			if distSeg(x, y, e[0].x, e[0].y, e[1].x, e[1].y) < lineW {
				white = 0.75
				break
			}
		}
		for _, n := range nodes {
			if math.Hypot(x-n.x, y-n.y) < radius {
				white = 1
				break
			}
		}
		return r + (1-r)*white, g + (1-g)*white, b + (1-b)*white, 1
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var sr, sg, sb, sa float64
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/samples) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/samples) / float64(size)
					r, g, b, a := shade(x, y)
					sr, sg, sb, sa = sr+r*a, sg+g*a, sb+b*a, sa+a
				}
			}
			n := float64(samples * samples)
			img.SetRGBA(px, py, color.RGBA{to8(sr / n), to8(sg / n), to8(sb / n), to8(sa / n)})
		}
	}
	return img
}

// distSeg returns the distance from (x, y) to the segment (x0, y0)–(x1, y1).
func distSeg(x, y, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := ((x-x0)*dx + (y-y0)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(x0+t*dx), y-(y0+t*dy))
}

func to8(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255)) }
