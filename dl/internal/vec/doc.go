// Package vec holds the float32 numeric kernels of dl and its subpackages: the vector kernels
// the recurrent and attention layers run in their inner loops (Axpy, Dot, Add, TanhBack) and
// the optimizers' per-parameter updates (AdamUpdate, MomentumUpdate), in AVX2 assembly on
// amd64, chosen at run time from the CPU's features, and in portable Go loops elsewhere (or
// with the purego build tag), as gonum's internal/asm/f32 does; and the exp polynomial that
// dl's and dl/nn's exp functions share (ExpReduced). The tests check the AVX2 path against the
// portable one.
package vec
