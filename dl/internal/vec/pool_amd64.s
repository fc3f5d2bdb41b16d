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

DATA pairIdx<>+0(SB)/4, $0
DATA pairIdx<>+4(SB)/4, $2
DATA pairIdx<>+8(SB)/4, $4
DATA pairIdx<>+12(SB)/4, $6
DATA pairIdx<>+16(SB)/4, $8
DATA pairIdx<>+20(SB)/4, $10
DATA pairIdx<>+24(SB)/4, $12
DATA pairIdx<>+28(SB)/4, $14
GLOBL pairIdx<>(SB), RODATA|NOPTR, $32

// func maxPairsArgAVX2(dst *float32, arg *int32, r0, r1 *float32, n int, base, w int32)
// MaxPairsArg for n a multiple of 8.
TEXT ·maxPairsArgAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ arg+8(FP), R8
	MOVQ r0+16(FP), SI
	MOVQ r1+24(FP), DX
	MOVQ n+32(FP), CX
	MOVL base+40(FP), AX
	MOVD AX, X10
	VPBROADCASTD X10, Y10           // index of this block's first pair: base + 2j
	VPADDD pairIdx<>(SB), Y10, Y10
	MOVL w+44(FP), AX
	MOVD AX, X11
	VPBROADCASTD X11, Y11           // w
	MOVL $1, AX
	MOVD AX, X12
	VPBROADCASTD X12, Y12           // 1
	MOVL $16, AX
	MOVD AX, X13
	VPBROADCASTD X13, Y13           // 16: the index step per block
	SHRQ $3, CX
	JZ mpadone
mpaloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS (DX), Y2
	VMOVUPS 32(DX), Y3
	// Evens and odds of each row, in order (the shuffles work per 128-bit lane).
	VSHUFPS $0x88, Y1, Y0, Y4       // p0
	VSHUFPS $0xDD, Y1, Y0, Y5       // p1
	VSHUFPS $0x88, Y3, Y2, Y6       // q0
	VSHUFPS $0xDD, Y3, Y2, Y7       // q1
	VPERMPD $0xD8, Y4, Y4
	VPERMPD $0xD8, Y5, Y5
	VPERMPD $0xD8, Y6, Y6
	VPERMPD $0xD8, Y7, Y7
	VCMPPS $0x1E, Y4, Y5, Y8        // i0 = p1 > p0
	VBLENDVPS Y8, Y5, Y4, Y4        // m0 = i0 ? p1 : p0
	VCMPPS $0x1E, Y6, Y7, Y9        // i1 = q1 > q0
	VBLENDVPS Y9, Y7, Y6, Y6        // m1 = i1 ? q1 : q0
	VCMPPS $0x1E, Y4, Y6, Y0        // row = m1 > m0
	VBLENDVPS Y0, Y6, Y4, Y4        // max
	VBLENDVPS Y0, Y9, Y8, Y8        // col = row ? i1 : i0
	VPAND Y12, Y8, Y8               // col as 0 or 1
	VPAND Y11, Y0, Y0               // row·w
	VPADDD Y10, Y8, Y8
	VPADDD Y0, Y8, Y8
	VMOVUPS Y4, (DI)
	VMOVDQU Y8, (R8)
	VPADDD Y13, Y10, Y10
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $32, DI
	ADDQ $32, R8
	DECQ CX
	JNZ mpaloop
mpadone:
	VZEROUPPER
	RET
