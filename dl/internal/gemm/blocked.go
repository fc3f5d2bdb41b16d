package gemm

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/deepnb/deepnb/dl/internal/par"
	"github.com/deepnb/deepnb/dl/internal/vec"
)

// kernelFunc computes the mr×nr tile C = alpha·Ap·Bp + beta·C, Ap[i,p] = a[i·rsa + p·csa],
// Bp[p,j] = b[p·ldb + j]: from packed micro-panels (rsa = 1, csa = mr; ldb = nr) or straight
// from row-major A (rsa = lda, csa = 1) and B. C has row stride ldc. When beta is ±0 it must
// not read C.
type kernelFunc func(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32)

// kernelSpec is a micro-kernel with its tile shape and the cache blocking that suits it.
type kernelSpec struct {
	name   string
	mr, nr int // register tile
	kc     int // depth of a packed block (B micro-panel kc×nr stays in L1)
	mc     int // rows of a packed A block (mc×kc stays in L2); a multiple of mr
	nc     int // columns of a packed B block (kc×nc stays in L3); a multiple of nr
	// kc, mc and nc are defaults for a 32 KiB L1, 1 MiB L2; sized adapts them to the CPU.
	// Optional: the quarters of L1 a B micro-panel, of L2 an A block may fill (see sized).
	l1B    int
	l2A    int
	small  int // m·n·k below which packing does not pay and sgemmSimple runs instead
	fn     kernelFunc
	edge   edgeFunc    // optional: a kernel for partial tiles, which otherwise use a scratch tile
	edge4  edgeFunc    // optional: edge for partial tiles of at most 4 rows, computing only those
	edge2  edgeFunc    // optional: the same for at most 2 rows
	narrow *kernelSpec // optional: the kernel to use when n ≤ narrow.nr
	dot    *dotSpec    // optional: a dot-product kernel for A·Bᵀ (see useDot)
	col    colFunc     // optional (mr = 4): the last one or two columns of C, one at a time
	// copyB: copy a micro-panel of B read in place into contiguous rows before a sweep when
	// its rows alias in L1 (fewSets). Zen 4, one thread, ldb = 512, 2048: the AVX2 4×24
	// kernel's 32×512×288 82 → 94 GFLOP/s, 64×512×288 81 → 99, 32×2048×288 40 → 83; the AVX-512
	// 8×32 kernel's, which reads B half as often per cycle, went 110 → 101, so it does not copy.
	copyB bool
}

// colFunc sets t[4q + r] = Σ_p a[q·ps + p·as + r]·b[p·ldb] for the panels 4-row micro-panels
// of A (q < panels, r < 4, p < k): one column of C, before alpha and beta.
type colFunc func(k int, a *float32, ps, as int, b *float32, ldb int, t []float32, panels int)

// colEdge is the most columns of a partial micro-panel of B that loopNest computes a column at
// a time with ks.col.
const colEdge = 2

// edgeFunc is a kernelFunc that computes the whole tile but stores only its first rows×cols.
type edgeFunc func(k int, a, b, c *float32, rsa, csa, ldb, ldc int, alpha, beta float32, rows, cols int)

// The portable Go micro-kernels: 2×4 for CPUs with 16 float registers (amd64 with purego),
// 4×4 for those with 32 (arm64 and most others). kernel_amd64.go picks assembly instead.
var (
	genericKernel    = kernelSpec{name: "generic", mr: 2, nr: 4, kc: 256, mc: 64, nc: 1024, small: 32 << 10, fn: kernelGeneric}
	generic4x4Kernel = kernelSpec{name: "generic4x4", mr: 4, nr: 4, kc: 256, mc: 64, nc: 1024, small: 32 << 10, fn: kernelGeneric4x4}
)

// active is the micro-kernel Sgemm uses, chosen at start-up; it is never changed afterwards
// (tests call sgemmKernel with each kernel instead).
var active = bestKernel()

