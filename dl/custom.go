package dl

import "slices"

// Custom returns a tensor of the given shape holding data (shared, not copied), made by a
// user-defined op named op from inputs. It lets packages outside dl (such as dl/nn) write fused
// ops with their own backward: a fused cross-entropy or LSTM gate, for instance.
//
// When gradients are enabled and some input requires a gradient, Backward later calls
// backward(grad, inGrads): grad holds the gradient of the loss with respect to the result
// (row-major, of the result's shape), and inGrads[i] is the gradient of inputs[i], into which
// backward must add (+=) that input's contribution; inGrads[i] is nil when inputs[i] needs no
// gradient. backward must not keep grad or inGrads after it returns. A nil backward makes an op
// that passes no gradient.
//
// Custom panics with a *ShapeError if len(data) differs from the product of shape.
func Custom(op string, data []float32, shape []int, backward func(grad []float32, inGrads [][]float32), inputs ...*Tensor) *Tensor {
	if n := checkShape(op, shape); n != len(data) {
		panic(&ShapeError{Op: op, A: []int{len(data)}, B: slices.Clone(shape), Msg: "data length does not match shape"})
	}
	var bw func(out *Tensor)
	if backward != nil {
		ins := slices.Clone(inputs)
		bw = func(out *Tensor) {
			gs := make([][]float32, len(ins))
			for i, in := range ins {
				if in.requiresGrad {
					gs[i] = in.gradData()
				}
			}
			backward(out.grad.data, gs)
		}
	}
	return newOp(op, data, slices.Clone(shape), bw, inputs...)
}
