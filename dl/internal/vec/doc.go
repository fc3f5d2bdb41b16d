// Package vec holds the float32 vector kernels dl/nn's recurrent and attention layers run in
// their inner loops (Axpy, Dot, Add, TanhBack): AVX2 assembly on amd64, chosen at run time
// from the CPU's features, and portable Go loops elsewhere (or with the purego build tag), as
// gonum's internal/asm/f32 does. The tests check the AVX2 path against the portable one.
package vec
