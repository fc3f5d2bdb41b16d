//go:build amd64 && !purego

#include "textflag.h"

// Both kernels write the im2col matrix of a stride-1 convolution (see Im2colS1) in one call:
// for each channel, tap row u and tap column v, the tap's nr output rows of ow floats, one
// after the other at dst. Output rows [a, b) of tap row u read image rows, the others are zero
// (a and b depend on u alone); the columns of a row that read the image depend on v alone, so
// the Go side lists, per tap column, each block of 16 (AVX-512) or 8 (AVX2) output columns:
// which lanes load (AVX-512) or how to move the nearest image columns into place (AVX2). Each
// block is then copied straight from the image down the rows [a, b), with no padded copy of
// the image and no edge tests in the loops.
//
// Registers: DI dst, R8 the channel's plane, R13 w·4, R14 ow·4, R15 image row t + a, with
// t = ytop + u·d the image row that output row 0 of tap row u reads; R12 (AVX-512) xoff =
// v·d − p, the image column that output column 0 reads. Locals: 0(SP) tap rows left, 8(SP)
// a·ow, 16(SP) (nr − b)·ow, 24(SP) b − a, 32(SP) tap columns left, 40(SP) the tap column's
// blocks in tab, 48(SP) channels left, 56(SP) t, 64(SP) (b − a)·ow·4.

// ROWSPAN sets the locals of tap row u from t = 56(SP), and R15.
#define ROWSPAN \
	MOVQ 56(SP), R10; \
	MOVQ nr+96(FP), DX; \
	XORL AX, AX; \
	SUBQ R10, AX; \
	XORL BX, BX; \
	CMPQ AX, BX; \
	CMOVQLT BX, AX; \
	CMPQ AX, DX; \
	CMOVQGT DX, AX; \
	MOVQ h+40(FP), BX; \
	SUBQ R10, BX; \
	CMPQ BX, DX; \
	CMOVQGT DX, BX; \
	CMPQ BX, AX; \
	CMOVQLT AX, BX; \
	MOVQ ow+104(FP), R11; \
	SUBQ BX, DX; \
	IMULQ R11, DX; \
	MOVQ DX, 16(SP); \
	SUBQ AX, BX; \
	MOVQ BX, 24(SP); \
	IMULQ R14, BX; \
	MOVQ BX, 64(SP); \
	MOVQ AX, CX; \
	IMULQ R11, CX; \
	MOVQ CX, 8(SP); \
	ADDQ R10, AX; \
	IMULQ R13, AX; \
	LEAQ (R8)(AX*1), R15

// PROLOGUE loads the registers and locals that stay for the whole call.
#define PROLOGUE \
	MOVQ dst+0(FP), DI; \
	MOVQ src+8(FP), R8; \
	MOVQ w+48(FP), R13; \
	SHLQ $2, R13; \
	MOVQ ow+104(FP), R14; \
	SHLQ $2, R14; \
	MOVQ c+24(FP), AX; \
	MOVQ AX, 48(SP)

// NEXTCHANNEL starts a channel: t = ytop, all tap rows left.
#define NEXTCHANNEL \
	MOVQ ytop+88(FP), AX; \
	MOVQ AX, 56(SP); \
	MOVQ kh+56(FP), AX; \
	MOVQ AX, 0(SP)

// NEXTTAPROW starts the tap columns of a tap row.
#define NEXTTAPROW \
	MOVQ kw+64(FP), AX; \
	MOVQ AX, 32(SP); \
	MOVQ tab+16(FP), AX; \
	MOVQ AX, 40(SP)

// ENDTAPROW steps t and the plane: it jumps to u while tap rows are left, to c while channels are.
#define ENDTAPROW(u, c) \
	MOVQ d+72(FP), AX; \
	ADDQ AX, 56(SP); \
	DECQ 0(SP); \
	JNZ u; \
	MOVQ hw+32(FP), AX; \
	LEAQ (R8)(AX*4), R8; \
	DECQ 48(SP); \
	JNZ c

