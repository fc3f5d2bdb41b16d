//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

//go:noescape
func transpose8AVX2(d *float32, ldd int, src *float32, lds int, kb int)

//go:noescape
func transpose4AVX2(d *float32, src *float32, lds int, kb int)

var haveAVX2 = cpu.X86.HasAVX2

// transposeFast is transpose (d[p·w + r] = src[r·lds + p] for r < n, p < k, and columns n…w−1
// of d zeroed) with whole 8×8 blocks transposed in AVX2 registers; the leftover rows and
// columns take the scalar path.
func transposeFast(d []float32, w int, src []float32, lds, n, k int) {
	kb := k / 8
	if haveAVX2 && kb > 0 && n == 4 && w == 4 {
		// A full micro-panel of the 4-row AVX2 kernels, 4×8 blocks at a time: the scalar
		// path took a sixth of the time of a 512×169×2304 product, which packs all of A.
		_ = src[3*lds+k-1]
		_ = d[4*k-1]
		transpose4AVX2(&d[0], &src[0], lds, kb)
		if k8 := 8 * kb; k8 < k {
			transpose(d[k8*w:], w, src[k8:], lds, n, k-k8)
		}
		return
	}
	if !haveAVX2 || kb == 0 || n < 8 {
		transpose(d, w, src, lds, n, k)
		return
	}
	// Bounds: the last row read and the last value written.
	_ = src[(n-1)*lds+k-1]
	_ = d[(k-1)*w+w-1]
	if n < w {
		// Columns n…w−1 of the blocked rows of d are zeroed with the rest of those rows first:
		// one vectorised clear instead of a strided store per value (most of the packing time
		// for a 10-wide B), or a small clear per row.
		clear(d[:8*kb*w])
	}
	r := 0
	for ; r+8 <= n; r += 8 {
		transpose8AVX2(&d[r], w, &src[r*lds], lds, kb)
	}
	// Rows r…n−1 (fewer than 8) over the blocked columns, then the leftover columns of all rows.
	for ; r < n; r++ {
		s := src[r*lds : r*lds+8*kb]
		for p, v := range s {
			d[p*w+r] = v
		}
	}
	if k8 := 8 * kb; k8 < k {
		transpose(d[k8*w:], w, src[k8:], lds, n, k-k8)
	}
}
