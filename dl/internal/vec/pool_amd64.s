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

// PLANESKIPS works out, with DX the input row width in bytes, how far the plane kernels step
// from the end of a plane's rows to the next plane: (inStride − rows·2w)·4 bytes of input into
// inSkip-8(SP), and outStride − rows·ow, the outputs to skip, into SI.
#define PLANESKIPS(rows, ow, inStride, outStride) \
	MOVQ rows, CX; \
	IMULQ DX, CX; \
	SHLQ $1, CX; \
	MOVQ inStride, SI; \
	SHLQ $2, SI; \
	SUBQ CX, SI; \
	MOVQ SI, inSkip-8(SP); \
	MOVQ rows, CX; \
	IMULQ ow, CX; \
	MOVQ outStride, SI; \
	SUBQ CX, SI

// FWDBLOCK is eight outputs of MaxPool2x2Arg (the comparisons and blends of maxPairsCodeGeneric
// for each lane), the lanes left in VSHUFPS's order (outputs 0 1 4 5 2 3 6 7): one VPERMPD puts the values
// in order, VPSHUFB (Y12) the window positions, col + 2·row, as bytes. SI the top input row (the
// bottom one DX bytes further), DI the outputs, R8 the positions, Y11 twos.
#define FWDBLOCK \
	VMOVUPS (SI), Y0; \
	VMOVUPS 32(SI), Y1; \
	VMOVUPS (SI)(DX*1), Y2; \
	VMOVUPS 32(SI)(DX*1), Y3; \
	VSHUFPS $0x88, Y1, Y0, Y4; \
	VSHUFPS $0xDD, Y1, Y0, Y5; \
	VSHUFPS $0x88, Y3, Y2, Y6; \
	VSHUFPS $0xDD, Y3, Y2, Y7; \
	VCMPPS $0x1E, Y4, Y5, Y8; \
	VBLENDVPS Y8, Y5, Y4, Y4; \
	VCMPPS $0x1E, Y6, Y7, Y9; \
	VBLENDVPS Y9, Y7, Y6, Y6; \
	VCMPPS $0x1E, Y4, Y6, Y0; \
	VBLENDVPS Y0, Y6, Y4, Y4; \
	VBLENDVPS Y0, Y9, Y8, Y8; \
	VPAND Y11, Y0, Y0; \
	VPSUBD Y8, Y0, Y8; \
	VPERMPD $0xD8, Y4, Y4; \
	VPSHUFB Y12, Y8, Y8; \
	VEXTRACTI128 $1, Y8, X9; \
	VPOR X9, X8, X8; \
	VMOVUPS Y4, (DI); \
	VMOVQ X8, (R8)

// codeBytes gathers byte 0 of each word of FWDBLOCK's positions into bytes 0–7 in output order:
// the low lane holds outputs 0 1 4 5, the high lane 2 3 6 7 (VPOR merges the two).
DATA codeBytes<>+0(SB)/8, $0x80800C0880800400
DATA codeBytes<>+8(SB)/8, $0x8080808080808080
DATA codeBytes<>+16(SB)/8, $0x0C08808004008080
DATA codeBytes<>+24(SB)/8, $0x8080808080808080
GLOBL codeBytes<>(SB), RODATA|NOPTR, $32

// func maxPool2x2ArgAVX2(out *float32, code *uint8, in *float32, planes, rows, w, ow, nfull, tail, inStride, outStride int)
// MaxPool2x2Arg for rows output rows of each of planes planes (input planes inStride apart,
// output planes outStride apart): per row nfull blocks of eight outputs, then, if tail ≥ 0, one
// more block of eight starting at output tail (overlapping the last full block, or, for rows
// narrower than eight, running past the row into the next one, which the caller computes later).
// The row pointers advance from row to row.
TEXT ·maxPool2x2ArgAVX2(SB), NOSPLIT, $16-88
	MOVQ out+0(FP), BX              // output row
	MOVQ code+8(FP), R9             // position row
	MOVQ in+16(FP), AX              // top input row
	MOVQ planes+24(FP), R10
	MOVQ w+40(FP), DX
	SHLQ $2, DX                     // w in bytes: top row to bottom row
	MOVL $2, CX
	MOVQ CX, X11
	VPBROADCASTD X11, Y11           // 2
	VMOVDQU codeBytes<>(SB), Y12
	MOVQ tail+64(FP), CX
	LEAQ (CX*8), R12                // tail in input bytes
	LEAQ (CX*4), R13                // tail in output bytes (negative: no tail)
	PLANESKIPS(rows+32(FP), ow+48(FP), inStride+72(FP), outStride+80(FP))
	MOVQ SI, outSkip-16(SP)
	TESTQ R10, R10
	JZ fdone
fplane:
	MOVQ rows+32(FP), R11
	TESTQ R11, R11
	JZ fnextplane
frow:
	MOVQ nfull+56(FP), CX
	TESTQ CX, CX
	JZ ftail
	MOVQ AX, SI
	MOVQ BX, DI
	MOVQ R9, R8
