package seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/check"
)

// CheckResult is the outcome of an exercise check (see package check): it prints as one line
// ("✓ RNN step: 40 cases pass") or as the first failing case with what differs and a hint.
type CheckResult = check.Result

// StepCase is one case of an RNN or LSTM step check: a batch of B rows of In features and a
// state of H units, with the cell's weights (those of nn.NewRNNCell or nn.NewLSTMCell) and the
// inputs drawn from Seed. The flags aim a case at one part of the step.
type StepCase struct {
	B, In, H     int
	Seed         uint64
	ZeroX, ZeroH bool // x = 0 (only the recurrent term and b count); h = 0 (only the input term)
	ZeroWeights  bool // every weight and bias 0: the LSTM's gates at rest, σ(0) = ½ and tanh(0) = 0
	CellOnly     bool // LSTM: compare c′ only, not h′
	Grads        bool // also compare the gradients of a random projection of the outputs
}

// String describes the case: "B=2 In=3 H=4, h = 0".
func (c StepCase) String() string {
	s := fmt.Sprintf("B=%d In=%d H=%d", c.B, c.In, c.H)
	for _, f := range []struct {
		on   bool
		what string
	}{{c.ZeroX, "x = 0"}, {c.ZeroH, "h = 0"}, {c.ZeroWeights, "all weights and biases 0"}} {
		if f.on {
			s += ", " + f.what
		}
	}
	return s
}

// RandomStepCases returns n cases of random sizes (B ≤ 4, In ≤ 6, H ≤ 8) and random values
// that compare the outputs and their gradients, drawn from seed.
func RandomStepCases(n int, seed uint64) []StepCase {
	rng := rand.New(rand.NewPCG(seed, 1))
	cases := make([]StepCase, n)
	for i := range cases {
		cases[i] = StepCase{B: 1 + rng.IntN(4), In: 1 + rng.IntN(6), H: 1 + rng.IntN(8), Seed: rng.Uint64(), Grads: true}
	}
	return cases
}

// stepInputs draws a case's cell weights (k gate blocks), inputs x and h (and c for the
// LSTM) and the projections of the outputs whose gradients are compared.
func (c StepCase) stepInputs(k int) (w *nn.RecurrentWeights, x, h, cell, ph, pc *dl.Tensor) {
	rng := rand.New(rand.NewPCG(c.Seed, 1))
	if k == 1 {
		w = &nn.NewRNNCell(rng, c.In, c.H).RecurrentWeights
	} else {
		w = &nn.NewLSTMCell(rng, c.In, c.H).RecurrentWeights
	}
	x, h, cell = dl.RandN(rng, c.B, c.In), dl.RandN(rng, c.B, c.H), dl.RandN(rng, c.B, c.H)
	ph, pc = dl.RandN(rng, c.B, c.H), dl.RandN(rng, c.B, c.H)
	if c.ZeroX {
		x = dl.Zeros(c.B, c.In)
	}
	if c.ZeroH {
		h = dl.Zeros(c.B, c.H)
	}
	if c.ZeroWeights {
		for _, p := range []**dl.Tensor{&w.WeightIH, &w.WeightHH, &w.BiasIH, &w.BiasHH} {
			*p = dl.Zeros((*p).Shape()...).SetRequiresGrad(true)
		}
	}
	for _, t := range []*dl.Tensor{x, h, cell} {
		t.SetRequiresGrad(true)
	}
	return w, x, h, cell, ph, pc
}

// CheckRNNStep runs f against nn.RNNCell on 40 random sizes and values, comparing the new state
// and the gradients of a loss with respect to x, h and the weights.
//
// Introduced in notebooks/06-rnn-lstm-captioning.
func CheckRNNStep(f RNNStepFunc) CheckResult {
	return CheckRNNStepCases("RNN step", RandomStepCases(40, 6), f)
}

