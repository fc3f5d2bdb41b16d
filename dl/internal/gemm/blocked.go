package gemm

import (
	"runtime"
	"sync"
	"unsafe"
)

// kernelFunc computes the mr×nr tile C = alpha·Ap·Bp + beta·C from a packed A micro-panel
// (k×mr, k-major) and a B micro-panel of k rows of nr values, ldb apart (ldb = nr when packed);
// C has row stride ldc. When beta is ±0 it must not read C.
type kernelFunc func(k int, a, b, c *float32, ldb, ldc int, alpha, beta float32)

// kernelSpec is a micro-kernel with its tile shape and the cache blocking that suits it.
type kernelSpec struct {
	name   string
	mr, nr int // register tile
	kc     int // depth of a packed block (B micro-panel kc×nr stays in L1)
	mc     int // rows of a packed A block (mc×kc stays in L2); a multiple of mr
	nc     int // columns of a packed B block (kc×nc stays in L3); a multiple of nr
	small  int // m·n·k below which packing does not pay and sgemmSimple runs instead
	fn     kernelFunc
	edge   edgeFunc // optional: a kernel for partial tiles, which otherwise use a scratch tile
}

// edgeFunc is a kernelFunc that computes the whole tile but stores only its first rows×cols.
type edgeFunc func(k int, a, b, c *float32, ldb, ldc int, alpha, beta float32, rows, cols int)

// genericKernel is the portable Go micro-kernel; kernel_amd64.go may pick a faster one.
var genericKernel = kernelSpec{name: "generic", mr: 2, nr: 4, kc: 256, mc: 64, nc: 1024, small: 32 << 10, fn: kernelGeneric}

// active is the micro-kernel the blocked path uses; tests switch it to compare kernels.
var active = bestKernel()

const (
	// parWork is the m·n·k from which Sgemm splits the product across goroutines.
	parWork = 1 << 20
)

