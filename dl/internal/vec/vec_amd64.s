//go:build amd64 && !purego

#include "textflag.h"

// func axpyAVX2(dst, x *float32, n int, a float32)
// dst[i] += a·x[i] for i < n, n a multiple of 8.
TEXT ·axpyAVX2(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS a+24(FP), Y0
	SHRQ $3, CX
	JZ axpydone
axpyloop:
	VMOVUPS (SI), Y1
	VFMADD213PS (DI), Y0, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ axpyloop
axpydone:
	VZEROUPPER
	RET

// HSUM_Y0 adds the eight lanes of Y0 into X0's lowest (using X1).
#define HSUM_Y0 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VMOVHLPS X0, X1, X1; \
	VADDPS X1, X0, X0; \
	VMOVSHDUP X0, X1; \
	VADDSS X1, X0, X0

// func dotAVX2(x, y *float32, n int) float32
// Σ x[i]·y[i] for i < n, n a multiple of 8.
TEXT ·dotAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ dotdone
dotloop:
	VMOVUPS (SI), Y1
	VFMADD231PS (DI), Y1, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ dotloop
dotdone:
	HSUM_Y0
	MOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func addAVX2(dst, x, y *float32, n int)
// dst[i] = x[i] + y[i] for i < n, n a multiple of 8.
TEXT ·addAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JZ adddone
addloop:
	VMOVUPS (SI), Y1
	VADDPS (DX), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ addloop
adddone:
	VZEROUPPER
	RET

// func tanhBackAVX2(dp, dq, t, v *float32, n int, s float32)
// d = s·v[i]·(1 − t[i]²); dp[i] += d; dq[i] += d (dq may be nil: then only dp), n a multiple of 8.
TEXT ·tanhBackAVX2(SB), NOSPLIT, $0-44
	MOVQ dp+0(FP), DI
	MOVQ dq+8(FP), DX
	MOVQ t+16(FP), SI
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSS s+40(FP), Y0
	VPCMPEQD Y7, Y7, Y7
	VPSRLD $25, Y7, Y7
	VPSLLD $23, Y7, Y7 // 1.0 in every lane
	SHRQ $3, CX
	JZ tbdone
	TESTQ DX, DX
	JZ tbloop1
tbloop2:
	VMOVUPS (SI), Y1
	VMOVAPS Y7, Y2
	VFNMADD231PS Y1, Y1, Y2
	VMULPS (R8), Y0, Y3
	VMULPS Y3, Y2, Y2
	VADDPS (DI), Y2, Y4
	VMOVUPS Y4, (DI)
	VADDPS (DX), Y2, Y5
	VMOVUPS Y5, (DX)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ tbloop2
	JMP tbdone
tbloop1:
	VMOVUPS (SI), Y1
	VMOVAPS Y7, Y2
	VFNMADD231PS Y1, Y1, Y2
	VMULPS (R8), Y0, Y3
	VMULPS Y3, Y2, Y2
	VADDPS (DI), Y2, Y4
	VMOVUPS Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, DI
	DECQ CX
	JNZ tbloop1
tbdone:
	VZEROUPPER
	RET

// func reluBackAVX2(gx, grad, x *float32, n int)
// gx[i] += grad[i] where x[i] > 0 (ordered: not for NaN), n a multiple of 8.
TEXT ·reluBackAVX2(SB), NOSPLIT, $0-32
	MOVQ gx+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ n+24(FP), CX
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ rbdone
rbloop:
	VMOVUPS (DX), Y2
	VCMPPS $0x1e, Y0, Y2, Y1 // x > 0 (GT_OQ)
	VANDPS (SI), Y1, Y1
	VADDPS (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ rbloop
rbdone:
	VZEROUPPER
	RET

// func sumAVX2(x *float32, n int) float32
// Σ x[i] for i < n, n a multiple of 8: four accumulators over 32 floats at a time, then one.
TEXT ·sumAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ CX, DX
	SHRQ $5, DX
	JZ sum8
sum32loop:
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	ADDQ $128, SI
	DECQ DX
	JNZ sum32loop
sum8:
	ANDQ $31, CX
	SHRQ $3, CX
	JZ sumdone
sum8loop:
	VADDPS (SI), Y0, Y0
	ADDQ $32, SI
	DECQ CX
	JNZ sum8loop
sumdone:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM_Y0
	MOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func reluAVX2(dst, x *float32, n int)
// dst[i] = max(x[i], 0) with Go's max semantics, n a multiple of 8: VMAXPS returns its second
// source (x) when either is NaN or both are zeros, and adding +0 turns −0 into +0.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	SHRQ $3, CX
	JZ reludone
reluloop:
	VMOVUPS (SI), Y1
	VMAXPS Y1, Y0, Y1
	VADDPS Y0, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ reluloop
reludone:
	VZEROUPPER
	RET
