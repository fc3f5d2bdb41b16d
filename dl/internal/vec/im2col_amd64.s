//go:build amd64 && !purego

#include "textflag.h"

// The kernels write the im2col matrix of a stride-1 convolution (see Im2colS1) in one call:
// for each channel, tap row u and tap column v, the tap's nr output rows of ow floats, one
// after the other at dst. The per-row kernels, im2colS1AVX512 and im2colS1AVX2: output rows
// [a, b) of tap row u read image rows, the others are zero (a and b depend on u alone); the
// columns of a row that read the image depend on v alone, so the Go side lists, per tap
// column, each block of 16 (AVX-512) or 8 (AVX2) output columns: which lanes load (AVX-512) or
// how to move the nearest image columns into place (AVX2). Each block is then copied straight
// from the image down the rows [a, b), with no padded copy of the image and no edge tests in
// the loops. The stream kernel, im2colS1RowsAVX2, is described at its TEXT.
//
// Per-row kernels' registers: DI dst, R8 the channel's plane, R13 w·4, R14 ow·4, R15 image row t + a, with
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

	PCALIGN $32
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

	PCALIGN $32
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
// image zeroed. With two blocks a row (9 to 16 columns: the Go side takes no more) the rows
// go one by one, both blocks through VPERMPS, rather than block by block down the rows
// (BenchmarkIm2col, Zen 4, AVX2: cnn2 6.8 → 5.6 µs, cnn2dx 13.4 → 11.5).
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

	// Rows [a, b).
	CMPQ 24(SP), $0
	JEQ bot2
	MOVQ 40(SP), DX
	MOVQ nb+112(FP), R11
	CMPQ R11, $2
	JNE blocks2
	// Two blocks (9 to 16 columns): row by row, both through VPERMPS (a plain block has
	// the identity and keeps every lane).
	VMOVDQU (DX), Y1
	VMOVDQU 32(DX), Y3
	VMOVDQU 96(DX), Y4
	VMOVDQU 128(DX), Y5
	MOVQ 64(DX), SI
	ADDQ R15, SI
	MOVQ 160(DX), R10
	SUBQ 64(DX), R10
	MOVQ 168(DX), R11
	MOVQ DI, BX
	MOVQ 24(SP), CX

	PCALIGN $32
rowsP2:
	VPERMPS (SI), Y1, Y0
	VPERMPS (SI)(R10*1), Y4, Y2
	VANDPS Y3, Y0, Y0
	VANDPS Y5, Y2, Y2
	VMOVUPS Y0, (BX)
	VMOVUPS Y2, (BX)(R11*1)
	ADDQ R13, SI
	ADDQ R14, BX
	DECQ CX
	JNZ rowsP2
	ADDQ 64(SP), DI
	JMP bot2

blocks2:
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

	PCALIGN $32
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

	PCALIGN $32
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

DATA im2colBits<>+0(SB)/4, $1
DATA im2colBits<>+4(SB)/4, $2
DATA im2colBits<>+8(SB)/4, $4
DATA im2colBits<>+12(SB)/4, $8
DATA im2colBits<>+16(SB)/4, $16
DATA im2colBits<>+20(SB)/4, $32
DATA im2colBits<>+24(SB)/4, $64
DATA im2colBits<>+28(SB)/4, $128
GLOBL im2colBits<>(SB), RODATA|NOPTR, $32

// ANDSTORE2 copies the 16 floats at off0(SI) and off1(SI) to off0(BX) and off1(BX) through
// the masks m0 and m1 (zeroing the lanes outside the image).
#define ANDSTORE2(off0, off1, m0, m1) \
	VANDPS off0(SI), m0, Y0; \
	VANDPS off1(SI), m1, Y1; \
	VMOVUPS Y0, off0(BX); \
	VMOVUPS Y1, off1(BX)