// sgemmPacked is the pure-Go/asm Sgemm, using up to GOMAXPROCS goroutines.
func sgemmPacked(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmWorkers(runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmWorkers is sgemmPacked with at most maxw goroutines.
func sgemmWorkers(maxw int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ks := &active
	if k == 0 || alpha == 0 || m*n*k < ks.small {
		sgemmSimple(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	w := 1
	if m*n*k >= parWork {
		w = maxw
	}
	splitM := m >= n
	// Pieces are whole tiles; do not split finer than there are tiles.
	if splitM {
		w = min(w, (m+ks.mr-1)/ks.mr)
	} else {
		w = min(w, (n+ks.nr-1)/ks.nr)
	}
	if w <= 1 {
		blocked(ks, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	unit, total := ks.nr, n
	if splitM {
		unit, total = ks.mr, m
	}
	j := jobPool.Get().(*job)
	*j = job{ks: ks, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
		b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, splitM: splitM}
	tiles := (total + unit - 1) / unit
	lo := 0
	for i := range w {
		hi := min(total, lo+(tiles*(i+1)/w-tiles*i/w)*unit)
		if i == w-1 {
			j.part(lo, hi)
		} else if hi > lo {
			j.wg.Add(1)
			go j.partDone(lo, hi)
		}
		lo = hi
	}
	j.wg.Wait()
	*j = job{}
	jobPool.Put(j)
}

// job is one parallel Sgemm call; each goroutine computes a band of C's rows or columns.
type job struct {
	ks             *kernelSpec
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	splitM         bool
	wg             sync.WaitGroup
}

var jobPool = sync.Pool{New: func() any { return new(job) }}

func (j *job) partDone(lo, hi int) {
	j.part(lo, hi)
	j.wg.Done()
}

// part computes rows [lo, hi) of C if j.splitM, else columns [lo, hi).
func (j *job) part(lo, hi int) {
	if hi <= lo {
		return
	}
	if j.splitM {
		off := lo * j.lda
		if j.transA {
			off = lo
		}
		blocked(j.ks, j.transA, j.transB, hi-lo, j.n, j.k, j.alpha, j.a[off:], j.lda, j.b, j.ldb, j.beta, j.c[lo*j.ldc:], j.ldc)
		return
	}
	off := lo
	if j.transB {
		off = lo * j.ldb
	}
	blocked(j.ks, j.transA, j.transB, j.m, hi-lo, j.k, j.alpha, j.a, j.lda, j.b[off:], j.ldb, j.beta, j.c[lo:], j.ldc)
}

// balance splits n into the fewest blocks of at most max (rounded up to a multiple of unit)
// and returns a block size, a multiple of unit, that covers n with that many blocks.
func balance(n, max, unit int) int {
	blocks := (n + max - 1) / max
	per := (n + blocks - 1) / blocks
	return (per + unit - 1) / unit * unit
}

// buffers holds one goroutine's packing space.
type buffers struct {
	a, b []float32
	tile []float32
}

var bufPool = sync.Pool{New: func() any { return new(buffers) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// blocked is the GotoBLAS/BLIS loop nest on one goroutine: for each kc×nc block of op(B),
// packed once, and each mc×kc block of op(A), packed once, run the micro-kernel over the
// mr×nr tiles of C. Partial edge tiles go through a scratch tile.
func blocked(ks *kernelSpec, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := ks.mr, ks.nr
	// Blocks of about equal size, so that no last block is a sliver (n = 1024 with nc = 1008
	// would otherwise repack all of A for 16 columns).
	kc := balance(k, ks.kc, 1)
	mc := balance(m, ks.mc, mr)
	nc := balance(n, ks.nc, nr)
	buf := bufPool.Get().(*buffers)
	buf.a = grow(buf.a, mc*kc)
	buf.b = grow(buf.b, nc*kc)
	buf.tile = grow(buf.tile, mr*nr)
	pa, pb, tile := buf.a, buf.b, buf.tile
	fn, edge := ks.fn, ks.edge
	// With one block of A rows, each B micro-panel is used for one sweep down C's rows and
	// then dropped: the kernel can read row-major B in place instead of a packed copy, which
	// saves writing and re-reading all of B (it dominates when m is small and n large, as in
	// an im2col convolution). Partial panels are still packed, so that no read runs past B.
	direct := !transB && m <= mc
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			be := beta
			if pc > 0 {
				be = 1
			}
			if !direct {
				packB(pb, transB, b, ldb, pc, kcb, jc, ncb, nr)
			}
			for ic := 0; ic < m; ic += mc {
				mcb := min(mc, m-ic)
				packA(pa, transA, a, lda, ic, mcb, pc, kcb, mr)
				for jr := 0; jr < ncb; jr += nr {
					cols := min(nr, ncb-jr)
					var bp *float32
					bs := nr
					switch {
					case !direct:
						bp = &pb[jr*kcb]
					case cols == nr:
						bp, bs = &b[pc*ldb+jc+jr], ldb
					default:
						packB(pb, false, b, ldb, pc, kcb, jc+jr, cols, nr)
						bp = &pb[0]
					}
					for ir := 0; ir < mcb; ir += mr {
						rows := min(mr, mcb-ir)
						ap := &pa[ir*kcb]
						off := (ic+ir)*ldc + jc + jr
						if rows == mr && cols == nr {
							fn(kcb, ap, bp, &c[off], bs, ldc, alpha, be)
							continue
						}
						if edge != nil {
							edge(kcb, ap, bp, &c[off], bs, ldc, alpha, be, rows, cols)
							continue
						}
						fn(kcb, ap, bp, &tile[0], bs, nr, alpha, 0)
						for i := range rows {
							ci := c[off+i*ldc : off+i*ldc+cols]
							ti := tile[i*nr : i*nr+cols]
							if be == 0 {
								copy(ci, ti)
							} else {
								for j, t := range ti {
									ci[j] = be*ci[j] + t
								}
							}
						}
					}
				}
			}
		}
	}
	bufPool.Put(buf)
}

// packA copies rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) into dst as ⌈mc/mr⌉ micro-panels,
// each kc×mr k-major, zero-padding the last panel's missing rows.
func packA(dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc, mr int) {
	for ip := 0; ip < mc; ip += mr {
		rows := min(mr, mc-ip)
		d := dst[ip*kc : ip*kc+mr*kc]
		if transA {
			for p := range kc {
				dd := d[p*mr : p*mr+mr]
				src := a[(p0+p)*lda+i0+ip:]
				copy(dd, src[:rows])
				clear(dd[rows:])
			}
			continue
		}
		r := 0
		// Four rows at a time, so that each k-step writes four adjacent values. The slice
		// expressions check the bounds once; the loop then indexes without checks.
		for ; r+4 <= rows; r += 4 {
			base := (i0+ip+r)*lda + p0
			_ = a[base+3*lda : base+3*lda+kc]
			_ = d[r : (kc-1)*mr+r+4]
			src := unsafe.Pointer(&a[base])
			dst := unsafe.Pointer(&d[r])
			rs := uintptr(lda) * 4
			for range kc {
				q := (*[4]float32)(dst)
				q[0] = *(*float32)(src)
				q[1] = *(*float32)(unsafe.Add(src, rs))
				q[2] = *(*float32)(unsafe.Add(src, 2*rs))
				q[3] = *(*float32)(unsafe.Add(src, 3*rs))
				src = unsafe.Add(src, 4)
				dst = unsafe.Add(dst, mr*4)
			}
		}
		for ; r < rows; r++ {
			src := a[(i0+ip+r)*lda+p0:]
			src = src[:kc]
			for p, v := range src {
				d[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := range kc {
				d[p*mr+r] = 0
			}
		}
	}
}

// packB copies rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) into dst as ⌈nc/nr⌉ micro-panels,
// each kc×nr k-major, zero-padding the last panel's missing columns.
func packB(dst []float32, transB bool, b []float32, ldb, p0, kc, j0, nc, nr int) {
	for jp := 0; jp < nc; jp += nr {
		cols := min(nr, nc-jp)
		d := dst[jp*kc : jp*kc+nr*kc]
		if !transB {
			for p := range kc {
				dd := d[p*nr : p*nr+nr]
				src := b[(p0+p)*ldb+j0+jp:]
				copy(dd, src[:cols])
				clear(dd[cols:])
			}
			continue
		}
		for cc := range cols {
			src := b[(j0+jp+cc)*ldb+p0:]
			src = src[:kc]
			for p, v := range src {
				d[p*nr+cc] = v
			}
		}
		for cc := cols; cc < nr; cc++ {
			for p := range kc {
				d[p*nr+cc] = 0
			}
		}
	}
}
