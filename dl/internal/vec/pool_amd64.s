//go:build amd64 && !purego

#include "textflag.h"

// func maxPairsAVX2(dst, r0, r1 *float32, n int)
// dst[j] = max(r0[2j], r0[2j+1], r1[2j], r1[2j+1]) for j < n, n a multiple of 8.
TEXT ·maxPairsAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ r0+8(FP), SI
	MOVQ r1+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JZ mpdone
mploop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMAXPS (DX), Y0, Y0
	VMAXPS 32(DX), Y1, Y1
	// Y2 = evens, Y3 = odds, per 128-bit lane: [a0 a2 b0 b2 | a4 a6 b4 b6].
	VSHUFPS $0x88, Y1, Y0, Y2
	VSHUFPS $0xDD, Y1, Y0, Y3
	VMAXPS Y3, Y2, Y2
	// Quadwords (p0 p1)(p4 p5)(p2 p3)(p6 p7) → in order.
	VPERMPD $0xD8, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $32, DI
	DECQ CX
	JNZ mploop
mpdone:
	VZEROUPPER
	RET

// func biasLeakyAVX2(x *float32, n int, b, slope float32)
// x[i] = max(x[i]+b, slope·(x[i]+b)) for i < n, n a multiple of 8.
TEXT ·biasLeakyAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS b+16(FP), Y0
	VBROADCASTSS slope+20(FP), Y1
	SHRQ $3, CX
	JZ bldone
blloop:
	VADDPS (DI), Y0, Y2
	VMULPS Y1, Y2, Y3
	VMAXPS Y3, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ blloop
bldone:
	VZEROUPPER
	RET