// func im2colS1AVX512(dst, src *float32, tab *uint32, c, hw, h, w, kh, kw, d, p, ytop, nr, ow, nb int)
// c, kh, kw, nr, ow ≥ 1; nb = ⌈ow/16⌉ blocks per row. tab[v·nb + k] holds block k's load mask
// for tap column v in its low 16 bits (the lanes that read the image) and its store mask in
// its high 16 (the lanes inside the row). Tap by tap: zeros for the rows [0, a), then the
// rows [a, b), row by row for two blocks (the cnn's 28 columns), block by block down the rows
// otherwise, then zeros for [b, nr). Each block of 16 is loaded as two masked 256-bit halves
// (K5, K6: the upper bytes of the load masks) and stored as one 512-bit vector: a 512-bit load
// that crosses a cache line, as most do here, cost more than the two halves on a Zen 4
// (BenchmarkIm2col, cnn2: 5.5 → 4.9 µs). Going over the rows of one tap row and then over
// the tap columns, or over the tap columns inside the rows (five output streams), was slower.
TEXT ·im2colS1AVX512(SB), NOSPLIT, $72-120
	PROLOGUE
	VPXORD Z7, Z7, Z7

chan512:
	NEXTCHANNEL

u512:
	ROWSPAN
	NEXTTAPROW
	MOVQ p+80(FP), R12
	NEGQ R12

v512:
	// Rows [0, a): zeros.
	MOVQ 8(SP), CX

ztop512:
	CMPQ CX, $16
	JLT ztopt512
	VMOVUPS Z7, (DI)
	ADDQ $64, DI
	SUBQ $16, CX
	JMP ztop512

ztopt512:
	TESTQ CX, CX
	JZ ztopd512
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3
	VMOVUPS Z7, K3, (DI)
	LEAQ (DI)(CX*4), DI

ztopd512:
	// Rows [a, b), block by block.
	CMPQ 24(SP), $0
	JEQ bot512
	MOVQ 40(SP), DX
	MOVQ nb+112(FP), R11
	CMPQ R11, $2
	JNE gen512
	// Two blocks: row by row.
	KMOVW (DX), K1
	KMOVW 2(DX), K2
	KMOVW 4(DX), K3
	KMOVW 6(DX), K4
	KSHIFTRW $8, K1, K5
	KSHIFTRW $8, K3, K6
	LEAQ (R15)(R12*4), SI
	MOVQ DI, BX
	MOVQ 24(SP), CX

rows512x2:
	VMOVUPS.Z (SI), K1, Y0
	VMOVUPS.Z 32(SI), K5, Y2
	VMOVUPS.Z 64(SI), K3, Y1
	VMOVUPS.Z 96(SI), K6, Y3
	VINSERTF64X4 $1, Y2, Z0, Z0
	VINSERTF64X4 $1, Y3, Z1, Z1
	VMOVUPS Z0, K2, (BX)
	VMOVUPS Z1, K4, 64(BX)
	ADDQ R13, SI
	ADDQ R14, BX
	DECQ CX
	JNZ rows512x2
	ADDQ 64(SP), DI
	JMP bot512

gen512:
	LEAQ (DX)(R11*4), R11
	LEAQ (R15)(R12*4), R10
	MOVQ DI, R9

blk512:
	KMOVW (DX), K1
	KMOVW 2(DX), K2
	KSHIFTRW $8, K1, K5
	MOVQ R10, SI
	MOVQ R9, BX
	MOVQ 24(SP), CX

rows512:
	VMOVUPS.Z (SI), K1, Y0
	VMOVUPS.Z 32(SI), K5, Y1
	VINSERTF64X4 $1, Y1, Z0, Z0
	VMOVUPS Z0, K2, (BX)
	ADDQ R13, SI
	ADDQ R14, BX
	DECQ CX
	JNZ rows512
	ADDQ $64, R10
	ADDQ $64, R9
	ADDQ $4, DX
	CMPQ DX, R11
	JLT blk512
	ADDQ 64(SP), DI

