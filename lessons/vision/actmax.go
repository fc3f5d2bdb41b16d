package vision

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// Objective is what activation maximisation raises: a Unit (one channel's mean) or a
// ClassScore (a detection head's score for one class at one grid cell).
type Objective interface {
	// Activation returns the objective's value for the input x [1, C, H, W] (no gradients).
	Activation(net *darknet.Net, x *dl.Tensor) float64
	// BestPhoto returns the photograph among names (letterboxed to net's input) with the
	// highest value, and that value.
	BestPhoto(net *darknet.Net, names []string) (string, float64, error)
	// target returns the layer whose output the objective reads and, for that output y, the
	// gradient of the objective with respect to y.
	target(net *darknet.Net) int
	grad(net *darknet.Net, y *dl.Tensor) *dl.Tensor
}

// Unit names one channel of one layer of a Darknet network: its activation is the mean of
// that channel's feature map.
type Unit struct {
	Layer, Channel int
}

func (u Unit) target(*darknet.Net) int { return u.Layer }

func (u Unit) grad(_ *darknet.Net, y *dl.Tensor) *dl.Tensor {
	s := y.Shape()
	hw := s[2] * s[3]
	g := dl.Zeros(s...)
	gd := g.Data()
	for i := u.Channel * hw; i < (u.Channel+1)*hw; i++ {
		gd[i] = 1 / float32(hw)
	}
	return g
}

// Activation returns the unit's activation for the input x [1, C, H, W] (no gradients).
func (u Unit) Activation(net *darknet.Net, x *dl.Tensor) float64 {
	y := net.ForwardUntil(x.Detach(), u.Layer)
	return channelMean(y, u.Channel)
}

func channelMean(y *dl.Tensor, c int) float64 {
	s := y.Shape()
	if c < 0 || c >= s[1] {
		panic(fmt.Sprintf("vision: unit channel %d out of range [0, %d)", c, s[1]))
	}
	hw := s[2] * s[3]
	sum := 0.0
	for _, v := range y.Data()[c*hw : (c+1)*hw] {
		sum += float64(v)
	}
	return sum / float64(hw)
}

// BestPhoto returns the photograph (by name, from names) that activates u most, letterboxed to
// the network's input, with that activation.
func (u Unit) BestPhoto(net *darknet.Net, names []string) (string, float64, error) {
	return bestPhoto(net, names, func(x *dl.Tensor) float64 { return u.Activation(net, x) })
}

// bestPhoto returns the photograph among names, letterboxed to net's input, with the highest
// score (the first on a tie), and that score: the loop of the BestPhoto methods.
func bestPhoto(net *darknet.Net, names []string, score func(x *dl.Tensor) float64) (string, float64, error) {
	best, bestS := "", math.Inf(-1)
	w, h := net.InputSize()
	for _, name := range names {
		m, err := datasets.Image(name)
		if err != nil {
			return "", 0, err
		}
		if v := score(darknet.Letterbox(m, w, h)); v > bestS {
			best, bestS = name, v
		}
	}
	return best, bestS, nil
}

// Prior sets the natural-image priors of activation maximisation, each off at zero.
type Prior struct {
	Decay  float64 // L2 decay toward grey per step: x ← 0.5 + (1 − Decay)(x − 0.5)
	TV     float64 // weight of the total-variation penalty's gradient
	Jitter int     // random shift of up to ±Jitter pixels before each step
	Blur   int     // blur the input (3×3 box) every Blur steps
}

// LecturePrior is the lecture's natural-image prior: 1% decay toward grey, a total-variation
// penalty at 0.3 of the gradient's size, jitter of ±2 pixels and a 3×3 blur every 4 steps.
var LecturePrior = Prior{Decay: 0.01, TV: 0.3, Jitter: 2, Blur: 4}

// AscentStep is one step of gradient ascent on the input: x ← x + rate · g / mean|g|, the
// gradient normalised so that the step size does not depend on the layer's scale, and x kept
// in [0, 1].
func AscentStep(x, g []float32, rate float64) {
	m := 0.0
	for _, v := range g {
		m += math.Abs(float64(v))
	}
	m /= float64(len(g))
	if m == 0 {
		return
	}
	for i := range x {
		x[i] = float32(min(1, max(0, float64(x[i])+rate*float64(g[i])/m)))
	}
}

