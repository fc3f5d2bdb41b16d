package vision

import (
	"fmt"
	"math"
)

// Gabor is a 2-D Gabor function on a pixel grid: a plane wave of frequency Freq (cycles per
// pixel) along direction Theta, under a Gaussian envelope centred at (X0, Y0) with standard
// deviations SigmaX (along the wave) and SigmaY (along its crests):
//
//	g(x, y) = exp(−u²/2σx² − v²/2σy²) (A cos 2πf u + B sin 2πf u)
//
// with (u, v) the position relative to the centre, rotated by Theta.
type Gabor struct {
	X0, Y0, Theta, SigmaX, SigmaY, Freq float64
	A, B                                float64 // cosine and sine amplitudes
}

// At returns g at pixel (x, y).
func (g Gabor) At(x, y float64) float64 {
	e, c, s := g.parts(x, y)
	return e * (g.A*c + g.B*s)
}

func (g Gabor) parts(x, y float64) (env, cos, sin float64) {
	dx, dy := x-g.X0, y-g.Y0
	ct, st := math.Cos(g.Theta), math.Sin(g.Theta)
	u := dx*ct + dy*st
	v := -dx*st + dy*ct
	env = math.Exp(-u*u/(2*g.SigmaX*g.SigmaX) - v*v/(2*g.SigmaY*g.SigmaY))
	ph := 2 * math.Pi * g.Freq * u
	return env, math.Cos(ph), math.Sin(ph)
}

// FitGabor fits a Gabor to the size×size image w (row-major) by least squares and returns it
// with its R² (1 − residual / total sum of squares about the mean). The amplitudes are solved
// exactly for each envelope; the envelope and wave (centre, orientation, widths, frequency)
// are found by Nelder–Mead from starts at the image's energy centroid and its strongest
// Fourier component. FitGabor panics if len(w) != size².
func FitGabor(w []float64, size int) (Gabor, float64) {
	if len(w) != size*size || size < 2 {
		panic(fmt.Sprintf("vision: FitGabor: %d values for a %d×%d image", len(w), size, size))
	}
	mean := 0.0
	for _, v := range w {
		mean += v
	}
	mean /= float64(len(w))
	tot := 0.0
	for _, v := range w {
		tot += (v - mean) * (v - mean)
	}
	if tot == 0 {
		return Gabor{}, 0
	}
	// energy centroid
	cx, cy, e := 0.0, 0.0, 0.0
	for y := range size {
		for x := range size {
			v := w[y*size+x] * w[y*size+x]
			cx += v * float64(x)
			cy += v * float64(y)
			e += v
		}
	}
	cx /= e
	cy /= e
	// strongest Fourier component (excluding DC)
	bestP, fx, fy := -1.0, 0.0, 0.0
	for ky := range size {
		for kx := range size/2 + 1 {
			if kx == 0 && ky == 0 {
				continue
			}
			re, im := 0.0, 0.0
			for y := range size {
				for x := range size {
					a := -2 * math.Pi * (float64(kx*x)/float64(size) + float64(ky*y)/float64(size))
					re += w[y*size+x] * math.Cos(a)
					im += w[y*size+x] * math.Sin(a)
				}
			}
			if p := re*re + im*im; p > bestP {
				bestP = p
				fx = float64(kx) / float64(size)
				fyk := ky
				if ky > size/2 {
					fyk = ky - size
				}
				fy = float64(fyk) / float64(size)
			}
		}
	}
	f0 := math.Hypot(fx, fy)
	th0 := math.Atan2(fy, fx)
	ecs, ess := make([]float64, size*size), make([]float64, size*size)
	sse := func(p []float64) (Gabor, float64) {
		g := Gabor{X0: p[0], Y0: p[1], Theta: p[2], SigmaX: math.Abs(p[3]) + 0.3, SigmaY: math.Abs(p[4]) + 0.3, Freq: math.Abs(p[5])}
		// solve A, B by 2×2 least squares
		var scc, sss, scs, swc, sws float64
		for y := range size {
			for x := range size {
				en, c, s := g.parts(float64(x), float64(y))
				ec, es := en*c, en*s
				ecs[y*size+x], ess[y*size+x] = ec, es
				v := w[y*size+x] - mean
				scc += ec * ec
				sss += es * es
				scs += ec * es
				swc += v * ec
				sws += v * es
			}
		}
		det := scc*sss - scs*scs
		if math.Abs(det) > 1e-12 {
			g.A = (swc*sss - sws*scs) / det
			g.B = (sws*scc - swc*scs) / det
		} else if scc > 1e-12 {
			g.A = swc / scc
		}
		r := 0.0
		for y := range size {
			for x := range size {
				i := y*size + x
				d := w[i] - mean - g.A*ecs[i] - g.B*ess[i]
				r += d * d
			}
		}
		return g, r
	}
	best, bestR := Gabor{}, math.Inf(1)
	s := float64(size)
	for _, start := range [][]float64{
		{cx, cy, th0, s / 6, s / 6, f0},
		{cx, cy, th0, s / 10, s / 4, f0},
		{cx, cy, th0, s / 4, s / 10, f0 / 2},
	} {
		p := nelderMead(func(p []float64) float64 { _, r := sse(p); return r }, start, []float64{1, 1, 0.3, 1, 1, 0.05}, 800)
		if g, r := sse(p); r < bestR {
			best, bestR = g, r
		}
	}
	return best, 1 - bestR/tot
}

