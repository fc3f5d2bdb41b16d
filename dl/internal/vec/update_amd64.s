//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(w, grad, m, v *float32, n int, b1, b2, step, eps float32)
// For i < n (a multiple of 8): m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²;
// w −= step·m/(√v + eps).
TEXT ·adamAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSS b1+40(FP), Y0
	VBROADCASTSS b2+44(FP), Y1
	VBROADCASTSS step+48(FP), Y2
	VBROADCASTSS eps+52(FP), Y3
	VPCMPEQD Y4, Y4, Y4
	VPSRLD $25, Y4, Y4
	VPSLLD $23, Y4, Y4 // 1.0
	VSUBPS Y0, Y4, Y5  // 1−b1
	VSUBPS Y1, Y4, Y6  // 1−b2
	SHRQ $3, CX
	JZ done
loop:
	VMOVUPS (SI), Y7           // g
	VMULPS Y7, Y5, Y8          // (1−b1)·g
	VFMADD231PS (DX), Y0, Y8   // + b1·m
	VMOVUPS Y8, (DX)
	VMULPS Y7, Y7, Y9          // g²
	VMULPS Y9, Y6, Y9          // (1−b2)·g²
	VFMADD231PS (R8), Y1, Y9   // + b2·v
	VMOVUPS Y9, (R8)
	VSQRTPS Y9, Y9
	VADDPS Y3, Y9, Y9          // √v + eps
	VMULPS Y2, Y8, Y8          // step·m
	VDIVPS Y9, Y8, Y8
	VMOVUPS (DI), Y10
	VSUBPS Y8, Y10, Y10
	VMOVUPS Y10, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	DECQ CX
	JNZ loop
done:
	VZEROUPPER
	RET

// func momentumAVX2(w, grad, v *float32, n int, mu, lr float32)
// For i < n (a multiple of 8): v = mu·v + g; w −= lr·v.
TEXT ·momentumAVX2(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ v+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS mu+32(FP), Y0
	VBROADCASTSS lr+36(FP), Y1
	SHRQ $3, CX
	JZ mdone
mloop:
	VMOVUPS (SI), Y2
	VFMADD231PS (DX), Y0, Y2 // g + mu·v
	VMOVUPS Y2, (DX)
	VMOVUPS (DI), Y3
	VFNMADD231PS Y2, Y1, Y3  // w − lr·v
	VMOVUPS Y3, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	DECQ CX
	JNZ mloop
mdone:
	VZEROUPPER
	RET