bot512:
	// Rows [b, nr): zeros.
	MOVQ 16(SP), CX

zbot512:
	CMPQ CX, $16
	JLT zbott512
	VMOVUPS Z7, (DI)
	ADDQ $64, DI
	SUBQ $16, CX
	JMP zbot512

zbott512:
	TESTQ CX, CX
	JZ zbotd512
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3
	VMOVUPS Z7, K3, (DI)
	LEAQ (DI)(CX*4), DI

zbotd512:
	ADDQ d+72(FP), R12
	MOVQ nb+112(FP), AX
	SHLQ $2, AX
	ADDQ AX, 40(SP)
	DECQ 32(SP)
	JNZ v512
	ENDTAPROW(u512, chan512)
	VZEROUPPER
	RET

// func im2colS1AVX2(dst, src *float32, tab *im2colBlock, c, hw, h, w, kh, kw, d, p, ytop, nr, ow, nb int)
// c, kh, kw, nr ≥ 1; w, ow ≥ 8; nb = ⌈ow/8⌉ blocks per row, at columns 0, 8, … and, if ow is
// not a multiple of 8, ow − 8 (overlapping the one before: the same values). tab[v·nb + k]
// is block k of tap column v (see im2colBlock; 96 bytes): a plain copy, or the 8 image
// columns nearest to the block moved into their lanes by VPERMPS, the lanes outside the
// image zeroed.
TEXT ·im2colS1AVX2(SB), NOSPLIT, $72-120
	PROLOGUE
	VXORPS Y7, Y7, Y7

chan2:
	NEXTCHANNEL

u2:
	ROWSPAN
	NEXTTAPROW

v2:
	// Rows [0, a): a·ow zeros (none, or at least 8).
	MOVQ 8(SP), CX
	LEAQ (DI)(CX*4), SI

ztop2:
	CMPQ CX, $8
	JLT ztopt2
	VMOVUPS Y7, (DI)
	ADDQ $32, DI
	SUBQ $8, CX
	JMP ztop2

ztopt2:
	TESTQ CX, CX
	JZ ztopd2
	VMOVUPS Y7, -32(SI)

ztopd2:
	MOVQ SI, DI

	// Rows [a, b), block by block.
	CMPQ 24(SP), $0
	JEQ bot2
	MOVQ 40(SP), DX
	MOVQ nb+112(FP), R11
	IMULQ $96, R11
	ADDQ DX, R11

blk2:
	MOVQ 64(DX), SI
	ADDQ R15, SI
	MOVQ 72(DX), BX
	ADDQ DI, BX
	MOVQ 24(SP), CX
	CMPQ 80(DX), $0
	JNE edge2

rows2:
	VMOVUPS (SI), Y0
	VMOVUPS Y0, (BX)
	ADDQ R13, SI
	ADDQ R14, BX
	DECQ CX
	JNZ rows2
	JMP next2

edge2:
	VMOVDQU (DX), Y1
	VMOVDQU 32(DX), Y3

rowsE2:
	VPERMPS (SI), Y1, Y0
	VANDPS Y3, Y0, Y0
	VMOVUPS Y0, (BX)
	ADDQ R13, SI
	ADDQ R14, BX
	DECQ CX
	JNZ rowsE2

next2:
	ADDQ $96, DX
	CMPQ DX, R11
	JLT blk2
	ADDQ 64(SP), DI

bot2:
	// Rows [b, nr): zeros.
	MOVQ 16(SP), CX
	LEAQ (DI)(CX*4), SI

zbot2:
	CMPQ CX, $8
	JLT zbott2
	VMOVUPS Y7, (DI)
	ADDQ $32, DI
	SUBQ $8, CX
	JMP zbot2

