//go:build amd64 && !purego

#include "textflag.h"

// func transpose8AVX2(d *float32, ldd int, src *float32, lds int, kb int)
// For an 8-row group of src (rows lds floats apart) and kb blocks of 8 columns, writes
// d[p·ldd + r] = src[r·lds + p] for r < 8, p < 8·kb: each 8×8 block is transposed in registers.
TEXT ·transpose8AVX2(SB), NOSPLIT, $0-40
	MOVQ d+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $2, R8          // ldd in bytes
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9          // lds in bytes
	MOVQ kb+32(FP), CX
	TESTQ CX, CX
	JZ done
	LEAQ (R9)(R9*2), R10 // 3·lds
	LEAQ (R8)(R8*2), R11 // 3·ldd
loop:
	MOVQ SI, AX
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R9*1), Y1
	VMOVUPS (AX)(R9*2), Y2
	VMOVUPS (AX)(R10*1), Y3
	LEAQ (AX)(R9*4), AX
	VMOVUPS (AX), Y4
	VMOVUPS (AX)(R9*1), Y5
	VMOVUPS (AX)(R9*2), Y6
	VMOVUPS (AX)(R10*1), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	MOVQ DI, BX
	VMOVUPS Y8, (BX)
	VMOVUPS Y9, (BX)(R8*1)
	VMOVUPS Y10, (BX)(R8*2)
	VMOVUPS Y11, (BX)(R11*1)
	LEAQ (BX)(R8*4), BX
	VMOVUPS Y12, (BX)
	VMOVUPS Y13, (BX)(R8*1)
	VMOVUPS Y14, (BX)(R8*2)
	VMOVUPS Y15, (BX)(R11*1)

	ADDQ $32, SI         // next 8 columns of src
	LEAQ (DI)(R8*8), DI  // next 8 rows of d
	DECQ CX
	JNZ loop
done:
	VZEROUPPER
	RET

// func transpose4AVX2(d *float32, src *float32, lds int, kb int)
// For a 4-row group of src (rows lds floats apart) and kb blocks of 8 columns, writes
// d[4·p + r] = src[r·lds + p] for r < 4, p < 8·kb (a packed micro-panel 4 wide, which is
// contiguous): each 4×8 block is transposed in registers and stored as 128 bytes.
TEXT ·transpose4AVX2(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R9
	SHLQ $2, R9          // lds in bytes
	MOVQ kb+24(FP), CX
	TESTQ CX, CX
	JZ done4
	LEAQ (R9)(R9*2), R10 // 3·lds
loop4:
	// The same columns of the next four rows, which packA transposes next: A's rows are a
	// stride apart and each call reads only kc of each, too little for the hardware
	// prefetchers to follow. AVX2, one thread, 512×169×2304 96.4 → 101.7 GFLOP/s (Zen 4);
	// the AVX-512 kernels' transpose8AVX2 gained nothing from it.
	LEAQ (SI)(R9*4), R11
	PREFETCHT0 (R11)
	PREFETCHT0 (R11)(R9*1)
	PREFETCHT0 (R11)(R9*2)
	PREFETCHT0 (R11)(R10*1)
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R9*1), Y1
	VMOVUPS (SI)(R9*2), Y2
	VMOVUPS (SI)(R10*1), Y3

	// Y4 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], and so on.
	VUNPCKLPS Y1, Y0, Y4
	VUNPCKHPS Y1, Y0, Y5
	VUNPCKLPS Y3, Y2, Y6
	VUNPCKHPS Y3, Y2, Y7

	// Y0 = column 0 | column 4, Y1 = 1 | 5, Y2 = 2 | 6, Y3 = 3 | 7 (4 rows each).
	VSHUFPS $0x44, Y6, Y4, Y0
	VSHUFPS $0xEE, Y6, Y4, Y1
	VSHUFPS $0x44, Y7, Y5, Y2
	VSHUFPS $0xEE, Y7, Y5, Y3

	VPERM2F128 $0x20, Y1, Y0, Y4 // columns 0, 1
	VPERM2F128 $0x20, Y3, Y2, Y5 // 2, 3
	VPERM2F128 $0x31, Y1, Y0, Y6 // 4, 5
	VPERM2F128 $0x31, Y3, Y2, Y7 // 6, 7

	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	VMOVUPS Y6, 64(DI)
	VMOVUPS Y7, 96(DI)

	ADDQ $32, SI  // next 8 columns of src
	ADDQ $128, DI // next 8 rows of d
	DECQ CX
	JNZ loop4
done4:
	VZEROUPPER
	RET