ffull:
	FWDBLOCK
	ADDQ $64, SI
	ADDQ $32, DI
	ADDQ $8, R8
	DECQ CX
	JNZ ffull
ftail:
	TESTQ R13, R13
	JS frowdone
	LEAQ (AX)(R12*1), SI
	LEAQ (BX)(R13*1), DI
	MOVQ R13, CX
	SHRQ $2, CX
	LEAQ (R9)(CX*1), R8
	FWDBLOCK
frowdone:
	LEAQ (AX)(DX*2), AX
	MOVQ ow+48(FP), CX
	LEAQ (BX)(CX*4), BX
	ADDQ CX, R9
	DECQ R11
	JNZ frow
fnextplane:
	ADDQ inSkip-8(SP), AX
	MOVQ outSkip-16(SP), CX
	LEAQ (BX)(CX*4), BX
	ADDQ CX, R9
	DECQ R10
	JNZ fplane
fdone:
	VZEROUPPER
	RET

// lastLanes: eight zero words, then eight all-ones words; the eight words at byte offset 8r
// select the last 2r lanes (the last r outputs of a block of four).
DATA lastLanes<>+0(SB)/8, $0
DATA lastLanes<>+8(SB)/8, $0
DATA lastLanes<>+16(SB)/8, $0
DATA lastLanes<>+24(SB)/8, $0
DATA lastLanes<>+32(SB)/8, $-1
DATA lastLanes<>+40(SB)/8, $-1
DATA lastLanes<>+48(SB)/8, $-1
DATA lastLanes<>+56(SB)/8, $-1
GLOBL lastLanes<>(SB), RODATA|NOPTR, $64

// BACKBLOCK computes four gradients' additions into their 2×2 windows' maximum elements: DI
// the gradients, R8 the window positions (bytes, col + 2·row), SI the windows' top row of the
// input gradient (the bottom one DX bytes further), Y10 and Y12 each top-row and bottom-row
// lane's position (0 1 0 1 …, 2 3 2 3 …). It leaves the new top and bottom rows in TOP and BOT:
// the maximum elements with the gradient added, every other element with its bits (a blend,
// not an added zero, so −0 stays −0). MASK may clear lanes of the hit masks Y2 (top) and Y3
// (bottom). Uses Y0–Y3, Y5 and Y7 besides.
#define BACKBLOCK(MASK, TOP, BOT) \
	VPMOVZXDQ (DI), Y0; \
	VMOVSLDUP Y0, Y0; \
	VPMOVZXBQ (R8), Y1; \
	VMOVSLDUP Y1, Y1; \
	VPCMPEQD Y10, Y1, Y2; \
	VPCMPEQD Y12, Y1, Y3; \
	MASK; \
	VMOVUPS (SI), TOP; \
	VADDPS Y0, TOP, Y5; \
	VBLENDVPS Y2, Y5, TOP, TOP; \
	VMOVUPS (SI)(DX*1), BOT; \
	VADDPS Y0, BOT, Y7; \
	VBLENDVPS Y3, Y7, BOT, BOT

#define NOMASK
#define TAILMASK VPAND Y14, Y2, Y2; VPAND Y14, Y3, Y3

// topPos and botPos: the window position of each lane of a block's top and bottom rows.
DATA topPos<>+0(SB)/8, $0x0000000100000000
DATA topPos<>+8(SB)/8, $0x0000000100000000
DATA topPos<>+16(SB)/8, $0x0000000100000000
DATA topPos<>+24(SB)/8, $0x0000000100000000
GLOBL topPos<>(SB), RODATA|NOPTR, $32
DATA botPos<>+0(SB)/8, $0x0000000300000002
DATA botPos<>+8(SB)/8, $0x0000000300000002
DATA botPos<>+16(SB)/8, $0x0000000300000002
DATA botPos<>+24(SB)/8, $0x0000000300000002
GLOBL botPos<>(SB), RODATA|NOPTR, $32

// func maxPool2x2BackAVX2(gr, d *float32, code *uint8, planes, rows, w, ow, nloop, r, inStride, outStride int)
// MaxPool2x2Back for rows output rows of each of planes planes, in blocks of four outputs: per
// row nloop blocks, then, if r > 0, the row's last full block together with the block of the
// row's last four outputs, of which only the last r are new (the lanes lastLanes+8r selects).
// The two blocks overlap: both are loaded before either is stored, the last block first, so
// that no load waits for an overlapping store. The row pointers advance from row to row.
TEXT ·maxPool2x2BackAVX2(SB), NOSPLIT, $16-88
	MOVQ gr+0(FP), AX               // top row of the input gradient
	MOVQ d+8(FP), BX                // gradient row
	MOVQ code+16(FP), R9            // position row
	MOVQ planes+24(FP), R10
	MOVQ w+40(FP), DX
	SHLQ $2, DX                     // w in bytes
	VMOVDQU topPos<>(SB), Y10
	VMOVDQU botPos<>(SB), Y12
	MOVQ r+64(FP), CX
	LEAQ lastLanes<>(SB), SI
	VMOVDQU (SI)(CX*8), Y14         // the tail block's new lanes
	LEAQ (CX*8), R12                // r in input-gradient bytes
	MOVQ CX, R13                    // r in positions (bytes)
	PLANESKIPS(rows+32(FP), ow+48(FP), inStride+72(FP), outStride+80(FP))
	MOVQ SI, outSkip-16(SP)
	TESTQ R10, R10
	JZ bdone
