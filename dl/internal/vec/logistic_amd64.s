//go:build amd64 && !purego

#include "textflag.h"

DATA expPoly0<>+0(SB)/4, $0x39506967
DATA expPoly0<>+4(SB)/4, $0x39506967
DATA expPoly0<>+8(SB)/4, $0x39506967
DATA expPoly0<>+12(SB)/4, $0x39506967
DATA expPoly0<>+16(SB)/4, $0x39506967
DATA expPoly0<>+20(SB)/4, $0x39506967
DATA expPoly0<>+24(SB)/4, $0x39506967
DATA expPoly0<>+28(SB)/4, $0x39506967
GLOBL expPoly0<>(SB), RODATA|NOPTR, $32

DATA expPoly1<>+0(SB)/4, $0x3ab743ce
DATA expPoly1<>+4(SB)/4, $0x3ab743ce
DATA expPoly1<>+8(SB)/4, $0x3ab743ce
DATA expPoly1<>+12(SB)/4, $0x3ab743ce
DATA expPoly1<>+16(SB)/4, $0x3ab743ce
DATA expPoly1<>+20(SB)/4, $0x3ab743ce
DATA expPoly1<>+24(SB)/4, $0x3ab743ce
DATA expPoly1<>+28(SB)/4, $0x3ab743ce
GLOBL expPoly1<>(SB), RODATA|NOPTR, $32

DATA expPoly2<>+0(SB)/4, $0x3c088908
DATA expPoly2<>+4(SB)/4, $0x3c088908
DATA expPoly2<>+8(SB)/4, $0x3c088908
DATA expPoly2<>+12(SB)/4, $0x3c088908
DATA expPoly2<>+16(SB)/4, $0x3c088908
DATA expPoly2<>+20(SB)/4, $0x3c088908
DATA expPoly2<>+24(SB)/4, $0x3c088908
DATA expPoly2<>+28(SB)/4, $0x3c088908
GLOBL expPoly2<>(SB), RODATA|NOPTR, $32