// ActivationMax maximises the objective u over the input, x* = argmax_x ⟨Φ(x), e_u⟩ − R(x), by
// steps of gradient ascent (AscentStep) from grey plus a little seeded noise, with the priors p
// applied after each step. It returns the input, [1, C, H, W], and the activation after every
// step.
func ActivationMax(net *darknet.Net, u Objective, p Prior, steps int, rate float64, seed uint64) (*dl.Tensor, []float64) {
	w, h := net.InputSize()
	C := net.Channels
	rng := rand.New(rand.NewPCG(seed, 77))
	x := dl.Zeros(1, C, h, w)
	xd := x.Data()
	for i := range xd {
		xd[i] = float32(0.5 + 0.01*rng.NormFloat64())
	}
	trace := make([]float64, 0, steps)
	for step := range steps {
		dx, dy := 0, 0
		if p.Jitter > 0 {
			dx, dy = rng.IntN(2*p.Jitter+1)-p.Jitter, rng.IntN(2*p.Jitter+1)-p.Jitter
		}
		in := dl.New(roll(xd, C, h, w, dx, dy), 1, C, h, w).SetRequiresGrad(true)
		y := net.ForwardUntil(in, u.target(net))
		y.BackwardWith(u.grad(net, y))
		grad := roll(in.Grad().Data(), C, h, w, -dx, -dy)
		if p.TV > 0 {
			tvGrad(xd, grad, C, h, w, p.TV)
		}
		AscentStep(xd, grad, rate)
		if p.Decay > 0 {
			for i := range xd {
				xd[i] = float32(0.5 + (1-p.Decay)*(float64(xd[i])-0.5))
			}
		}
		if p.Blur > 0 && (step+1)%p.Blur == 0 {
			boxBlur(xd, C, h, w)
		}
		trace = append(trace, u.Activation(net, x))
	}
	return x, trace
}

// roll shifts each channel of a C×h×w image by (dx, dy), wrapping around.
func roll(src []float32, C, h, w, dx, dy int) []float32 {
	out := make([]float32, len(src))
	for c := range C {
		for y := range h {
			ty := ((y+dy)%h + h) % h
			for x := range w {
				tx := ((x+dx)%w + w) % w
				out[(c*h+ty)*w+tx] = src[(c*h+y)*w+x]
			}
		}
	}
	return out
}

// tvGrad subtracts weight · ∂TV/∂x (TV = Σ|∇x|, anisotropic, subgradient sign) from the
// ascent direction g, scaled to g's mean magnitude so that the weight is relative.
func tvGrad(x, g []float32, C, h, w int, weight float64) {
	m := 0.0
	for _, v := range g {
		m += math.Abs(float64(v))
	}
	m /= float64(len(g))
	sgn := func(v float32) float32 {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	t := make([]float32, len(x))
	for c := range C {
		for y := range h {
			for xx := range w {
				i := (c*h+y)*w + xx
				if xx+1 < w {
					s := sgn(x[i+1] - x[i])
					t[i] -= s
					t[i+1] += s
				}
				if y+1 < h {
					s := sgn(x[i+w] - x[i])
					t[i] -= s
					t[i+w] += s
				}
			}
		}
	}
	for i := range g {
		g[i] -= float32(weight*m) * t[i]
	}
}

// boxBlur replaces each pixel by the mean of its 3×3 neighbourhood (clamped at the edges).
func boxBlur(x []float32, C, h, w int) {
	src := append([]float32(nil), x...)
	for c := range C {
		for y := range h {
			for xx := range w {
				s, n := float32(0), float32(0)
				for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
					for xs := max(0, xx-1); xs <= min(w-1, xx+1); xs++ {
						s += src[(c*h+yy)*w+xs]
						n++
					}
				}
				x[(c*h+y)*w+xx] = s / n
			}
		}
	}
}

// TotalVariation returns the mean absolute difference between neighbouring pixels of x
// [1, C, H, W] (or [C, H, W]): a measure of high-frequency energy.
func TotalVariation(x *dl.Tensor) float64 {
	s := x.Shape()
	C, h, w := s[len(s)-3], s[len(s)-2], s[len(s)-1]
	d := x.Data()
	sum, n := 0.0, 0
	for c := range C {
		for y := range h {
			for xx := range w {
				i := (c*h+y)*w + xx
				if xx+1 < w {
					sum += math.Abs(float64(d[i+1] - d[i]))
					n++
				}
				if y+1 < h {
					sum += math.Abs(float64(d[i+w] - d[i]))
					n++
				}
			}
		}
	}
	return sum / float64(n)
}

// HighFrequency returns the fraction of x's energy (each channel's mean removed) at high
// spatial frequencies: ‖x − blur(x)‖² / ‖x − mean‖², with blur the 3×3 box filter. Noise-like
// images approach 1 (8/9 for white noise), smooth ones 0. x is [1, C, H, W] or [C, H, W].
func HighFrequency(x *dl.Tensor) float64 {
	s := x.Shape()
	C, h, w := s[len(s)-3], s[len(s)-2], s[len(s)-1]
	d := x.Data()
	b := append([]float32(nil), d...)
	boxBlur(b, C, h, w)
	hi, all := 0.0, 0.0
	for c := range C {
		ch := d[c*h*w : (c+1)*h*w]
		m := 0.0
		for _, v := range ch {
			m += float64(v)
		}
		m /= float64(h * w)
		for i, v := range ch {
			all += (float64(v) - m) * (float64(v) - m)
			r := float64(v - b[c*h*w+i])
			hi += r * r
		}
	}
	if all == 0 {
		return 0
	}
	return hi / all
}
