package nn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepnb/deepnb/dl"
)

// Module is a layer or a model: a function of one tensor with trainable parameters.
// Parameters are listed explicitly by each module (no reflection), in a fixed order.
type Module interface {
	// Forward computes the module's output for the input x.
	Forward(x *dl.Tensor) *dl.Tensor
	// Parameters returns the trainable tensors, in a fixed order. The tensors are shared:
	// an optimizer updates them in place.
	Parameters() []*dl.Tensor
}

// Params is anything that holds parameters: every Module, and layers that take more than one
// input such as LSTM or Attention. Count, Save, Load and friends accept a Params.
type Params interface {
	Parameters() []*dl.Tensor
}

// Named is a tensor with its dotted name, e.g. "0.weight" or "lstm.weight_ih_l0". Names follow
// PyTorch's state_dict names, so weights can move between the two through safetensors files.
type Named struct {
	Name string
	T    *dl.Tensor
}

// Namer is implemented by modules that name their parameters. Modules that do not are named by
// position ("0", "1", …) by NamedParameters.
type Namer interface {
	NamedParameters() []Named
}

// Buffered is implemented by modules with state that is saved with the parameters but not
// trained, such as BatchNorm's running mean and variance (PyTorch's buffers).
type Buffered interface {
	NamedBuffers() []Named
}

// Switch is implemented by modules that behave differently in training and in evaluation
// (Dropout, BatchNorm) and by containers, which pass the call on to their children.
type Switch interface {
	SetTrain(train bool)
}

// NamedParameters returns m's parameters with their names: m's own names if it implements
// Namer, otherwise "0", "1", … in the order of Parameters.
func NamedParameters(m Params) []Named {
	if n, ok := m.(Namer); ok {
		return n.NamedParameters()
	}
	ps := m.Parameters()
	out := make([]Named, len(ps))
	for i, p := range ps {
		out[i] = Named{Name: itoa(i), T: p}
	}
	return out
}

// NamedBuffers returns m's buffers (untrained saved state) with their names, or nil if m has
// none.
func NamedBuffers(m Params) []Named {
	if b, ok := m.(Buffered); ok {
		return b.NamedBuffers()
	}
	return nil
}

// State returns everything Save writes for m: its named parameters followed by its named
// buffers (PyTorch's state_dict).
func State(m Params) []Named {
	return append(NamedParameters(m), NamedBuffers(m)...)
}

// Count returns the number of trainable values in m: the sum of its parameters' lengths.
func Count(m Params) int {
	n := 0
	for _, p := range m.Parameters() {
		n += p.Len()
	}
	return n
}

// SetTrain puts m in training (true) or evaluation (false) mode if it implements Switch, and
// does nothing otherwise. Modules start in training mode.
func SetTrain(m Params, train bool) {
	if s, ok := m.(Switch); ok {
		s.SetTrain(train)
	}
}

// ZeroGrad clears the gradients of m's parameters.
func ZeroGrad(m Params) {
	for _, p := range m.Parameters() {
		p.ZeroGrad()
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// prefix returns ns with "name." put in front of every name.
func prefix(name string, ns []Named) []Named {
	out := make([]Named, len(ns))
	for i, n := range ns {
		out[i] = Named{Name: name + "." + n.Name, T: n.T}
	}
	return out
}

// Sequential chains modules: Forward feeds each module's output to the next.
// Its parameters are named "<index>.<name>", as in PyTorch's nn.Sequential.
type Sequential struct {
	Layers []Module
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(layers ...Module) *Sequential { return &Sequential{Layers: layers} }

// Forward applies the layers in the order they were written, each to the previous one's output.
func (s *Sequential) Forward(x *dl.Tensor) *dl.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Parameters returns the layers' parameters in order.
func (s *Sequential) Parameters() []*dl.Tensor {
	var ps []*dl.Tensor
	for _, l := range s.Layers {
		ps = append(ps, l.Parameters()...)
	}
	return ps
}

// NamedParameters names each layer's parameters "<index>.<name>".
func (s *Sequential) NamedParameters() []Named {
	var out []Named
	for i, l := range s.Layers {
		out = append(out, prefix(itoa(i), NamedParameters(l))...)
	}
	return out
}

// NamedBuffers names each layer's buffers "<index>.<name>".
func (s *Sequential) NamedBuffers() []Named {
	var out []Named
	for i, l := range s.Layers {
		out = append(out, prefix(itoa(i), NamedBuffers(l))...)
	}
	return out
}

// SetTrain sets the mode of every layer.
func (s *Sequential) SetTrain(train bool) {
	for _, l := range s.Layers {
		SetTrain(l, train)
	}
}

// Field is one named part of a Group.
type Field struct {
	Name string
	M    Params
}

// Group is a model made of named parts that are not a simple chain, for example an embedding,
// an LSTM and a linear head that a notebook wires together by hand:
//
//	model := nn.Group{{"embed", emb}, {"lstm", lstm}, {"head", head}}
//	opt := optim.NewAdam(model.Parameters(), 1e-3)
//	nn.SaveFile("model.safetensors", model)
//
// Parameters are named "<part>.<name>", e.g. "lstm.weight_ih_l0".
type Group []Field

// Parameters returns the parts' parameters in order.
func (g Group) Parameters() []*dl.Tensor {
	var ps []*dl.Tensor
	for _, f := range g {
		ps = append(ps, f.M.Parameters()...)
	}
	return ps
}

// NamedParameters names each part's parameters "<part>.<name>".
func (g Group) NamedParameters() []Named {
	var out []Named
	for _, f := range g {
		out = append(out, prefix(f.Name, NamedParameters(f.M))...)
	}
	return out
}

// NamedBuffers names each part's buffers "<part>.<name>".
func (g Group) NamedBuffers() []Named {
	var out []Named
	for _, f := range g {
		out = append(out, prefix(f.Name, NamedBuffers(f.M))...)
	}
	return out
}

// SetTrain sets the mode of every part.
func (g Group) SetTrain(train bool) {
	for _, f := range g {
		SetTrain(f.M, train)
	}
}

// Summary returns a table of m's parameters and buffers, one per line with its name, shape and
// number of values, and the total number of trainable values, for printing in a notebook:
//
//	0.weight      [16 2]     32
//	0.bias        [16]       16
//	…
//	trainable parameters: 337
func Summary(m Params) string {
	var b strings.Builder
	rows := [][3]string{}
	w := [2]int{}
	add := func(ns []Named, suffix string) {
		for _, n := range ns {
			r := [3]string{n.Name + suffix, fmt.Sprint(n.T.Shape()), strconv.Itoa(n.T.Len())}
			w[0], w[1] = max(w[0], len(r[0])), max(w[1], len(r[1]))
			rows = append(rows, r)
		}
	}
	add(NamedParameters(m), "")
	add(NamedBuffers(m), " (buffer)")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", w[0], r[0], w[1], r[1], r[2])
	}
	fmt.Fprintf(&b, "trainable parameters: %d\n", Count(m))
	return b.String()
}