// HALF2 writes the 16 floats of the stream at SI to BX, unaligned, with the columns whose
// bits are set in AX (bits 0–15) and the others zero; it uses Y0–Y2.
#define HALF2 \
	VMOVD AX, X0; \
	VPBROADCASTD X0, Y0; \
	VPAND Y8, Y0, Y1; \
	VPCMPEQD Y8, Y1, Y1; \
	VPSRLD $8, Y0, Y0; \
	VPAND Y8, Y0, Y2; \
	VPCMPEQD Y8, Y2, Y2; \
	VANDPS (SI), Y1, Y1; \
	VANDPS 32(SI), Y2, Y2; \
	VMOVUPS Y1, (BX); \
	VMOVUPS Y2, 32(BX)

// func im2colS1RowsAVX2(dst, src, scr *float32, tab *uint64, c, hw, w, kh, kw, d, p, nr, cpSrc, cpDst, cpN, ctail int)
// For ow = w ∈ {14, 28} (the cnn's "same" convolutions; see Im2colS1): output row i of tap
// (u, v) reads image row t + i shifted by xoff = v·d − p, so a tap's nr rows are the image's
// rows one after the other, moved by xoff, with the columns outside the image zeroed: a
// stream copy. Per channel the rows that the taps read are first copied into scr (cpN floats
// from src + cpSrc to scr + cpDst), between zero rows (the caller zeroes those, and leaves p
// floats of slack before and after scr: the loads are not masked), so that the whole stream
// reads scr. Each tap is written as 64-byte aligned vectors of 16 floats with full stores
// (the per-row kernels' stores split cache lines), the columns outside the image zeroed by
// ANDs with masks that repeat every 7 halves of 8 (8·7 floats = 2·28 = 4·14): they stay in
// Y9…Y15, and the loop copies 7 vectors an iteration. A tap's first 16 and last 16 floats
// (ctail: the column of the first of these) are written apart, unaligned, before and after
// the aligned vectors that overlap them (the same values): no masked stores. tab[v] holds
// the columns that tap column v reads, bits [lo, hi), repeated every w bits up to bit w + 15
// (SHRX: BMI2). N = nr·w ≥ 16. It runs on AVX-512 CPUs too, as fast as a version with masked
// loads and stores there (BenchmarkIm2col, cnn1, Zen 4: 0.90 µs both; the per-row kernels
// 1.03, before them 1.3).
// Locals: 0(SP) channels left, 8(SP) tap rows left, 16(SP) tap columns left, 24(SP) byte
// offset in scr of tap row u, 32(SP) xoff, 40(SP) &tab[v], 48(SP) N.
TEXT ·im2colS1RowsAVX2(SB), NOSPLIT, $56-128
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), R8
	MOVQ scr+16(FP), R9
	MOVQ w+48(FP), R14
	MOVQ c+32(FP), AX
	MOVQ AX, 0(SP)
	MOVQ nr+88(FP), AX
	IMULQ R14, AX
	MOVQ AX, 48(SP)
	VMOVDQU im2colBits<>(SB), Y8

chanA:
	MOVQ cpN+112(FP), CX
	MOVQ cpSrc+96(FP), AX
	LEAQ (R8)(AX*4), SI
	MOVQ cpDst+104(FP), AX
	LEAQ (R9)(AX*4), BX

cpA:
	CMPQ CX, $8
	JLT cptA
	VMOVUPS (SI), Y0
	VMOVUPS Y0, (BX)
	ADDQ $32, SI
	ADDQ $32, BX
	SUBQ $8, CX
	JMP cpA

cptA:
	TESTQ CX, CX
	JZ cpdA
	MOVL (SI), AX
	MOVL AX, (BX)
	ADDQ $4, SI
	ADDQ $4, BX
	DECQ CX
	JMP cptA

cpdA:
	MOVQ kh+56(FP), AX
	MOVQ AX, 8(SP)
	MOVQ $0, 24(SP)

uA:
	MOVQ kw+64(FP), AX
	MOVQ AX, 16(SP)
	MOVQ p+80(FP), AX
	NEGQ AX
	MOVQ AX, 32(SP)
	MOVQ tab+24(FP), AX
	MOVQ AX, 40(SP)

