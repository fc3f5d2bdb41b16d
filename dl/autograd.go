package dl

import "slices"

// NoGrad returns t for evaluation: a tensor sharing t's values, cut from t's graph, that carries
// a no-grad mark. An op with a marked input records no graph and marks its result, even when
// another input is a leaf that requires a gradient (a parameter), so model.Forward(x.NoGrad())
// records nothing all the way through, which saves memory and time for inference and
// evaluation. Next to an input that records a graph (the result of a recorded op), marked values
// are constants: a target computed from x.NoGrad() can enter a training loss as it is. To use
// one as a constant against a leaf that requires a gradient (an image being optimized), Detach
// it. The mark travels with the tensors, not with a goroutine or a global switch: one goroutine
// can evaluate while another trains.
func (t *Tensor) NoGrad() *Tensor { return &Tensor{data: t.data, shape: t.shape, noGrad: true} }

// IsNoGrad reports whether t carries the no-grad mark (see NoGrad): ops on it record nothing.
func (t *Tensor) IsNoGrad() bool { return t.noGrad }

// RequiresGrad reports whether a gradient is computed for t by Backward.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks t as a leaf whose gradient Backward computes (parameters, or an image
// being optimized) and returns t.
func (t *Tensor) SetRequiresGrad(on bool) *Tensor {
	t.requiresGrad = on
	return t
}

// Grad returns the gradient accumulated by Backward, of t's shape, or nil if none has been
// computed since the last ZeroGrad.
func (t *Tensor) Grad() *Tensor { return t.grad }

// ZeroGrad drops t's accumulated gradient.
func (t *Tensor) ZeroGrad() { t.grad = nil }

// Op returns the name of the op that produced t, or "" for a leaf.
func (t *Tensor) Op() string { return t.op }

// gradData returns t's gradient values, allocating a zero gradient on first use.
// Backward functions add into it.
func (t *Tensor) gradData() []float32 {
	if t.grad == nil {
		t.grad = Zeros(t.shape...)
	}
	return t.grad.data
}

// noGradOp reports whether an op on inputs records nothing and passes the no-grad mark on: an
// input is marked and none records a graph (a leaf that requires a gradient, such as a
// parameter, does not count). Next to an input that records a graph, marked inputs are constants.
func noGradOp(inputs []*Tensor) bool {
	marked := false
	for _, in := range inputs {
		if in.backward != nil && in.requiresGrad {
			return false
		}
		marked = marked || in.noGrad
	}
	return marked
}

// newOp returns the result of op with the given values and shape. With a no-grad input and none
// that records a graph (noGradOp), the result is no-grad, with no record. Otherwise, if any input
// requires a gradient, the result records its inputs and backward, which must add out.grad's
// contribution into each input's gradData (only for inputs that require a gradient). Nil inputs
// (an optional bias or scale that was not given) are skipped.
func newOp(op string, data []float32, shape []int, backward func(out *Tensor), inputs ...*Tensor) *Tensor {
	out := &Tensor{data: data, shape: shape, op: op}
	if slices.Contains(inputs, nil) {
		inputs = slices.DeleteFunc(slices.Clone(inputs), func(t *Tensor) bool { return t == nil })
	}
	if noGradOp(inputs) {
		out.noGrad = true
		return out
	}
	if backward != nil && RecordsGraph(inputs...) {
		out.requiresGrad = true
		out.prev = inputs
		out.backward = backward
	}
	return out
}

// RecordsGraph reports whether an op on inputs (nil ones skipped) records a graph, so that its
// backward can run: some input requires a gradient, and the no-grad mark does not pass on (see
// NoGrad). An op built with Custom can ask before it fills its buffers: where no graph will be
// recorded, the values only its backward would read are temporaries.
func RecordsGraph(inputs ...*Tensor) bool {
	need := false
	for _, in := range inputs {
		if in != nil && in.requiresGrad {
			need = true
		}
	}
	if !need {
		return false
	}
	if slices.Contains(inputs, nil) {
		inputs = slices.DeleteFunc(slices.Clone(inputs), func(t *Tensor) bool { return t == nil })
	}
	return !noGradOp(inputs)
}

// Backward computes the gradient of t, a tensor of one element (a loss), with respect to every
// tensor that t depends on and that requires a gradient, adding it into their Grad.
// Gradients accumulate across calls until ZeroGrad: calling Backward twice adds the same gradient
// twice, as PyTorch's backward(retain_graph=True) does. Backward panics if t has more than one element.
func (t *Tensor) Backward() {
	if len(t.data) != 1 {
		panic(&ShapeError{Op: "Backward", A: t.shape, Msg: "Backward needs a one-element tensor; use BackwardWith"})
	}
	t.BackwardWith(Ones(t.shape...))
}

// BackwardWith is Backward for a tensor of any shape, seeded with the gradient g of some scalar
// with respect to t (a vector–Jacobian product). It panics if g's shape differs from t's.
func (t *Tensor) BackwardWith(g *Tensor) {
	if !slices.Equal(t.shape, g.shape) {
		panic(&ShapeError{Op: "BackwardWith", A: t.shape, B: g.shape})
	}
	if !t.requiresGrad {
		return
	}
	order := topo(t)
	if t.backward == nil {
		// A leaf as the root: its gradient accumulates like any leaf's.
		addInto(t.gradData(), g.data)
	} else {
		// The root is seeded afresh on every call: a gradient it kept from an earlier call
		// must not be passed on again (calling Backward twice adds the same gradient twice).
		t.grad = &Tensor{data: slices.Clone(g.data), shape: slices.Clone(t.shape)}
	}
	// Interior nodes keep no gradient once it has been passed on: only leaves (and t) report one.
	// Each is dropped as soon as its backward has run (every consumer of a node comes after it
	// in order, so none reads it later), which lets the collector reclaim a step's gradients
	// while the backward pass is still going instead of holding all of them to the end.
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.backward != nil && n.grad != nil {
			n.backward(n)
		}
		if n.backward != nil && n != t {
			n.grad = nil
		}
	}
}

// topo returns the nodes reachable from t that require a gradient, inputs before outputs.
func topo(t *Tensor) []*Tensor {
	var order []*Tensor
	seen := map[*Tensor]bool{}
	type frame struct {
		n    *Tensor
		next int
	}
	stack := []frame{{n: t}}
	seen[t] = true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next < len(f.n.prev) {
			c := f.n.prev[f.next]
			f.next++
			if c.requiresGrad && !seen[c] {
				seen[c] = true
				stack = append(stack, frame{n: c})
			}
			continue
		}
		order = append(order, f.n)
		stack = stack[:len(stack)-1]
	}
	return order
}
