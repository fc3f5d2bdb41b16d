package dl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/diff/fd"
)

// GradCheckStep is the step h of the central differences GradCheck takes:
// ∂L/∂xᵢ ≈ (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h. It is large by float64 standards (gonum's default is
// about 6e-6) because tensors are float32: with ε = 2⁻²³ the rounding error of a difference
// quotient is about ε·|L|/h, so h must be near ε^⅓ ≈ 5e-3. A power of two keeps x ± h exact.
const GradCheckStep = 1.0 / 128

// GradCheckTol is the largest error GradCheck's callers should accept: the error of each
// gradient entry is |a − n| / max(1, |a|, |n|) for the analytic value a (from Backward) and the
// numeric value n (from central differences), absolute for small gradients and relative for
// large ones. Float32 rounding and the O(h²) truncation error of central differences with
// h = GradCheckStep put dl's own ops below 3e-4 on small inputs; the rounding part grows with
// |L|, hence the margin. A wrong backward is usually off by 1e-1 or more.
const GradCheckTol = 1e-2

// GradCheck compares the gradients Backward computes for f with central differences and returns
// the largest error over every element of every input (see GradCheckTol for the error measure)
// and a report of one line per input naming its worst element, for example
//
//	input 0 [2 3]: max error 3.1e-05 at [1 2]: backward 0.4200, numeric 0.4200
//
// f may return a tensor of any shape: GradCheck checks L = Σᵢ rᵢ·f(x)ᵢ for fixed pseudo-random
// weights rᵢ ∈ [−1, 1), so that every output element matters, or L = f(x) itself when f
// returns one element (a loss); each input's Grad holds ∂L/∂x afterwards. It runs Backward
// twice over the same graph, from zeroed gradients, and reports an infinite error if the second
// pass differs from the first. f must be
// deterministic (seed any randomness inside it) and must not modify its inputs. GradCheck
// evaluates f once for Backward and 2·(number of input elements) more times for the
// differences, so keep the inputs small.
//
// Every input is marked SetRequiresGrad(true) and its gradient is reset; the inputs' values are
// restored on return. Pick inputs away from kinks (ReLU at 0, Abs at 0, ties for Max), where
// the difference quotient straddles two slopes.
//
// Exercise checks call it like this:
//
//	err, report := dl.GradCheck(func(xs ...*dl.Tensor) *dl.Tensor { return xs[0].Mul(xs[1]).Sum() }, x, y)
//	if err > dl.GradCheckTol { fmt.Println(report) }
func GradCheck(f func(xs ...*Tensor) *Tensor, xs ...*Tensor) (maxErr float64, report string) {
	for _, x := range xs {
		x.SetRequiresGrad(true)
		x.ZeroGrad()
	}
	out := f(xs...)
	rng := rand.New(rand.NewPCG(0x9e3779b97f4a7c15, uint64(len(out.data))))
	r := Zeros(out.shape...)
	for i := range r.data {
		r.data[i] = float32(2*rng.Float64() - 1)
	}
	if len(r.data) == 1 {
		r.data[0] = 1 // a loss: check (and leave in Grad) its plain gradient
	}
	// A second pass over the same graph must give the same gradients (Backward may be called
	// again, e.g. twice in a notebook): keep the first, run again from zero, compare below.
	var first [][]float32
	if out.requiresGrad {
		out.BackwardWith(r)
		for _, x := range xs {
			var g []float32
			if x.grad != nil {
				g = slices.Clone(x.grad.data)
			}
			first = append(first, g)
			x.ZeroGrad()
		}
		out.BackwardWith(r)
	}

	var b, b2 strings.Builder
	for i, x := range xs {
		orig := make([]float64, len(x.data))
		for j, v := range x.data {
			orig[j] = float64(v)
		}
		loss := func(v []float64) float64 {
			for j := range v {
				x.data[j] = float32(v[j])
			}
			// The graph built here is simply dropped.
			y := f(xs...)
			s := 0.0
			for j, v := range y.data {
				s += float64(r.data[j]) * float64(v)
			}
			return s
		}
		num := fd.Gradient(nil, loss, orig, &fd.Settings{Formula: fd.Central, Step: GradCheckStep})
		for j, v := range orig {
			x.data[j] = float32(v)
		}

		worst, worstErr := -1, 0.0
		var wa, wn float64
		for j, n := range num {
			a := 0.0
			if x.grad != nil {
				a = float64(x.grad.data[j])
			}
			e := math.Abs(a-n) / max(1, math.Abs(a), math.Abs(n))
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			if worst < 0 || e > worstErr {
				worst, worstErr, wa, wn = j, e, a, n
			}
		}
		if first != nil {
			var second []float32
			if x.grad != nil {
				second = x.grad.data
			}
			for j := range max(len(first[i]), len(second)) {
				g1, g2 := at(first[i], j), at(second, j)
				if e := math.Abs(g1-g2) / max(1, math.Abs(g1), math.Abs(g2)); e > 1e-5 || math.IsNaN(e) {
					fmt.Fprintf(&b2, "input %d %v: a second Backward gives %.4f at %v, the first %.4f\n", i, x.shape, g2, unravel(j, x.shape), g1)
					maxErr = math.Inf(1)
					break
				}
			}
		}
		maxErr = max(maxErr, worstErr)
		if worst < 0 {
			fmt.Fprintf(&b, "input %d %v: no elements\n", i, x.shape)
			continue
		}
		fmt.Fprintf(&b, "input %d %v: max error %.2g at %v: backward %.4f, numeric %.4f\n",
			i, x.shape, worstErr, unravel(worst, x.shape), wa, wn)
	}
	return maxErr, b2.String() + b.String()
}

// at returns g[j] as a float64, or 0 past g's end (a nil gradient is zero).
func at(g []float32, j int) float64 {
	if j < len(g) {
		return float64(g[j])
	}
	return 0
}

// unravel returns the index of the flat offset off in a row-major tensor of the given shape.
func unravel(off int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = off % shape[d]
			off /= shape[d]
		}
	}
	return idx
}