vA:
	MOVQ 40(SP), AX
	MOVQ (AX), R11
	// SI = the tap's stream at position 0: scr + u·d·w·4 + xoff·4.
	MOVQ 32(SP), AX
	SHLQ $2, AX
	ADDQ 24(SP), AX
	LEAQ (R9)(AX*1), SI
	MOVQ SI, R13
	// The first 16 floats (columns 0…15).
	MOVQ DI, BX
	MOVQ R11, AX
	HALF2
	// R10 = s: the first 64-byte boundary at or after DI, as a stream position (0 … 15);
	// DX = its column.
	MOVQ DI, R10
	NEGQ R10
	ANDQ $63, R10
	SHRQ $2, R10
	LEAQ (R13)(R10*4), SI
	LEAQ (DI)(R10*4), BX
	MOVQ R10, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	// R12 = the aligned vectors that fit: ⌊(N − s)/16⌋.
	MOVQ 48(SP), R12
	SUBQ R10, R12
	SHRQ $4, R12
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y9
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y10
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y11
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y12
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y13
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y14
	ADDQ $8, DX
	MOVQ DX, AX
	SUBQ R14, AX
	CMOVQGE AX, DX
	SHRXQ DX, R11, AX
	VMOVD AX, X0
	VPBROADCASTD X0, Y0
	VPAND Y8, Y0, Y0
	VPCMPEQD Y8, Y0, Y15
	MOVQ R12, CX
	IMULQ $37450, CX
	SHRQ $18, CX
	MOVQ CX, AX
	IMULQ $7, AX
	MOVQ R12, DX
	SUBQ AX, DX
	TESTQ CX, CX
	JZ bodyrema

	PCALIGN $32
body7a:
	ANDSTORE2(0, 32, Y9, Y10)
	ANDSTORE2(64, 96, Y11, Y12)
	ANDSTORE2(128, 160, Y13, Y14)
	ANDSTORE2(192, 224, Y15, Y9)
	ANDSTORE2(256, 288, Y10, Y11)
	ANDSTORE2(320, 352, Y12, Y13)
	ANDSTORE2(384, 416, Y14, Y15)
	ADDQ $448, SI
	ADDQ $448, BX
	DECQ CX
	JNZ body7a
bodyrema:
	CMPQ DX, $1
	JLT bodydonea
	ANDSTORE2(0, 32, Y9, Y10)
	CMPQ DX, $2
	JLT bodydonea
	ANDSTORE2(64, 96, Y11, Y12)
	CMPQ DX, $3
	JLT bodydonea
	ANDSTORE2(128, 160, Y13, Y14)
	CMPQ DX, $4
	JLT bodydonea
	ANDSTORE2(192, 224, Y15, Y9)
	CMPQ DX, $5
	JLT bodydonea
	ANDSTORE2(256, 288, Y10, Y11)
	CMPQ DX, $6
	JLT bodydonea
	ANDSTORE2(320, 352, Y12, Y13)
bodydonea:
	// The last 16 floats, at column ctail.
	MOVQ 48(SP), AX
	LEAQ -64(DI)(AX*4), BX
	LEAQ -64(R13)(AX*4), SI
	MOVQ ctail+120(FP), CX
	SHRXQ CX, R11, AX
	HALF2
	MOVQ 48(SP), AX
	LEAQ (DI)(AX*4), DI
	MOVQ d+72(FP), AX
	ADDQ AX, 32(SP)
	ADDQ $8, 40(SP)
	DECQ 16(SP)
	JNZ vA
	MOVQ d+72(FP), AX
	IMULQ R14, AX
	SHLQ $2, AX
	ADDQ AX, 24(SP)
	DECQ 8(SP)
	JNZ uA
	MOVQ hw+40(FP), AX
	LEAQ (R8)(AX*4), R8
	DECQ 0(SP)
	JNZ chanA
	VZEROUPPER
	RET