// CheckRNNStepCases runs f on the given cases, in order, against nn.RNNCell (whose two biases
// sum to f's b); name names the check in the result. Graded (hidden) tests use it with cases
// aimed at one mistake each. A failing case's hint names the mistake when f's answer is that of
// a usual wrong version (W_xh and W_hh swapped, a weight not transposed, no bias, no tanh).
func CheckRNNStepCases(name string, cases []StepCase, f RNNStepFunc) CheckResult {
	res := CheckResult{Name: name}
	for i, c := range cases {
		res.Cases = i + 1
		w, x, h, _, proj, _ := c.stepInputs(1)
		want := (&nn.RNNCell{RecurrentWeights: *w}).Step(x, h)
		var wantGrads []*dl.Tensor
		if c.Grads {
			want.Mul(proj).Sum().Backward()
			wantGrads = grads(x, h, w.WeightIH, w.WeightHH, w.BiasIH)
			x.ZeroGrad()
			h.ZeroGrad()
		}
		Wxh, Whh := w.WeightIH.Detach().SetRequiresGrad(true), w.WeightHH.Detach().SetRequiresGrad(true)
		b := w.BiasIH.Add(w.BiasHH).Detach().SetRequiresGrad(true)
		var got *dl.Tensor
		err := check.CallSafely(func() { got = f(x, h, Wxh, Whh, b) })
		if err != nil {
			res.Case, res.Got, res.Want = c.String(), err.Error(), "h′ of shape "+fmt.Sprint(want.Shape())
			res.Hint = rnnErrHint(c, err, x, h, Wxh, Whh, b)
			return res
		}
		if g, wv, ok := compare("h′", got, want); !ok {
			res.Case, res.Got, res.Want = c.String(), g, wv
			res.Hint = rnnHint(got, x, h, Wxh, Whh, b)
			return res
		}
		if !c.Grads {
			continue
		}
		if err := check.CallSafely(func() { got.Mul(proj).Sum().Backward() }); err != nil {
			res.Case, res.Got, res.Want = c.String(), err.Error(), "gradients"
			res.Hint = "h′ must be built from dl ops on the tensors given, so that gradients flow back to them"
			return res
		}
		for k, n := range []string{"x", "h", "W_xh", "W_hh", "b"} {
			if g, wv, ok := compare("∂/∂"+n, []*dl.Tensor{x, h, Wxh, Whh, b}[k].Grad(), wantGrads[k]); !ok {
				res.Case, res.Got, res.Want = c.String()+", gradient of Σ p⊙h′ for a random p", g, wv
				res.Hint = "h′ is right but its gradient ∂/∂" + n + " is not: build h′ from dl ops on the tensors given (no Detach, no copying values out)"
				return res
			}
		}
	}
	res.Passed = true
	return res
}

func rnnErrHint(c StepCase, err error, x, h, Wxh, Whh, b *dl.Tensor) string {
	msg := err.Error()
	if strings.Contains(msg, "not done yet") {
		return "replace the panic with the step"
	}
	// A usual wrong version that stops with the same error names the mistake.
	if hint := sameError(msg, rnnVariants(x, h, Wxh, Whh, b)); hint != "" {
		return hint
	}
	switch {
	case strings.Contains(strings.ToLower(msg), "shape"):
		return fmt.Sprintf("x is [B, In] = [%d, %d] and W_xh [H, In]; h is [B, H] = [%d, %d] and W_hh [H, H]: the step is h·W_hhᵀ + x·W_xhᵀ — check which weight goes with which input, and the transposes", c.B, c.In, c.B, c.H)
	}
	return "h′ = tanh(h·W_hhᵀ + x·W_xhᵀ + b), from dl ops"
}

// variant is a usual wrong version of a step, and the hint that names its mistake.
type variant struct {
	hint string
	f    func() (h, c *dl.Tensor)
}

