package nn

import "github.com/deepnb/deepnb/dl/internal/vec"

// The three recurrent cells, one type each. A cell is the part of a recurrent layer that differs
// by kind: its gate equations, forward and backward, on one row (sequence b at step t) of the
// buffers that the shared driver bptt (recurrent_bptt.go) keeps for the whole sequence. The
// driver does the matrix products: the pre-activations a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh arrive
// in s.act(b, t), and the gradients da a cell leaves in s.dAct(b, t) go back through W_ih, W_hh
// and the biases.
type recCell interface {
	spec() cellSpec
	// forward turns row (b, t) of the pre-activations into gate activations in place and writes
	// the new hidden state s.hidden(b, t) (and, for LSTM, the new cell state).
	forward(s *bptt, b, t int)
	// backward sets row (b, t) of the pre-activation gradients from dh = ∂L/∂h′ (and, for LSTM,
	// ∂L/∂c′ in s.cellGrad(b)); it leaves in dh the part of ∂L/∂h that does not go through W_hh
	// (used only where spec().direct), and in s.cellGrad(b) the gradient of the previous cell state.
	backward(s *bptt, b, t int, dh []float32)
}

// cellSpec describes a cell to the driver.
type cellSpec struct {
	name      string // op name: RNN, LSTM, GRU ("Cell" is added for one step)
	gates     int    // G, the gate blocks of H units in the weights
	cellState bool   // a second state c besides h (LSTM)
	// direct: the hidden side h·W_hhᵀ + b_hh is kept apart from the input side in s.hside (the
	// GRU's reset gate multiplies part of it), with its own gradient s.dAh, and h′ depends on h
	// directly too, so ∂L/∂h = dh (as backward leaves it) + dAh·W_hh.
	direct bool
}

// rnnCell is RNNCell's step: h′ = tanh(a).
type rnnCell struct{}

func (rnnCell) spec() cellSpec { return cellSpec{name: "RNN", gates: 1} }

func (rnnCell) forward(s *bptt, b, t int) {
	a := s.act(b, t)
	vec.Logistic(a, a, 2, 2, -1) // tanh
	copy(s.hidden(b, t), a)
}

// backward: ∂L/∂a = dh⊙(1 − h′²).
func (rnnCell) backward(s *bptt, b, t int, dh []float32) {
	da := s.dAct(b, t)
	for j, v := range s.act(b, t) {
		da[j] = dh[j] * (1 - v*v)
	}
}

// lstmCell is LSTMCell's step: i, f, o = σ(·), g = tanh(·) of the four blocks of a,
// c′ = f⊙c + i⊙g, h′ = o⊙tanh(c′).
type lstmCell struct{}

func (lstmCell) spec() cellSpec { return cellSpec{name: "LSTM", gates: 4, cellState: true} }

func (lstmCell) forward(s *bptt, b, t int) {
	H, a := s.H, s.act(b, t)
	vec.Logistic(a[:2*H], a[:2*H], 1, 1, 0)        // i, f = σ(·)
	vec.Logistic(a[2*H:3*H], a[2*H:3*H], 2, 2, -1) // g = tanh(·)
	vec.Logistic(a[3*H:], a[3*H:], 1, 1, 0)        // o = σ(·)
	i, f, g, o := a[:H], a[H:2*H], a[2*H:3*H], a[3*H:]
	cp, c, tc := s.cellPrev(b, t), s.row(s.cs, b, t, H), s.row(s.tanhC, b, t, H)
	if cp != nil {
		for j := range c {
			c[j] = f[j]*cp[j] + i[j]*g[j]
		}
	} else {
		for j := range c {
			c[j] = i[j] * g[j]
		}
	}
	vec.Logistic(tc, c, 2, 2, -1) // tanh(c′)
	h := s.hidden(b, t)
	for j := range h {
		h[j] = o[j] * tc[j]
	}
}

// backward: with dc′ = ∂L/∂c′ + dh⊙o⊙(1 − tanh²c′),
// do = dh⊙tanh(c′)⊙o(1−o), di = dc′⊙g⊙i(1−i), dg = dc′⊙i⊙(1−g²), df = dc′⊙c⊙f(1−f), ∂L/∂c = dc′⊙f.
func (lstmCell) backward(s *bptt, b, t int, dh []float32) {
	H, a, da := s.H, s.act(b, t), s.dAct(b, t)
	cp, tc, dc := s.cellPrev(b, t), s.row(s.tanhC, b, t, H), s.cellGrad(b)
	ai, af, ag, ao := a[:H], a[H:2*H], a[2*H:3*H], a[3*H:]
	di, df, dg, do := da[:H], da[H:2*H], da[2*H:3*H], da[3*H:]
	for j := range dh {
		i, f, g, o := ai[j], af[j], ag[j], ao[j]
		dcj := dc[j] + dh[j]*o*(1-tc[j]*tc[j])
		do[j] = dh[j] * tc[j] * o * (1 - o)
		di[j] = dcj * g * i * (1 - i)
		dg[j] = dcj * i * (1 - g*g)
		if cp != nil {
			df[j] = dcj * cp[j] * f * (1 - f)
		} else {
			df[j] = 0
		}
		dc[j] = dcj * f
	}
}

// gruCell is GRUCell's step, with the hidden side u = h·W_hhᵀ + b_hh apart from the input side a:
// r, z = σ(a + u) of the first two blocks, n = tanh(aₙ + r⊙uₙ), h′ = (1 − z)⊙n + z⊙h.
type gruCell struct{}

func (gruCell) spec() cellSpec { return cellSpec{name: "GRU", gates: 3, direct: true} }

func (gruCell) forward(s *bptt, b, t int) {
	H, a, u := s.H, s.act(b, t), s.row(s.hside, b, t, s.GH)
	for j := 0; j < 2*H; j++ {
		a[j] += u[j]
	}
	vec.Logistic(a[:2*H], a[:2*H], 1, 1, 0) // r, z = σ(·)
	r, z, n := a[:H], a[H:2*H], a[2*H:]
	for j := range n {
		n[j] += r[j] * u[2*H+j]
	}
	vec.Logistic(n, n, 2, 2, -1) // n = tanh(·)
	hp, h := s.hiddenPrev(b, t), s.hidden(b, t)
	for j := range h {
		var hpj float32
		if hp != nil {
			hpj = hp[j]
		}
		h[j] = (1-z[j])*n[j] + z[j]*hpj
	}
}

// backward: dn = dh⊙(1−z)⊙(1−n²), dz = dh⊙(h − n)⊙z(1−z), dr = dn⊙uₙ⊙r(1−r); the hidden side
// gets [dr dz dn⊙r], and the direct path h′ = … + z⊙h leaves dh⊙z.
func (gruCell) backward(s *bptt, b, t int, dh []float32) {
	H, a, u := s.H, s.act(b, t), s.row(s.hside, b, t, s.GH)
	da, dah, hp := s.dAct(b, t), s.row(s.dAh, b, t, s.GH), s.hiddenPrev(b, t)
	ar, az, an := a[:H], a[H:2*H], a[2*H:]
	for j := range dh {
		r, z, n := ar[j], az[j], an[j]
		var hpj float32
		if hp != nil {
			hpj = hp[j]
		}
		dn := dh[j] * (1 - z) * (1 - n*n)
		dz := dh[j] * (hpj - n) * z * (1 - z)
		dr := dn * u[2*H+j] * r * (1 - r)
		da[j], da[H+j], da[2*H+j] = dr, dz, dn
		dah[j], dah[H+j], dah[2*H+j] = dr, dz, dn*r
		dh[j] *= z
	}
}