zbott2:
	TESTQ CX, CX
	JZ zbotd2
	VMOVUPS Y7, -32(SI)

zbotd2:
	MOVQ SI, DI

	MOVQ nb+112(FP), AX
	IMULQ $96, AX
	ADDQ AX, 40(SP)
	DECQ 32(SP)
	JNZ v2
	ENDTAPROW(u2, chan2)
	VZEROUPPER
	RET

// SLOWV copies one vector of 16 floats at BX (64-byte aligned) of a tap that starts or ends
// inside it: stream position s = R10 (the tap's float at BX, possibly negative), column
// c = DX, the tap column's columns R11, the tap's floats N = 48(SP). It stores the lanes in
// [max(0, −s), min(16, N − s)) and loads those of them whose columns read the image.
#define SLOWV \
	MOVQ 48(SP), CX; \
	SUBQ R10, CX; \
	MOVL $16, AX; \
	CMPQ CX, AX; \
	CMOVQGT AX, CX; \
	MOVL $1, R15; \
	SHLL CX, R15; \
	DECL R15; \
	MOVQ R10, CX; \
	NEGQ CX; \
	XORL AX, AX; \
	CMPQ CX, AX; \
	CMOVQLT AX, CX; \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	NOTL AX; \
	ANDL AX, R15; \
	KMOVW R15, K3; \
	SHRXQ DX, R11, AX; \
	ANDL R15, AX; \
	KMOVW AX, K1; \
	SHRL $8, AX; \
	KMOVW AX, K2; \
	VMOVUPS.Z (SI), K1, Y0; \
	VMOVUPS.Z 32(SI), K2, Y1; \
	VINSERTF64X4 $1, Y1, Z0, Z0; \
	VMOVUPS Z0, K3, (BX)

// func im2colS1RowsAVX512(dst, src, scr *float32, tab *uint64, c, hw, w, kh, kw, d, p, nr, cpSrc, cpDst, cpN int)
// For ow = w ∈ {14, 28} (the cnn's "same" convolutions; see Im2colS1): output row i of tap
// (u, v) reads image row t + i shifted by xoff = v·d − p, so a tap's nr rows are the image's
// rows one after the other, moved by xoff, with the columns outside the image zeroed: a
// stream copy. Per channel the rows that the taps read are first copied into scr (cpN floats
// from src + cpSrc to scr + cpDst), between zero rows (the caller zeroes those), so that the
// whole stream reads scr. Each tap is then written as 64-byte aligned vectors of 16 floats
// with full stores (the per-row kernel's stores split cache lines), each loaded as two
// masked halves; the masks of the halves repeat every 7 halves (8·7 floats = 2·28 = 4·14),
// so they stay in K1…K7 and the loop copies 7 vectors an iteration. A vector where the tap
// starts or ends in the middle computes its own masks (SLOWV). tab[v] holds the columns that
// tap column v reads, bits [lo, hi), repeated every w bits up to bit w + 15.
// Locals: 0(SP) channels left, 8(SP) tap rows left, 16(SP) tap columns left, 24(SP) byte
// offset in scr of tap row u, 32(SP) xoff, 40(SP) &tab[v], 48(SP) N = nr·w, 56…104(SP) the
// columns of the 7 half phases.
TEXT ·im2colS1RowsAVX512(SB), NOSPLIT, $120-120
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), R8
	MOVQ scr+16(FP), R9
	MOVQ w+48(FP), R14
	MOVQ c+32(FP), AX
	MOVQ AX, 0(SP)
	MOVQ nr+88(FP), AX
	IMULQ R14, AX
	MOVQ AX, 48(SP)

chanR:
	MOVQ cpN+112(FP), CX
	MOVQ cpSrc+96(FP), AX
	LEAQ (R8)(AX*4), SI
	MOVQ cpDst+104(FP), AX
	LEAQ (R9)(AX*4), BX