// rnnVariants are the usual wrong versions of the RNN step on the given inputs.
func rnnVariants(x, h, Wxh, Whh, b *dl.Tensor) []variant {
	x, h, Wxh, Whh, b = x.Detach(), h.Detach(), Wxh.Detach(), Whh.Detach(), b.Detach()
	T := func(t *dl.Tensor) *dl.Tensor { return t.Transpose(0, 1) }
	one := func(f func() *dl.Tensor) func() (*dl.Tensor, *dl.Tensor) {
		return func() (*dl.Tensor, *dl.Tensor) { return f(), nil }
	}
	return []variant{
		{"W_hh and W_xh are swapped: W_hh multiplies the state h, W_xh the input x", one(func() *dl.Tensor {
			return h.MatMul(T(Wxh)).Add(x.MatMul(T(Whh))).Add(b).Tanh()
		})},
		{"transpose W_hh: for a batch of rows, W_hh·h is h·W_hhᵀ", one(func() *dl.Tensor {
			return h.MatMul(Whh).Add(x.MatMul(T(Wxh))).Add(b).Tanh()
		})},
		{"transpose W_xh: for a batch of rows, W_xh·x is x·W_xhᵀ", one(func() *dl.Tensor {
			return h.MatMul(T(Whh)).Add(x.MatMul(Wxh)).Add(b).Tanh()
		})},
		{"add the bias b before the tanh", one(func() *dl.Tensor { return h.MatMul(T(Whh)).Add(x.MatMul(T(Wxh))).Tanh() })},
		{"squash the sum with tanh", one(func() *dl.Tensor { return h.MatMul(T(Whh)).Add(x.MatMul(T(Wxh))).Add(b) })},
		{"the nonlinearity is tanh, not σ", one(func() *dl.Tensor { return h.MatMul(T(Whh)).Add(x.MatMul(T(Wxh))).Add(b).Sigmoid() })},
		{"the nonlinearity is tanh, not ReLU", one(func() *dl.Tensor { return h.MatMul(T(Whh)).Add(x.MatMul(T(Wxh))).Add(b).ReLU() })},
	}
}

// rnnHint guesses the mistake behind a wrong RNN step by computing the usual wrong versions.
func rnnHint(got, x, h, Wxh, Whh, b *dl.Tensor) string {
	for _, v := range rnnVariants(x, h, Wxh, Whh, b) {
		var vh *dl.Tensor
		if dl.Try(func() { vh, _ = v.f() }) == nil && near(got, vh) {
			return v.hint
		}
	}
	return "h′ = tanh(h·W_hhᵀ + x·W_xhᵀ + b)"
}

// sameError returns the hint of the first variant that stops with the error msg (a student's
// error, "your function panicked: …"), or "".
func sameError(msg string, vs []variant) string {
	for _, v := range vs {
		err := dl.Try(func() { v.f() })
		if err != nil && strings.HasSuffix(msg, ": "+err.Error()) {
			return v.hint
		}
	}
	return ""
}

// CheckLSTMStep runs f, given the deck's weights from DeckLSTMWeights, against nn.LSTMCell on
// 40 random sizes and values, comparing h′, c′ and the gradients with respect to x, h, c and
// the cell's weights.
//
// Introduced in notebooks/06-rnn-lstm-captioning.
func CheckLSTMStep(f LSTMStepFunc) CheckResult {
	return CheckLSTMStepCases("LSTM step (deck's gate order i f o g)", RandomStepCases(40, 7), f)
}

