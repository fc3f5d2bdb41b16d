package nn

import (
	"fmt"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// bptt is the driver the recurrent layers share: it runs a recCell over a batch of sequences as
// one fused op and backpropagates through time.
//
// Forward: the input projection x·W_ihᵀ of all steps is one GEMM over [B·T, In]; each step adds
// h·W_hhᵀ (one GEMM of B rows) and calls the cell's forward on every row. Backward runs the steps
// in reverse: the cell's backward gives each row's pre-activation gradient, one GEMM per step
// carries it through W_hh to the previous hidden state, and the weight gradients are one GEMM
// each over all steps.
//
// Row r = b·T + t of each [B·T, ·] buffer belongs to sequence b at step t.
type bptt struct {
	cell             recCell
	spec             cellSpec
	B, T, In, H, GH  int
	x, wih, whh, bhh []float32
	h0, c0           []float32 // [B, H] initial states, nil for zeros

	out       []float32 // [B·T, H] hidden states
	acts      []float32 // [B·T, G·H] pre-activations, then gate activations
	hside     []float32 // spec.direct: [B·T, G·H] hidden side h·W_hhᵀ + b_hh
	cs, tanhC []float32 // spec.cellState: [B·T, H] cell states and their tanh

	// fused: each goroutine multiplies its own batch rows and applies the cell to them at once.
	fused bool
	grain int                                                     // rows per goroutine
	hGemm func(m int, h []float32, ldh int, c []float32, ldc int) // c += h·W_hhᵀ for m rows

	// pool: no graph will be recorded (evaluation), so the buffers above (acts, hside, cs,
	// tanhC) are temporaries: they come from the scratch pool, listed in kept, and recurrence
	// hands them back. With a graph, backward reads them, and they are allocated afresh: the
	// graph keeps them for as long as it lives.
	pool bool
	kept []*[]float32

	dh, dc []float32 // [B, H] gradients w.r.t. the states of the step being processed
	dA     []float32 // [B·T, G·H] pre-activation gradients (of the hidden side too unless spec.direct)
	dAh    []float32 // spec.direct: [B·T, G·H] hidden-side pre-activation gradients
}

// row returns row (b, t) of an [B·T, n] buffer.
func (s *bptt) row(buf []float32, b, t, n int) []float32 {
	r := b*s.T + t
	return buf[r*n : (r+1)*n]
}

func (s *bptt) act(b, t int) []float32    { return s.row(s.acts, b, t, s.GH) }
func (s *bptt) dAct(b, t int) []float32   { return s.row(s.dA, b, t, s.GH) }
func (s *bptt) hidden(b, t int) []float32 { return s.row(s.out, b, t, s.H) }
func (s *bptt) cellGrad(b int) []float32  { return s.dc[b*s.H : (b+1)*s.H] }

// hiddenPrev returns hₜ₋₁ of sequence b, nil for zeros.
func (s *bptt) hiddenPrev(b, t int) []float32 { return s.prev(s.out, s.h0, b, t) }

// cellPrev returns cₜ₋₁ of sequence b, nil for zeros.
func (s *bptt) cellPrev(b, t int) []float32 { return s.prev(s.cs, s.c0, b, t) }

func (s *bptt) prev(states, initial []float32, b, t int) []float32 {
	if t > 0 {
		return s.row(states, b, t-1, s.H)
	}
	if initial != nil {
		return initial[b*s.H : (b+1)*s.H]
	}
	return nil
}

// recurrence runs cell over x ([B, T, In], or [B, In] as one step when seq is false) from h0 and
// c0 (nil means zeros) as one fused op, and returns views of its packed result: the outputs
// [B, T, H] (nil when seq is false), the last hidden state [B, H] and, for LSTM, the last cell
// state [B, H].
func recurrence(cell recCell, w *RecurrentWeights, x, h0, c0 *dl.Tensor, seq bool) (out, hT, cT *dl.Tensor) {
	sp := cell.spec()
	op := sp.name
	if !seq {
		op += "Cell"
	}
	G := sp.gates
	H := w.WeightHH.Dim(1)
	In := w.WeightIH.Dim(1)
	GH := G * H
	if w.WeightIH.Dims() != 2 || w.WeightIH.Dim(0) != GH || w.WeightHH.Dims() != 2 || w.WeightHH.Dim(0) != GH ||
		w.BiasIH.Dims() != 1 || w.BiasIH.Dim(0) != GH || w.BiasHH.Dims() != 1 || w.BiasHH.Dim(0) != GH {
		panic(&dl.ShapeError{Op: op, A: w.WeightIH.Shape(), B: w.WeightHH.Shape(), Msg: fmt.Sprintf("weights do not fit %d gates", G)})
	}
	var B, T int
	if seq {
		if x.Dims() != 3 || x.Dim(2) != In {
			panic(&dl.ShapeError{Op: op, A: x.Shape(), B: w.WeightIH.Shape(), Msg: fmt.Sprintf("want input [B T %d]", In)})
		}
		B, T = x.Dim(0), x.Dim(1)
	} else {
		if x.Dim(1) != In {
			panic(&dl.ShapeError{Op: op, A: x.Shape(), B: w.WeightIH.Shape(), Msg: fmt.Sprintf("want input [B %d]", In)})
		}
		B, T = x.Dim(0), 1
	}
	if T == 0 {
		panic(&dl.ShapeError{Op: op, A: x.Shape(), Msg: "empty sequence"})
	}
	for _, s := range []*dl.Tensor{h0, c0} {
		if s != nil && (s.Dims() != 2 || s.Dim(0) != B || s.Dim(1) != H) {
			panic(&dl.ShapeError{Op: op, A: s.Shape(), B: []int{B, H}, Msg: "state shape mismatch"})
		}
	}
	if !sp.cellState {
		c0 = nil
	}

	s := &bptt{cell: cell, spec: sp, B: B, T: T, In: In, H: H, GH: GH,
		x: x.Data(), wih: w.WeightIH.Data(), whh: w.WeightHH.Data(), bhh: w.BiasHH.Data()}
	inputs := []*dl.Tensor{x, w.WeightIH, w.WeightHH, w.BiasIH, w.BiasHH}
	ih0, ic0 := -1, -1
	if h0 != nil {
		s.h0 = h0.Data()
		ih0 = len(inputs)
		inputs = append(inputs, h0)
	}
	if c0 != nil {
		s.c0 = c0.Data()
		ic0 = len(inputs)
		inputs = append(inputs, c0)
	}

	// packed = [out (B·T·H) | hT (B·H) | cT (B·H, LSTM only)]
	BT, BH := B*T, B*H
	nPacked := BT*H + BH
	if sp.cellState {
		nPacked += BH
	}
	// Where no graph will be recorded, the forward pass's buffers are temporaries (bptt.pool);
	// they go back to the pool below only if p indeed recorded none.
	s.pool = !dl.RecordsGraph(inputs...)
	packed := make([]float32, nPacked)
	s.out = packed[:BT*H]
	s.forward(w.BiasIH.Data())
	for b := 0; b < B; b++ {
		copy(packed[BT*H+b*H:BT*H+(b+1)*H], s.hidden(b, T-1))
		if sp.cellState {
			copy(packed[BT*H+BH+b*H:BT*H+BH+(b+1)*H], s.row(s.cs, b, T-1, H))
		}
	}

	backward := func(g []float32, gs [][]float32) {
		var dh0, dc0 []float32
		if ih0 >= 0 {
			dh0 = gs[ih0]
		}
		if ic0 >= 0 {
			dc0 = gs[ic0]
		}
		s.backward(g, gs[0], gs[1], gs[2], gs[3], gs[4], dh0, dc0)
	}
	p := dl.Custom(op, packed, []int{nPacked}, backward, inputs...)
	if !p.RequiresGrad() { // no graph: backward never runs
		for _, b := range s.kept {
			par.PutScratch(b)
		}
	}
	s.kept = nil
	if seq {
		out = view(p, 0, B, T, H)
	}
	hT = view(p, BT*H, B, H)
	if sp.cellState {
		cT = view(p, BT*H+BH, B, H)
	}
	return out, hT, cT
}

// forward fills out (and the cell's buffers) for all steps.
func (s *bptt) forward(bih []float32) {
	B, T, In, H, GH := s.B, s.T, s.In, s.H, s.GH
	BT := B * T
	// acts: the input projection and both biases, except that a direct cell keeps b_hh on the
	// hidden side.
	bsum := append([]float32(nil), bih...)
	if !s.spec.direct {
		for j, v := range s.bhh {
			bsum[j] += v
		}
	}
	// The buffers backward reads (see keep; pooled ones have undefined contents: every row is
	// written before it is read).
	s.acts = s.keep(BT * GH)
	for r := 0; r < BT; r++ {
		copy(s.acts[r*GH:(r+1)*GH], bsum)
	}
	gemm.Sgemm(false, true, BT, GH, In, 1, s.x, In, s.wih, In, 1, s.acts, GH)
	if s.spec.cellState {
		s.cs, s.tanhC = s.keep(BT*H), s.keep(BT*H)
	}
	if s.spec.direct {
		s.hside = s.keep(BT * GH)
	}

	// Each step's h·W_hhᵀ is a GEMM of only B rows. When it is small (a char-level model's
	// 32×128 by 128×512, a few µs), the step is split by batch rows instead: each goroutine
	// multiplies its rows (with SgemmSerial) and applies the gates to them at once, one fork–join
	// per step instead of two and a parallel GEMM even where Sgemm would run it on one core.
	// Larger steps use Sgemm over all rows, which splits the columns across cores.
	s.fused = T > 1 && B*GH*H <= 4<<20
	s.hGemm = func(m int, h []float32, ldh int, c []float32, ldc int) {
		gemm.Sgemm(false, true, m, GH, H, 1, h, ldh, s.whh, H, 1, c, ldc)
	}
	if T > 1 {
		// Over a sequence, read W_hhᵀ [H, G·H], transposed once, so that each step's GEMM packs
		// it row by row (faster than packing W_hh transposed on every step).
		whhTBuf := par.GetScratch(H * GH)
		defer par.PutScratch(whhTBuf)
		whhT := *whhTBuf
		for i := 0; i < GH; i++ {
			for j := 0; j < H; j++ {
				whhT[j*GH+i] = s.whh[i*H+j]
			}
		}
		mm := gemm.Sgemm
		if s.fused {
			mm = gemm.SgemmSerial
		}
		s.hGemm = func(m int, h []float32, ldh int, c []float32, ldc int) {
			mm(false, false, m, GH, H, 1, h, ldh, whhT, GH, 1, c, ldc)
		}
	}
	// Rows per goroutine in the elementwise passes: at least 8192 gate values (some µs of work),
	// so that a small step (an RNN of 128 units over a batch of 32) is not split at a loss; fused
	// steps carry their GEMM too, and split at 2048.
	s.grain = max(1, 8192/GH)
	if s.fused {
		s.grain = max(1, 2048/GH)
	}
	for t := 0; t < T; t++ {
		if !s.fused {
			s.hiddenGemm(t, 0, B)
		}
		parFor(B, s.grain, func(lo, hi int) {
			if s.fused {
				s.hiddenGemm(t, lo, hi)
			}
			for b := lo; b < hi; b++ {
				s.cell.forward(s, b, t)
			}
		})
	}
	s.hGemm = nil // it may hold whhT, which goes back to the pool
}

// keep returns a buffer of n floats for the forward pass's values that backward reads: from the
// scratch pool, recorded in s.kept, if s.pool (contents undefined), else a new one.
func (s *bptt) keep(n int) []float32 {
	if !s.pool {
		return make([]float32, n)
	}
	p := par.GetScratch(n)
	s.kept = append(s.kept, p)
	return *p
}

// hiddenGemm adds the hidden side hₜ₋₁·W_hhᵀ (+ b_hh for a direct cell) of step t for batch rows
// [lo, hi).
func (s *bptt) hiddenGemm(t, lo, hi int) {
	T, H, GH := s.T, s.H, s.GH
	hp, ldh := s.h0, H
	if t > 0 {
		hp, ldh = s.out[(t-1)*H:], T*H
	}
	dst := s.acts
	if s.spec.direct {
		dst = s.hside
		for b := lo; b < hi; b++ {
			copy(s.row(dst, b, t, GH), s.bhh)
		}
	}
	if hp != nil {
		s.hGemm(hi-lo, hp[lo*ldh:], ldh, dst[(lo*T+t)*GH:], T*GH)
	}
}

// backward adds the gradients of the inputs (nil where not wanted) for the packed result's
// gradient g: x, W_ih, W_hh, b_ih, b_hh and the initial states.
func (s *bptt) backward(g, dx, dwih, dwhh, dbih, dbhh, dh0, dc0 []float32) {
	B, T, H, GH := s.B, s.T, s.H, s.GH
	BT, BH := B*T, B*H
	gout := g[:BT*H]
	// The gradient buffers live for this call only: they come from the scratch pool (contents
	// undefined; each is overwritten in full before it is read) and go back to it at the end.
	// A second Backward over the same graph takes fresh ones.
	var bufs []*[]float32
	scratch := func(n int) []float32 {
		p := par.GetScratch(n)
		bufs = append(bufs, p)
		return *p
	}
	defer func() {
		s.dh, s.dc, s.dA, s.dAh = nil, nil, nil, nil
		for _, p := range bufs {
			par.PutScratch(p)
		}
	}()
	s.dh = scratch(BH)
	copy(s.dh, g[BT*H:BT*H+BH])
	if s.spec.cellState {
		s.dc = scratch(BH)
		copy(s.dc, g[BT*H+BH:])
	}
	s.dA = scratch(BT * GH) // every row is set by the cell's backward
	dAhh := s.dA            // the hidden side's pre-activation gradients
	if s.spec.direct {
		s.dAh = scratch(BT * GH)
		dAhh = s.dAh
	}
	needH0 := dh0 != nil
	// dhGemm sets dh ← dAₜ·W_hh (plus the direct path a direct cell left in dh) for batch rows
	// [lo, hi): the gradient of hₜ₋₁.
	dhGemm := func(t, lo, hi int, mm func(bool, bool, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int)) {
		if t > 0 || needH0 {
			beta := float32(0)
			if s.spec.direct {
				beta = 1
			}
			mm(false, false, hi-lo, H, GH, 1, dAhh[(lo*T+t)*GH:], T*GH, s.whh, H, beta, s.dh[lo*H:], H)
		}
	}
	for t := T - 1; t >= 0; t-- {
		parFor(B, s.grain, func(lo, hi int) {
			for b := lo; b < hi; b++ {
				dh := s.dh[b*H : (b+1)*H]
				for j, v := range s.row(gout, b, t, H) {
					dh[j] += v
				}
				s.cell.backward(s, b, t, dh)
			}
			if s.fused {
				dhGemm(t, lo, hi, gemm.SgemmSerial)
			}
		})
		if !s.fused {
			dhGemm(t, 0, B, gemm.Sgemm)
		}
	}
	if needH0 {
		vec.Axpy(dh0, s.dh, 1)
	}
	if dc0 != nil {
		vec.Axpy(dc0, s.dc, 1)
	}
	s.weightGrads(dx, dwih, dwhh, dbih, dbhh, scratch)
}

// weightGrads adds the gradients of x, the weights and the biases from the pre-activation
// gradients of all steps, one GEMM each. Its temporaries come from scratch (contents undefined).
func (s *bptt) weightGrads(dx, dwih, dwhh, dbih, dbhh []float32, scratch func(n int) []float32) {
	B, T, In, H, GH := s.B, s.T, s.In, s.H, s.GH
	BT := B * T
	dAhh := s.dA
	if s.spec.direct {
		dAhh = s.dAh
	}
	needWhh := dwhh != nil && (T > 1 || s.h0 != nil)
	// hprev: row b·T+t holds hₜ₋₁ of sequence b (h0, or zeros, for t = 0). Where the input and
	// hidden sides share dA, the rows are [xₜ | hₜ₋₁] so that dW_ih and dW_hh come from one GEMM
	// dAᵀ·[X | Hprev], which transposes and packs dA once instead of twice. That pays when there
	// are more rows (B·T) than columns (In + H) to add back from the joint result, as over a
	// sequence, not for one cell step.
	joint := !s.spec.direct && needWhh && dwih != nil && BT > In+H
	if needWhh {
		w, off := H, 0
		if joint {
			w, off = In+H, In
		}
		hprev := scratch(BT * w)
		for b := 0; b < B; b++ {
			for t := 0; t < T; t++ {
				row := s.row(hprev, b, t, w)
				if joint {
					copy(row, s.row(s.x, b, t, In))
				}
				if hp := s.hiddenPrev(b, t); hp != nil {
					copy(row[off:], hp)
				} else {
					clear(row[off:])
				}
			}
		}
		if joint {
			dw := scratch(GH * w) // beta 0: not read
			gemm.Sgemm(true, false, GH, w, BT, 1, s.dA, GH, hprev, w, 0, dw, w)
			for i := 0; i < GH; i++ {
				row := dw[i*w : (i+1)*w]
				gi, gh := dwih[i*In:(i+1)*In], dwhh[i*H:(i+1)*H]
				for j, v := range row[:In] {
					gi[j] += v
				}
				for j, v := range row[In:] {
					gh[j] += v
				}
			}
		} else {
			// dW_hh += Σₜ dAₜᵀ·hₜ₋₁, one GEMM over all steps.
			gemm.Sgemm(true, false, GH, H, BT, 1, dAhh, GH, hprev, H, 1, dwhh, H)
		}
	}
	if dwih != nil && !joint {
		gemm.Sgemm(true, false, GH, In, BT, 1, s.dA, GH, s.x, In, 1, dwih, In)
	}
	if dx != nil {
		gemm.Sgemm(false, false, BT, In, GH, 1, s.dA, GH, s.wih, In, 1, dx, In)
	}
	switch {
	case dbih != nil && dbhh != nil && !s.spec.direct:
		// The two biases get the same gradient: sum the columns once.
		db := scratch(GH)
		clear(db)
		colSums(db, s.dA, BT, GH)
		vec.Axpy(dbih, db, 1)
		vec.Axpy(dbhh, db, 1)
	default:
		if dbih != nil {
			colSums(dbih, s.dA, BT, GH)
		}
		if dbhh != nil {
			colSums(dbhh, dAhh, BT, GH)
		}
	}
}