// GaborFraction fits a Gabor to each column of the d×K basis (d = size²) and returns the R²
// of each fit and the fraction with R² ≥ minR2.
func GaborFraction(basis interface {
	Dims() (int, int)
	At(i, j int) float64
}, size int, minR2 float64) (r2 []float64, fraction float64) {
	d, K := basis.Dims()
	if d != size*size {
		panic(fmt.Sprintf("vision: GaborFraction: basis has %d rows, want %d×%d", d, size, size))
	}
	r2 = make([]float64, K)
	good := 0
	col := make([]float64, d)
	for k := range K {
		for i := range d {
			col[i] = basis.At(i, k)
		}
		_, r2[k] = FitGabor(col, size)
		if r2[k] >= minR2 {
			good++
		}
	}
	return r2, float64(good) / float64(K)
}

// nelderMead minimises f from x0 with initial simplex steps step, for at most evals calls.
func nelderMead(f func([]float64) float64, x0, step []float64, evals int) []float64 {
	n := len(x0)
	pts := make([][]float64, n+1)
	vals := make([]float64, n+1)
	for i := range pts {
		pts[i] = append([]float64(nil), x0...)
		if i > 0 {
			pts[i][i-1] += step[i-1]
		}
		vals[i] = f(pts[i])
	}
	used := n + 1
	at := func(c []float64, w []float64, t float64) []float64 {
		p := make([]float64, n)
		for j := range p {
			p[j] = c[j] + t*(w[j]-c[j])
		}
		return p
	}
	for used < evals {
		// order
		for i := 1; i <= n; i++ {
			for j := i; j > 0 && vals[j] < vals[j-1]; j-- {
				vals[j], vals[j-1] = vals[j-1], vals[j]
				pts[j], pts[j-1] = pts[j-1], pts[j]
			}
		}
		if vals[n]-vals[0] <= 1e-12*(1+math.Abs(vals[0])) {
			break
		}
		c := make([]float64, n)
		for i := range n {
			for j := range c {
				c[j] += pts[i][j] / float64(n)
			}
		}
		r := at(c, pts[n], -1)
		fr := f(r)
		used++
		switch {
		case fr < vals[0]:
			e := at(c, pts[n], -2)
			fe := f(e)
			used++
			if fe < fr {
				pts[n], vals[n] = e, fe
			} else {
				pts[n], vals[n] = r, fr
			}
		case fr < vals[n-1]:
			pts[n], vals[n] = r, fr
		default:
			k := at(c, pts[n], 0.5)
			fk := f(k)
			used++
			if fk < vals[n] {
				pts[n], vals[n] = k, fk
			} else {
				for i := 1; i <= n; i++ {
					pts[i] = at(pts[0], pts[i], 0.5)
					vals[i] = f(pts[i])
					used++
				}
			}
		}
	}
	bi := 0
	for i := range vals {
		if vals[i] < vals[bi] {
			bi = i
		}
	}
	return pts[bi]
}