// CheckLSTMStepCases runs f on the given cases, in order, against nn.LSTMCell, giving f the
// deck's W and b (DeckLSTMWeights); name names the check in the result. Graded (hidden) tests
// use it with cases aimed at one mistake each. A failing case's hint names the mistake when
// f's answer is that of a usual wrong version (nn's gate order i f g o, no tanh on c′ in h′,
// [x; h] for [h; x], σ for g's tanh, a weight not transposed).
func CheckLSTMStepCases(name string, cases []StepCase, f LSTMStepFunc) CheckResult {
	res := CheckResult{Name: name}
	for i, c := range cases {
		res.Cases = i + 1
		w, x, h, cc, ph, pc := c.stepInputs(4)
		wh, wc := (&nn.LSTMCell{RecurrentWeights: *w}).Step(x, h, cc)
		ps := append([]*dl.Tensor{x, h, cc}, w.Parameters()...)
		var want []*dl.Tensor
		if c.Grads {
			loss(wh, wc, ph, pc, c.CellOnly).Backward()
			want = grads(ps...)
			for _, p := range ps {
				p.ZeroGrad()
			}
		}
		W, b := DeckLSTMWeights(w)
		var gh, gc *dl.Tensor
		if err := check.CallSafely(func() { gh, gc = f(x, h, cc, W, b) }); err != nil {
			res.Case, res.Got, res.Want = c.String(), err.Error(), fmt.Sprintf("h′ and c′ of shape %v", wh.Shape())
			res.Hint = lstmErrHint(c, err, x, h, cc, W, b)
			return res
		}
		if g, wv, ok := compare("c′", gc, wc); !ok {
			res.Case, res.Got, res.Want = c.String(), g, wv
			res.Hint = lstmHint(gh, gc, x, h, cc, W, b, false)
			return res
		}
		if !c.CellOnly {
			if g, wv, ok := compare("h′", gh, wh); !ok {
				res.Case, res.Got, res.Want = c.String(), g, wv
				res.Hint = lstmHint(gh, gc, x, h, cc, W, b, true)
				return res
			}
		}
		if !c.Grads {
			continue
		}
		if err := check.CallSafely(func() { loss(gh, gc, ph, pc, c.CellOnly).Backward() }); err != nil {
			res.Case, res.Got, res.Want = c.String(), err.Error(), "gradients"
			res.Hint = "h′ and c′ must be built from dl ops on the tensors given, so that gradients flow back to them"
			return res
		}
		for k, n := range []string{"x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"} {
			if g, wv, ok := compare("∂/∂"+n, ps[k].Grad(), want[k]); !ok {
				res.Case, res.Got, res.Want = c.String()+", gradient of Σ p⊙h′ + q⊙c′ for random p, q", g, wv
				res.Hint = "the values are right but the gradient ∂/∂" + n + " is not: build h′ and c′ from dl ops on the tensors given (no Detach, no copying values out)"
				return res
			}
		}
	}
	res.Passed = true
	return res
}

// loss is the scalar whose gradients the LSTM checks compare: Σ ph⊙h′ + pc⊙c′ (c′ only if
// cellOnly).
func loss(h, c, ph, pc *dl.Tensor, cellOnly bool) *dl.Tensor {
	if cellOnly {
		return c.Mul(pc).Sum()
	}
	return h.Mul(ph).Add(c.Mul(pc)).Sum()
}

func lstmErrHint(c StepCase, err error, x, h, cc, W, b *dl.Tensor) string {
	msg := err.Error()
	if strings.Contains(msg, "not done yet") {
		return "replace the panic with the step"
	}
	if hint := sameError(msg, lstmVariants(x, h, cc, W, b)); hint != "" {
		return hint
	}
	switch {
	case strings.Contains(strings.ToLower(msg), "shape"):
		return fmt.Sprintf("[h; x] is [B, H+In] = [%d, %d] and W is [4H, H+In] = [%d, %d]: the gates are dl.Concat(1, h, x)·Wᵀ + b (W.Transpose(0, 1)), cut into four blocks of H = %d", c.B, c.H+c.In, 4*c.H, c.H+c.In, c.H)
	}
	return "z = [h; x]·Wᵀ + b; (i, f, o, g) = (σ, σ, σ, tanh) of its four blocks; c′ = f⊙c + i⊙g; h′ = o⊙tanh(c′)"
}