bplane:
	MOVQ rows+32(FP), R11
	TESTQ R11, R11
	JZ bnextplane
brow:
	MOVQ AX, SI
	MOVQ BX, DI
	MOVQ R9, R8
	MOVQ nloop+56(FP), CX
	TESTQ CX, CX
	JZ btail
bloop:
	BACKBLOCK(NOMASK, Y4, Y6)
	VMOVUPS Y4, (SI)
	VMOVUPS Y6, (SI)(DX*1)
	ADDQ $32, SI
	ADDQ $16, DI
	ADDQ $4, R8
	DECQ CX
	JNZ bloop
btail:
	TESTQ R13, R13
	JZ browdone
	BACKBLOCK(NOMASK, Y4, Y6)
	ADDQ R12, SI
	LEAQ (DI)(R13*4), DI
	ADDQ R13, R8
	BACKBLOCK(TAILMASK, Y8, Y9)
	VMOVUPS Y8, (SI)
	VMOVUPS Y9, (SI)(DX*1)
	SUBQ R12, SI
	VMOVUPS Y4, (SI)
	VMOVUPS Y6, (SI)(DX*1)
browdone:
	LEAQ (AX)(DX*2), AX
	MOVQ ow+48(FP), CX
	LEAQ (BX)(CX*4), BX
	ADDQ CX, R9
	DECQ R11
	JNZ brow
bnextplane:
	ADDQ inSkip-8(SP), AX
	MOVQ outSkip-16(SP), CX
	LEAQ (BX)(CX*4), BX
	ADDQ CX, R9
	DECQ R10
	JNZ bplane
bdone:
	VZEROUPPER
	RET

// MAXBLOCK is eight outputs of maxPairsAVX2's loop: SI the top input row (the bottom one DX
// bytes further), DI the outputs.
#define MAXBLOCK \
	VMOVUPS (SI), Y0; \
	VMOVUPS 32(SI), Y1; \
	VMAXPS (SI)(DX*1), Y0, Y0; \
	VMAXPS 32(SI)(DX*1), Y1, Y1; \
	VSHUFPS $0x88, Y1, Y0, Y2; \
	VSHUFPS $0xDD, Y1, Y0, Y3; \
	VMAXPS Y3, Y2, Y2; \
	VPERMPD $0xD8, Y2, Y2; \
	VMOVUPS Y2, (DI)

// func maxPool2x2AVX2(out, in *float32, planes, rows, w, ow, nfull, tail, inStride, outStride int)
// MaxPool2x2 for rows output rows of each of planes planes, blocks and rows as in
// maxPool2x2ArgAVX2.
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $16-80
	MOVQ out+0(FP), BX              // output row
	MOVQ in+8(FP), AX               // top input row
	MOVQ planes+16(FP), R10
	MOVQ w+32(FP), DX
	SHLQ $2, DX                     // w in bytes
	MOVQ tail+56(FP), CX
	LEAQ (CX*8), R12                // tail in input bytes
	LEAQ (CX*4), R13                // tail in output bytes (negative: no tail)
	PLANESKIPS(rows+24(FP), ow+40(FP), inStride+64(FP), outStride+72(FP))
	SHLQ $2, SI
	MOVQ SI, outSkip-16(SP)
	TESTQ R10, R10
	JZ mdone
mplane:
	MOVQ rows+24(FP), R11
	TESTQ R11, R11
	JZ mnextplane
mrow:
	MOVQ nfull+48(FP), CX
	TESTQ CX, CX
	JZ mtail
	MOVQ AX, SI
	MOVQ BX, DI
mfull:
	MAXBLOCK
	ADDQ $64, SI
	ADDQ $32, DI
	DECQ CX
	JNZ mfull
mtail:
	TESTQ R13, R13
	JS mrowdone
	LEAQ (AX)(R12*1), SI
	LEAQ (BX)(R13*1), DI
	MAXBLOCK
mrowdone:
	LEAQ (AX)(DX*2), AX
	MOVQ ow+40(FP), CX
	LEAQ (BX)(CX*4), BX
	DECQ R11
	JNZ mrow
mnextplane:
	ADDQ inSkip-8(SP), AX
	ADDQ outSkip-16(SP), BX
	DECQ R10
	JNZ mplane
mdone:
	VZEROUPPER
	RET