cpR:
	CMPQ CX, $16
	JLT cptR
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (BX)
	VMOVUPS Y1, 32(BX)
	ADDQ $64, SI
	ADDQ $64, BX
	SUBQ $16, CX
	JMP cpR

cptR:
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	SHRL $8, AX
	KMOVW AX, K2
	VMOVUPS.Z (SI), K1, Y0
	VMOVUPS.Z 32(SI), K2, Y1
	VMOVUPS Y0, K1, (BX)
	VMOVUPS Y1, K2, 32(BX)
	MOVQ kh+56(FP), AX
	MOVQ AX, 8(SP)
	MOVQ $0, 24(SP)

uR:
	MOVQ kw+64(FP), AX
	MOVQ AX, 16(SP)
	MOVQ p+80(FP), AX
	NEGQ AX
	MOVQ AX, 32(SP)
	MOVQ tab+24(FP), AX
	MOVQ AX, 40(SP)

vR:
	MOVQ 40(SP), AX
	MOVQ (AX), R11
	// R10 = s: the tap's float at the 64-byte boundary at or before DI, −15 … 0.
	MOVQ DI, R10
	ANDQ $63, R10
	SHRQ $2, R10
	NEGQ R10
	MOVQ DI, BX
	ANDQ $~63, BX
	MOVQ 32(SP), AX
	ADDQ R10, AX
	SHLQ $2, AX
	ADDQ 24(SP), AX
	LEAQ (R9)(AX*1), SI
	// R13 = the vectors, ⌈(N − s)/16⌉; DX = s mod w.
	MOVQ 48(SP), R13
	SUBQ R10, R13
	ADDQ $15, R13
	SHRQ $4, R13
	MOVQ R10, DX
	MOVQ DX, AX
	ADDQ R14, AX
	TESTQ DX, DX
	CMOVQLT AX, DX
	MOVQ DX, AX
	ADDQ R14, AX
	TESTQ DX, DX
	CMOVQLT AX, DX
	TESTQ R10, R10
	JEQ bodyR
	// The tap starts inside the first vector.
	SLOWV
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $16, R10
	ADDQ $16, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	DECQ R13
	JZ nextR