const (
	// parWork is the m·n·k from which Sgemm splits the product across goroutines.
	parWork = 1 << 20
	// directBRows is the most rows of C for which the micro-kernel reads row-major B in place
	// instead of packing it. Each B micro-panel then serves at most directBRows/mr micro-kernel
	// calls; more, and its rows, a row stride apart (4 KiB for n = 1024), would keep evicting
	// each other from the few L1 sets they map to.
	directBRows = 128
)

// sgemmPacked is the pure-Go/asm Sgemm, using up to GOMAXPROCS goroutines.
func sgemmPacked(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmKernel(&active, runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmKernel is sgemmPacked with micro-kernel ks and at most maxw goroutines.
func sgemmKernel(ks *kernelSpec, maxw int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if ks.narrow != nil && n <= ks.narrow.nr {
		ks = ks.narrow
	}
	if k == 0 || alpha == 0 || m*n*k < ks.small {
		sgemmSimple(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if useDot(ks, transA, transB, m, n, k) {
		sgemmDot(ks.dot, maxw, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if swapNT(ks, transA, transB, m, n, k) {
		// Cᵀ = B·Aᵀ: B is read in place, A is the operand transposed into packed panels.
		buf := tmpPool.Get().(*buffers)
		buf.tile = grow(buf.tile, n*m)
		sgemmKernel(ks, maxw, false, true, n, m, k, alpha, b, ldb, a, lda, 0, buf.tile, m)
		addTransposed(c, ldc, buf.tile, m, n, beta)
		tmpPool.Put(buf)
		return
	}
	w := 1
	if m*n*k >= parWork {
		w = maxw
	}
	// When op(B) is stored transposed, the goroutines split C's rows and share the transposing
	// of op(B) into packed panels, instead of each transposing all of it. A row-major B they
	// do not share: each goroutine packs the panels it reads itself (or reads B in place, see
	// blocked). Sharing costs two barriers per kc×nc block, at which a goroutine that was
	// held up (by the operating system, on a busy machine) holds up the other, block after
	// block; packing a row-major B is a copy, and a goroutine's copy of it costs one float per
	// m/w of its multiply-adds. Two goroutines on a Zen 4 (2 vCPUs, other jobs running),
	// wall GFLOP/s, best of 8 alternations, team → own packing: AVX2 n = 256 178 → 212, 384
	// 197 → 210, 1024 211 → 214, 256×676×1152 186 → 203, 425×169×1024 179 → 194; AVX-512
	// n = 256 193 → 223, 512 210 → 216, 512×169×2304 188 → 200.
	if w > 1 && transB && m >= 2*ks.mr {
		teamGemm(ks, min(w, (m+ks.mr-1)/ks.mr), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	splitM := m >= n || splitRows(ks, w, m, n)
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
	tiles := (total + unit - 1) / unit
	// Bands of rows read B in place (when thin enough, see loopNest); but where one goroutine
	// would pack all of B, they pack the last, partial micro-panel whole, as it would, for the
	// same bits (in place, its rows past the last one whose read stays within b would be
	// packed and added in a second pass).
	wholeLast := m > min(ks.mc, directBRows)
	// Each goroutine computes a band of whole tiles: rows [lo, hi) of C if splitM, else columns.
	par.Run(w, func(id, w int) {
		lo, hi := min(total, tiles*id/w*unit), min(total, tiles*(id+1)/w*unit)
		switch {
		case hi <= lo:
		case splitM:
			off := lo * lda
			if transA {
				off = lo
			}
			loopNest(ks, nil, 0, 1, 0, hi-lo, wholeLast, transA, transB, n, k, alpha, a[off:], lda, b, ldb, beta, c[lo*ldc:], ldc)
		default:
			off := lo
			if transB {
				off = lo * ldb
			}
			blocked(ks, transA, transB, m, hi-lo, k, alpha, a, lda, b[off:], ldb, beta, c[lo:], ldc)
		}
	})
}

// swapNT reports whether C = A·Bᵀ (A m×k, B n×k, both row-major) is better computed as
// Cᵀ = B·Aᵀ into a scratch matrix and transposed into C. Packing transposes op(B), n·k values
// (all of a weight matrix, for nn.Linear's x·Wᵀ); swapped, B becomes the broadcast operand,
// which the micro-kernel reads in place when C has few rows (see blocked), and only A (m·k)
// is transposed, plus C's m·n. That pays when B is much larger than A and C together and the
// products are long: a batch of 64 through a 784→256 layer transposes 66 thousand values
// instead of 200 thousand, 3–4% faster on a Zen 4; 32×512×160 was 7% slower swapped.
func swapNT(ks *kernelSpec, transA, transB bool, m, n, k int) bool {
	return transB && !transA && m <= 4*ks.nr && k >= 8*m && n*k >= 2*(m*k+2*m*n)
}

// tmpPool holds the scratch matrices of swapped products.
var tmpPool = sync.Pool{New: func() any { return new(buffers) }}

// addTransposed sets C = Tᵀ + beta·C, C m×n (row stride ldc), T n×m (row stride ldt), not
// reading C when beta is 0. It works in 8×8 blocks, so that both matrices are read a few
// cache lines at a time.
func addTransposed(c []float32, ldc int, t []float32, ldt, n int, beta float32) {
	m := ldt
	for i0 := 0; i0 < m; i0 += 8 {
		for j0 := 0; j0 < n; j0 += 8 {
			for i := i0; i < min(i0+8, m); i++ {
				ci := c[i*ldc+j0 : i*ldc+min(j0+8, n)]
				if beta == 0 {
					for j := range ci {
						ci[j] = t[(j0+j)*ldt+i]
					}
				} else {
					for j := range ci {
						ci[j] = t[(j0+j)*ldt+i] + beta*ci[j]
					}
				}
			}
		}
	}
}

// balance splits n into the fewest blocks of at most limit and returns a block size, a
// multiple of unit, that covers n with that many blocks.
func balance(n, limit, unit int) int {
	blocks := (n + limit - 1) / limit
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
	loopNest(ks, nil, 0, 1, 0, m, false, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// loopNest is blocked for rows [r0, r1) of C. Where it reads a row-major B in place (C has
// few rows, no team), wholeLast packs the last, partial micro-panel whole instead of reading
// the part of it that lies within b in place. With a team of tw, the team's workers each run
// it on their own rows and share the packing of op(B): for each kc×nc block, worker id packs
// its share of the micro-panels into the team's buffer, and all of them meet at a barrier
// before reading the block and again before it is overwritten.
func loopNest(ks *kernelSpec, tm *team, id, tw, r0, r1 int, wholeLast, transA, transB bool, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := ks.mr, ks.nr
	m := r1 - r0
	// Blocks of about equal size, so that no last block is a sliver (n = 1024 with nc = 1008
	// would otherwise repack all of A for 16 columns).
	kc := balance(k, ks.kc, 1)
	mc := balance(max(m, 1), ks.mc, mr)
	nc := balance(n, ks.nc, nr)
	buf := bufPool.Get().(*buffers)
	buf.a = grow(buf.a, mc*kc)
	var pb []float32
	if tm != nil {
		pb = tm.pb
	} else {
		buf.b = grow(buf.b, nc*kc)
		pb = buf.b
	}
	buf.tile = grow(buf.tile, max(mr*nr, mc+mr))
	pa, tile := buf.a, buf.tile
	fn := ks.fn
	// With one block of A rows, each B micro-panel is used for one sweep down C's rows and
	// then dropped: the kernel can read row-major B in place instead of a packed copy, which
	// saves writing and re-reading all of B (it dominates when m is small and n large, as in
	// an im2col convolution). Partial panels are still packed, so that no read runs past B.
	directB := tm == nil && !transB && m <= min(mc, directBRows)
	// But where B's rows lie a multiple of a large power of two apart (an im2col matrix 512 or
	// 2048 columns wide), a micro-panel's rows fall into a few of L1's sets and evict each
	// other: each tile of the sweep reads the panel from L2 again. With ks.copyB such a panel is
	// first copied into contiguous rows (pb), which stay in L1 for the sweep, when there is more
	// than one tile to sweep.
	copyB := directB && ks.copyB && m > mr && fewSets(ldb)
	// Likewise, when C is only a few micro-panels wide, each A micro-panel is used a few
	// times only, and the kernel reads row-major A in place (partial panels are packed).
	directA := !transA && n <= 4*nr
	// A stored transposed (k×m) is already laid out as k-major micro-panels, a row stride
	// apart: full ones are read in place unless C is large in both directions. Measured on a
	// Zen 4, one thread, in place against packed: AVX-512 10×256×64 1.06×, 256×64×128 1.40×,
	// 256×784×64 1.03×, 512³ 1.03×, 1024×256×256 1.09×, but 1024×1024×256 0.97× (AVX2 0.89×:
	// each A micro-panel serves n/nr tiles and its rows, a stride apart, miss more often).
	directAT := transA && (n <= 8*nr || m*n <= 1<<18)
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			be := beta
			if pc > 0 {
				be = 1
			}
			switch {
			case tm != nil:
				panels := (ncb + nr - 1) / nr
				p0, p1 := id*panels/tw, (id+1)*panels/tw
				tm.barrier.Wait(tw) // every worker is done with the previous block
				if p1 > p0 {
					packB(pb[p0*nr*kcb:], transB, b, ldb, pc, kcb, jc+p0*nr, min(ncb, p1*nr)-p0*nr, nr)
				}
				tm.barrier.Wait(tw) // every micro-panel of this block is packed
			case !directB:
				packB(pb, transB, b, ldb, pc, kcb, jc, ncb, nr)
			}
			for ic := r0; ic < r1; ic += mc {
				mcb := min(mc, r1-ic)
				// With directAT, the partial panel too is read in place when the rows its
				// kernel reads (2 or 4 for the short-tile kernels) lie within a.
				full := mcb / mr * mr
				partAT := directAT && full < mcb && (pc+kcb-1)*lda+ic+full+rowsRead(ks, mcb-full) <= len(a)
				if !directA && !directAT {
					packA(pa, transA, a, lda, ic, mcb, pc, kcb, mr)
				} else if full < mcb && !partAT {
					packA(pa[full*kcb:], transA, a, lda, ic+full, mcb-full, pc, kcb, mr)
				}
				packedAll := false // whether all of this block of A is packed in pa
				for jr := 0; jr < ncb; jr += nr {
					preemptible()
					cols := min(nr, ncb-jr)
					if cols <= colEdge && ks.col != nil {
						// The last column or two, a column at a time for the whole block (the
						// same for every split of the product: a partial panel is always the
						// last n mod nr columns).
						if directA && !packedAll {
							packA(pa, transA, a, lda, ic, mcb, pc, kcb, mr)
							packedAll = true
						}
						for j := jr; j < jr+cols; j++ {
							bp, bs := &pb[jr*kcb+j-jr], nr
							if directB {
								bp, bs = &b[pc*ldb+jc+j], ldb
							}
							t := tile[:(mcb+mr-1)/mr*mr]
							switch {
							case directAT && (full == mcb || partAT):
								ks.col(kcb, &a[pc*lda+ic], mr, lda, bp, bs, t, len(t)/mr)
							case directAT:
								ks.col(kcb, &a[pc*lda+ic], mr, lda, bp, bs, t, full/mr)
								ks.col(kcb, &pa[full*kcb], mr*kcb, mr, bp, bs, t[full:], 1)
							default:
								ks.col(kcb, &pa[0], mr*kcb, mr, bp, bs, t, len(t)/mr)
							}
							for i := range mcb {
								ci := &c[(ic+i)*ldc+jc+j]
								v := alpha * t[i]
								if be != 0 {
									v = be**ci + v
								}
								*ci = v
							}
						}
						continue
					}
					// The narrowest kernel that covers the columns (they share mr, so it reads
					// the same A micro-panel and the first e.nr columns of the B one).
					e := ks
					for e.narrow != nil && e.narrow.mr == mr && cols <= e.narrow.nr {
						e = e.narrow
					}
					var bp, bq *float32
					bs, kIn := nr, kcb
					switch {
					case !directB:
						bp = &pb[jr*kcb]
					case cols == nr && copyB:
						vec.CopyRows(pb, nr, b[pc*ldb+jc+jr:], ldb, kcb, nr)
						bp = &pb[0]
					case cols == nr:
						bp, bs = &b[pc*ldb+jc+jr], ldb
					default:
						// A partial panel, read in place up to the last row whose e.nr-wide
						// read stays within b (the columns past n are read but not stored),
						// and packed from there (the last row of an im2col matrix, say):
						// packing all of a 9-column edge panel took a fifth of 16×169×144.
						kIn = 0
						if !wholeLast {
							kIn = inPlaceRows(len(b), ldb, pc, jc+jr, e.nr, kcb)
						}
						if kIn > 0 {
							bp, bs = &b[pc*ldb+jc+jr], ldb
						}
						if kIn < kcb {
							packB(pb, false, b, ldb, pc+kIn, kcb-kIn, jc+jr, cols, nr)
							bq = &pb[0]
						}
						if kIn == 0 {
							bp, bq, kIn = bq, nil, kcb
						}
					}
					for ir := 0; ir < mcb; ir += mr {
						rows := min(mr, mcb-ir)
						ap, rsa, csa := &pa[ir*kcb], 1, mr
						if directA && rows == mr {
							ap, rsa, csa = &a[(ic+ir)*lda+pc], lda, 1
						}
						if directAT && (rows == mr || partAT) {
							ap, rsa, csa = &a[pc*lda+ic+ir], 1, lda
						}
						off := (ic+ir)*ldc + jc + jr
						if rows == mr && cols == nr {
							fn(kcb, ap, bp, &c[off], rsa, csa, bs, ldc, alpha, be)
							continue
						}
						runTile(e, kIn, ap, bp, c, off, rsa, csa, bs, ldc, alpha, be, rows, cols, tile)
						if bq != nil {
							// The packed rest of the panel, added to what the first part stored.
							ap := unsafe.Add(unsafe.Pointer(ap), kIn*csa*4)
							runTile(e, kcb-kIn, (*float32)(ap), bq, c, off, rsa, csa, nr, ldc, alpha, 1, rows, cols, tile)
						}
					}
				}
			}
		}
	}
	bufPool.Put(buf)
}

// inPlaceRows is the number of rows p < kc of a panel of B starting at row p0 and column j0
// (row stride ldb) whose first w values lie within the n values of b.
func inPlaceRows(n, ldb, p0, j0, w, kc int) int {
	if n < p0*ldb+j0+w {
		return 0
	}
	return min(kc, (n-j0-w)/ldb+1-p0)
}

// rowsRead is the number of rows of A that runTile's kernel reads for a tile of rows rows.
func rowsRead(ks *kernelSpec, rows int) int {
	switch {
	case rows <= 2 && ks.edge2 != nil:
		return 2
	case rows <= 4 && ks.edge4 != nil:
		return 4
	}
	return ks.mr
}

// runTile computes the partial rows×cols tile of C at c[off:] with kernel e (of ks's height):
// through its 2- or 4-row or opmask edge kernels, or through the scratch tile.
func runTile(e *kernelSpec, k int, ap, bp *float32, c []float32, off, rsa, csa, bs, ldc int, alpha, be float32, rows, cols int, tile []float32) {
	switch {
	case rows <= 2 && e.edge2 != nil:
		e.edge2(k, ap, bp, &c[off], rsa, csa, bs, ldc, alpha, be, rows, cols)
	case rows <= 4 && e.edge4 != nil:
		e.edge4(k, ap, bp, &c[off], rsa, csa, bs, ldc, alpha, be, rows, cols)
	case e.edge != nil:
		e.edge(k, ap, bp, &c[off], rsa, csa, bs, ldc, alpha, be, rows, cols)
	default:
		nr := e.nr
		e.fn(k, ap, bp, &tile[0], rsa, csa, bs, nr, alpha, 0)
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

// team is a group of goroutines that compute one product together, each its own rows of C,
// sharing the packed blocks of op(B) (loopNest).
type team struct {
	pb      []float32 // the packed kc×nc block of op(B)
	barrier par.Barrier
}

var teamPool = sync.Pool{New: func() any { return new(team) }}

// teamGemm computes the product on up to w goroutines (par.Run's), each its own band of C's
// rows in whole micro-tiles, sharing the packing of op(B).
func teamGemm(ks *kernelSpec, w int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tm := teamPool.Get().(*team)
	tm.pb = grow(tm.pb, balance(n, ks.nc, ks.nr)*balance(k, ks.kc, 1))
	tiles := (m + ks.mr - 1) / ks.mr
	par.Run(w, func(id, w int) {
		r0, r1 := min(m, id*tiles/w*ks.mr), min(m, (id+1)*tiles/w*ks.mr)
		if w == 1 {
			loopNest(ks, nil, 0, 1, r0, r1, false, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
		loopNest(ks, tm, id, w, r0, r1, false, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	})
	teamPool.Put(tm)
}

// packA copies rows [i0, i0+mc) × columns [p0, p0+kc) of op(A) into dst as ⌈mc/mr⌉ micro-panels,
// each kc×mr k-major, zero-padding the last panel's missing rows.
func packA(dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc, mr int) {
	if transA {
		packRows(dst, mr, a[p0*lda+i0:], lda, kc, mc)
		return
	}
	for ip := 0; ip < mc; ip += mr {
		transposeFast(dst[ip*kc:ip*kc+mr*kc], mr, a[(i0+ip)*lda+p0:], lda, min(mr, mc-ip), kc)
	}
}

// packB copies rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) into dst as ⌈nc/nr⌉ micro-panels,
// each kc×nr k-major, zero-padding the last panel's missing columns.
func packB(dst []float32, transB bool, b []float32, ldb, p0, kc, j0, nc, nr int) {
	if !transB {
		packRows(dst, nr, b[p0*ldb+j0:], ldb, kc, nc)
		return
	}
	for jp := 0; jp < nc; jp += nr {
		transposeFast(dst[jp*kc:jp*kc+nr*kc], nr, b[(j0+jp)*ldb+p0:], ldb, min(nr, nc-jp), kc)
	}
}

// packRows copies the k×n matrix src (row stride lds) into ⌈n/w⌉ micro-panels of dst, each
// k×w row-major (panel q at dst[q·w·k:]), zero-padding the last panel's missing columns. It
// walks src row by row, so that its reads are sequential (a panel at a time would read a few
// floats from each of k rows a stride apart, which the hardware prefetchers follow less well:
// two to three times slower for a B of a few MB).
func packRows(dst []float32, w int, src []float32, lds, k, n int) {
	full := n / w
	if full > 0 {
		// Row p's full panels' pieces, a panel (w·k) apart in dst: one call per row, not a
		// memmove per piece (3–5% of AVX2 products' time, 256² and 512×169×2304).
		for p := range k {
			vec.CopyRows(dst[p*w:], w*k, src[p*lds:], w, full, w)
		}
	}
	if full*w < n {
		copyRows(dst[full*w*k:full*w*k+w*k], w, src[full*w:], lds, k, n-full*w)
	}
}

// copyRows sets row p of d (stride w) to the first n values of row p of src (stride lds), for
// p < k, and zeroes the rest of each row of d: packRows' partial last panel (n < w).
func copyRows(d []float32, w int, src []float32, lds, k, n int) {
	for p := range k {
		dd := d[p*w : p*w+w]
		copy(dd, src[p*lds:p*lds+n])
		clear(dd[n:])
	}
}

// transpose sets d[p·w + r] = src[r·lds + p] for r < n, p < k (column r of the k×w panel d
// is row r of src) and zeroes columns n…w−1 of d.
func transpose(d []float32, w int, src []float32, lds, n, k int) {
	r := 0
	// Four rows at a time, so that each step writes four adjacent values. The slice
	// expressions check the bounds once; the loop then indexes without checks.
	for ; r+4 <= n; r += 4 {
		_ = src[(r+3)*lds : (r+3)*lds+k]
		_ = d[r : (k-1)*w+r+4]
		s0 := unsafe.Pointer(&src[r*lds])
		d0 := unsafe.Pointer(&d[r])
		rs := uintptr(lds) * 4
		for p := range uintptr(k) {
			q := (*[4]float32)(unsafe.Add(d0, p*uintptr(w)*4))
			s := unsafe.Add(s0, p*4)
			q[0] = *(*float32)(s)
			q[1] = *(*float32)(unsafe.Add(s, rs))
			q[2] = *(*float32)(unsafe.Add(s, 2*rs))
			q[3] = *(*float32)(unsafe.Add(s, 3*rs))
		}
	}
	for ; r < n; r++ {
		s := src[r*lds : r*lds+k]
		for p, v := range s {
			d[p*w+r] = v
		}
	}
	for ; r < w; r++ {
		for p := range k {
			d[p*w+r] = 0
		}
	}
}

// preemptible lets the Go runtime stop the goroutine here if it has asked to, between two
// calls of the assembly micro-kernels, which it cannot interrupt: its stack check is where a
// goroutine notices a preemption request without a signal. Without it, the collector's
// stop-the-world phases and ragged barriers find a product's goroutines inside the kernels
// nearly every time they signal them, and signal again and again (an interrupt to the other
// core each time): 2 × 256³ products that allocate their result, and so run the collector
// every few products, reached 100 GFLOP/s without it and 124 with it (AMD EPYC Zen 4). A call
// costs a few ns against the micro-second of a kernel call.
//
//go:noinline
func preemptible() { preemptCheck() }

// preemptCheck is preemptible's callee: a function that calls another has the stack check
// that a leaf function of a small frame is compiled without.
//
//go:noinline
func preemptCheck() {}

// splitRows reports whether w goroutines should split a product wider than tall (m < n) by
// rows of C rather than by columns: when each band of rows is still tall enough to read B
// in place (directBRows) and whole-tile bands of columns would be less even than bands of
// rows. 256×676×1152 with 32-wide tiles splits into 11 and 10⅛ tiles of columns (4% uneven)
// but 16 and 16 tiles of rows. Zen 4, two goroutines, wall GFLOP/s, best of 4 alternated runs,
// columns → rows: AVX-512 256×676×1152 186 → 207, 256×784×576 207 → 221, 256×1000×256 208 →
// 221, 300×700×500 205 → 212; AVX2 256×676×1152 203 → 204, 256×784×64 200 → 208, 300×700×500
// 204 → 201.
func splitRows(ks *kernelSpec, w, m, n int) bool {
	if m/w < directBRows {
		return false
	}
	uneven := func(total, unit int) float64 { // the widest band over the mean band
		tiles := (total + unit - 1) / unit
		return float64((tiles+w-1)/w*unit) / (float64(total) / float64(w))
	}
	return uneven(m, ks.mr) < uneven(n, ks.nr)
}

// fewSets reports whether rows of B ldb floats apart fall into at most two of the 64 set
// offsets of a 32 KiB 8-way L1 (the stride a multiple of 2 KiB), where no more than 16 of a
// micro-panel's lines fit. Zen 4, one thread, AVX2, 32×n×288 with a copy against without: n =
// 512 1.12×, 1024 and 4096 2.0–2.3×; but n = 768, 384, 832 (4 to 16 offsets) 0.95× and
// 64×10816×288 0.90×: there the rows mostly stay in L1 and the copy is overhead.
func fewSets(ldb int) bool { return ldb%512 == 0 }