DATA expPoly3<>+0(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+4(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+8(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+12(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+16(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+20(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+24(SB)/4, $0x3d2aa9c1
DATA expPoly3<>+28(SB)/4, $0x3d2aa9c1
GLOBL expPoly3<>(SB), RODATA|NOPTR, $32

DATA expPoly4<>+0(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+4(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+8(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+12(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+16(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+20(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+24(SB)/4, $0x3e2aaaaa
DATA expPoly4<>+28(SB)/4, $0x3e2aaaaa
GLOBL expPoly4<>(SB), RODATA|NOPTR, $32

DATA expPoly5<>+0(SB)/4, $0x3f000000
DATA expPoly5<>+4(SB)/4, $0x3f000000
DATA expPoly5<>+8(SB)/4, $0x3f000000
DATA expPoly5<>+12(SB)/4, $0x3f000000
DATA expPoly5<>+16(SB)/4, $0x3f000000
DATA expPoly5<>+20(SB)/4, $0x3f000000
DATA expPoly5<>+24(SB)/4, $0x3f000000
DATA expPoly5<>+28(SB)/4, $0x3f000000
GLOBL expPoly5<>(SB), RODATA|NOPTR, $32

DATA expBias<>+0(SB)/4, $127
DATA expBias<>+4(SB)/4, $127
DATA expBias<>+8(SB)/4, $127
DATA expBias<>+12(SB)/4, $127
DATA expBias<>+16(SB)/4, $127
DATA expBias<>+20(SB)/4, $127
DATA expBias<>+24(SB)/4, $127
DATA expBias<>+28(SB)/4, $127
GLOBL expBias<>(SB), RODATA|NOPTR, $32

#define BCAST(c, X, Y) MOVL c, AX; VMOVD AX, X; VPBROADCASTD X, Y

// func logisticAVX2(dst, src *float32, n int, ns, a, b float32)
// dst[i] = a/(1 + exp(ns·src[i])) + b for i < n, n a multiple of 8.
TEXT ·logisticAVX2(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS ns+24(FP), Y15
	VBROADCASTSS a+28(FP), Y8
	VBROADCASTSS b+32(FP), Y7
	BCAST($0x42b00000, X14, Y14) // 88
	BCAST($0xc2ae0000, X13, Y13) // -87
	BCAST($0x3fb8aa3b, X12, Y12) // log2(e)
	BCAST($0x3f318000, X11, Y11) // C1
	BCAST($0xb95e8083, X10, Y10) // C2
	BCAST($0x3f800000, X9, Y9)   // 1
	TESTQ CX, CX
	JZ done

loop:
	VMULPS (SI), Y15, Y0          // x = ns·src
	VMINPS Y14, Y0, Y0
	VMAXPS Y13, Y0, Y0
	VMULPS Y12, Y0, Y1            // x·log2(e)
	VROUNDPS $0, Y1, Y1           // n = round(x·log2(e))
	VFNMADD231PS Y11, Y1, Y0      // r = x − n·C1
	VFNMADD231PS Y10, Y1, Y0      // r −= n·C2
	VMOVUPS expPoly0<>(SB), Y2
	VFMADD213PS expPoly1<>(SB), Y0, Y2
	VFMADD213PS expPoly2<>(SB), Y0, Y2
	VFMADD213PS expPoly3<>(SB), Y0, Y2
	VFMADD213PS expPoly4<>(SB), Y0, Y2
	VFMADD213PS expPoly5<>(SB), Y0, Y2
	VMULPS Y0, Y0, Y3             // r²
	VFMADD213PS Y0, Y3, Y2        // p·r² + r
	VADDPS Y9, Y2, Y2             // + 1
	VCVTPS2DQ Y1, Y1
	VPADDD expBias<>(SB), Y1, Y1
	VPSLLD $23, Y1, Y1            // 2ⁿ
	VMULPS Y1, Y2, Y2             // eˣ
	VADDPS Y9, Y2, Y2             // 1 + eˣ
	VDIVPS Y2, Y8, Y2             // a/(1 + eˣ)
	VADDPS Y7, Y2, Y2             // + b
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ loop

done:
	VZEROUPPER
	RET

// func expShiftAVX2(dst, src *float32, n int, shift float32)
// dst[i] = exp(src[i] − shift) for i < n, n a multiple of 8.
TEXT ·expShiftAVX2(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	BCAST($0x42b00000, X14, Y14) // 88
	BCAST($0xc2ae0000, X13, Y13) // -87
	BCAST($0x3fb8aa3b, X12, Y12) // log2(e)
	BCAST($0x3f318000, X11, Y11) // C1
	BCAST($0xb95e8083, X10, Y10) // C2
	BCAST($0x3f800000, X9, Y9)   // 1
	TESTQ CX, CX
	JZ edone

eloop:
	VMOVUPS (SI), Y0
	VSUBPS Y15, Y0, Y0            // x = src − shift
	VMINPS Y14, Y0, Y0
	VMAXPS Y13, Y0, Y0
	VMULPS Y12, Y0, Y1
	VROUNDPS $0, Y1, Y1
	VFNMADD231PS Y11, Y1, Y0
	VFNMADD231PS Y10, Y1, Y0
	VMOVUPS expPoly0<>(SB), Y2
	VFMADD213PS expPoly1<>(SB), Y0, Y2
	VFMADD213PS expPoly2<>(SB), Y0, Y2
	VFMADD213PS expPoly3<>(SB), Y0, Y2
	VFMADD213PS expPoly4<>(SB), Y0, Y2
	VFMADD213PS expPoly5<>(SB), Y0, Y2
	VMULPS Y0, Y0, Y3
	VFMADD213PS Y0, Y3, Y2
	VADDPS Y9, Y2, Y2
	VCVTPS2DQ Y1, Y1
	VPADDD expBias<>(SB), Y1, Y1
	VPSLLD $23, Y1, Y1
	VMULPS Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ eloop

edone:
	VZEROUPPER
	RET