bodyR:
	// R12 = 1 if the tap ends inside its last vector; R13 = the whole vectors before it.
	MOVQ 48(SP), AX
	SUBQ R10, AX
	XORL R12, R12
	TESTQ $15, AX
	SETNE R12
	SUBQ R12, R13
	// The columns of the 7 half phases, and their masks in K1…K7.
	MOVQ DX, 56(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K1
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, 64(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K2
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, 72(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K3
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, 80(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K4
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, 88(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K5
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, 96(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K6
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	MOVQ DX, 104(SP)
	SHRXQ DX, R11, AX
	KMOVW AX, K7
	// CX = R13 / 7 iterations of 7 vectors, DX = R13 mod 7 vectors after them.
	MOVQ R13, CX
	IMULQ $37450, CX
	SHRQ $18, CX
	MOVQ CX, AX
	IMULQ $7, AX
	MOVQ R13, DX
	SUBQ AX, DX
	SHLQ $4, R13
	ADDQ R13, R10 // s of the vector after them
	TESTQ CX, CX
	JZ bodyrem

body7:
	VMOVUPS.Z 0(SI), K1, Y0
	VMOVUPS.Z 32(SI), K2, Y8
	VINSERTF64X4 $1, Y8, Z0, Z0
	VMOVUPS Z0, 0(BX)
	VMOVUPS.Z 64(SI), K3, Y1
	VMOVUPS.Z 96(SI), K4, Y9
	VINSERTF64X4 $1, Y9, Z1, Z1
	VMOVUPS Z1, 64(BX)
	VMOVUPS.Z 128(SI), K5, Y2
	VMOVUPS.Z 160(SI), K6, Y10
	VINSERTF64X4 $1, Y10, Z2, Z2
	VMOVUPS Z2, 128(BX)
	VMOVUPS.Z 192(SI), K7, Y3
	VMOVUPS.Z 224(SI), K1, Y11
	VINSERTF64X4 $1, Y11, Z3, Z3
	VMOVUPS Z3, 192(BX)
	VMOVUPS.Z 256(SI), K2, Y4
	VMOVUPS.Z 288(SI), K3, Y12
	VINSERTF64X4 $1, Y12, Z4, Z4
	VMOVUPS Z4, 256(BX)
	VMOVUPS.Z 320(SI), K4, Y5
	VMOVUPS.Z 352(SI), K5, Y13
	VINSERTF64X4 $1, Y13, Z5, Z5
	VMOVUPS Z5, 320(BX)
	VMOVUPS.Z 384(SI), K6, Y6
	VMOVUPS.Z 416(SI), K7, Y14
	VINSERTF64X4 $1, Y14, Z6, Z6
	VMOVUPS Z6, 384(BX)
	ADDQ $448, SI
	ADDQ $448, BX
	DECQ CX
	JNZ body7
bodyrem:
	CMPQ DX, $1
	JLT bodydone
	VMOVUPS.Z 0(SI), K1, Y0
	VMOVUPS.Z 32(SI), K2, Y8
	VINSERTF64X4 $1, Y8, Z0, Z0
	VMOVUPS Z0, 0(BX)
	CMPQ DX, $2
	JLT bodydone
	VMOVUPS.Z 64(SI), K3, Y1
	VMOVUPS.Z 96(SI), K4, Y9
	VINSERTF64X4 $1, Y9, Z1, Z1
	VMOVUPS Z1, 64(BX)
	CMPQ DX, $3
	JLT bodydone
	VMOVUPS.Z 128(SI), K5, Y2
	VMOVUPS.Z 160(SI), K6, Y10
	VINSERTF64X4 $1, Y10, Z2, Z2
	VMOVUPS Z2, 128(BX)
	CMPQ DX, $4
	JLT bodydone
	VMOVUPS.Z 192(SI), K7, Y3
	VMOVUPS.Z 224(SI), K1, Y11
	VINSERTF64X4 $1, Y11, Z3, Z3
	VMOVUPS Z3, 192(BX)
	CMPQ DX, $5
	JLT bodydone
	VMOVUPS.Z 256(SI), K2, Y4
	VMOVUPS.Z 288(SI), K3, Y12
	VINSERTF64X4 $1, Y12, Z4, Z4
	VMOVUPS Z4, 256(BX)
	CMPQ DX, $6
	JLT bodydone
	VMOVUPS.Z 320(SI), K4, Y5
	VMOVUPS.Z 352(SI), K5, Y13
	VINSERTF64X4 $1, Y13, Z5, Z5
	VMOVUPS Z5, 320(BX)
bodydone:
	MOVQ DX, AX
	SHLQ $6, AX
	ADDQ AX, SI
	ADDQ AX, BX
	TESTQ R12, R12
	JZ nextR
	// The tap ends inside this vector: its column is that of half phase 2·DX mod 7.
	SHLQ $1, DX
	MOVQ DX, AX
	SUBQ $7, AX
	CMOVQGE AX, DX
	MOVQ 56(SP)(DX*8), DX
	SLOWV

nextR:
	MOVQ 48(SP), AX
	LEAQ (DI)(AX*4), DI
	MOVQ d+72(FP), AX
	ADDQ AX, 32(SP)
	ADDQ $8, 40(SP)
	DECQ 16(SP)
	JNZ vR
	MOVQ d+72(FP), AX
	IMULQ R14, AX
	SHLQ $2, AX
	ADDQ AX, 24(SP)
	DECQ 8(SP)
	JNZ uR
	MOVQ hw+40(FP), AX
	LEAQ (R8)(AX*4), R8
	DECQ 0(SP)
	JNZ chanR
	VZEROUPPER
	RET