// lstmVariants are the usual wrong versions of the LSTM step on the given inputs.
func lstmVariants(x, h, c, W, b *dl.Tensor) []variant {
	x, h, c, W, b = x.Detach(), h.Detach(), c.Detach(), W.Detach(), b.Detach()
	H := h.Dim(1)
	gates := func(z *dl.Tensor) []*dl.Tensor { return z.Split(1, H, H, H, H) }
	zOf := func() *dl.Tensor { return dl.Concat(1, h, x).MatMul(W.Transpose(0, 1)).Add(b) }
	return []variant{
		{"the gate order: the deck's W has its blocks in the order i f o g (nn.LSTMCell and PyTorch keep i f g o), so the third block is o and the fourth g", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(zOf())
			i, f, g, o := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Tanh(), p[3].Sigmoid()
			cn := f.Mul(c).Add(i.Mul(g))
			return o.Mul(cn.Tanh()), cn
		}},
		{"h′ = o ⊙ tanh(c′): squash the new cell state with tanh before the output gate", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(zOf())
			i, f, o, g := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Sigmoid(), p[3].Tanh()
			cn := f.Mul(c).Add(i.Mul(g))
			return o.Mul(cn), cn
		}},
		{"h′ uses the new cell state: o ⊙ tanh(c′), not tanh(c)", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(zOf())
			i, f, o, g := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Sigmoid(), p[3].Tanh()
			cn := f.Mul(c).Add(i.Mul(g))
			return o.Mul(c.Tanh()), cn
		}},
		{"g, what is written to the cell, is a tanh; only the gates i, f, o are σ", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(zOf())
			i, f, o, g := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Sigmoid(), p[3].Sigmoid()
			cn := f.Mul(c).Add(i.Mul(g))
			return o.Mul(cn.Tanh()), cn
		}},
		{"stack [h; x] with h first, as W's columns are: dl.Concat(1, h, x)", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(dl.Concat(1, x, h).MatMul(W.Transpose(0, 1)).Add(b))
			i, f, o, g := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Sigmoid(), p[3].Tanh()
			cn := f.Mul(c).Add(i.Mul(g))
			return o.Mul(cn.Tanh()), cn
		}},
		{"transpose W: for a batch of rows the gates are [h; x]·Wᵀ", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(dl.Concat(1, h, x).MatMul(W).Add(b))
			i, f, o, g := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Sigmoid(), p[3].Tanh()
			cn := f.Mul(c).Add(i.Mul(g))
			return o.Mul(cn.Tanh()), cn
		}},
		{"the forget gate multiplies the old cell state and the input gate g: c′ = f⊙c + i⊙g", func() (*dl.Tensor, *dl.Tensor) {
			p := gates(zOf())
			i, f, o, g := p[0].Sigmoid(), p[1].Sigmoid(), p[2].Sigmoid(), p[3].Tanh()
			cn := i.Mul(c).Add(f.Mul(g))
			return o.Mul(cn.Tanh()), cn
		}},
	}
}

// lstmHint guesses the mistake behind a wrong LSTM step by computing the usual wrong versions;
// cellRight says c′ was right (only h′ is wrong).
func lstmHint(gh, gc, x, h, c, W, b *dl.Tensor, cellRight bool) string {
	for _, v := range lstmVariants(x, h, c, W, b) {
		var vh, vc *dl.Tensor
		if dl.Try(func() { vh, vc = v.f() }) != nil {
			continue
		}
		if cellRight && near(gh, vh) || !cellRight && near(gc, vc) {
			return v.hint
		}
	}
	if cellRight {
		return "c′ is right; h′ = o ⊙ tanh(c′) with o = σ of the third block"
	}
	return "c′ = f⊙c + i⊙g with (i, f, o, g) = (σ, σ, σ, tanh) of the blocks of [h; x]·Wᵀ + b, in the deck's order i f o g"
}

// matches reports whether got equals what f returns (false if f panics).
func matches(got *dl.Tensor, f func() *dl.Tensor) bool {
	var v *dl.Tensor
	if dl.Try(func() { v = f() }) != nil {
		return false
	}
	return near(got, v)
}

func near(got, want *dl.Tensor) bool {
	_, _, ok := compare("", got, want)
	return ok
}

func grads(ts ...*dl.Tensor) []*dl.Tensor {
	out := make([]*dl.Tensor, len(ts))
	for i, t := range ts {
		if t.Grad() != nil {
			out[i] = t.Grad().Clone()
		}
	}
	return out
}

// compare reports whether got matches want within float32 tolerance and, if not, what got and
// want are where they first differ ("h′ element 3 = 0.5", "0.25").
func compare(name string, got, want *dl.Tensor) (gotS, wantS string, ok bool) {
	switch {
	case got == nil && want == nil:
		return "", "", true
	case got == nil:
		return name + " missing (nil)", name + " of shape " + fmt.Sprint(want.Shape()), false
	case want == nil:
		return name + " present", "no " + name, false
	case fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape()):
		return fmt.Sprintf("%s of shape %v", name, got.Shape()), fmt.Sprintf("shape %v", want.Shape()), false
	}
	for i, w := range want.Data() {
		g := got.Data()[i]
		if math.Abs(float64(g-w)) > 1e-4*max(1, math.Abs(float64(w))) || math.IsNaN(float64(g)) {
			return fmt.Sprintf("%s element %d = %.6g", name, i, g), fmt.Sprintf("%.6g", w), false
		}
	}
	return "", "", true
}
