package gemm

// caches holds the sizes in bytes of the L1 data, L2 and L3 caches (0 where unknown).
type caches struct{ l1, l2, l3 int }

// cpuCaches are this CPU's cache sizes, read once at start-up.
var cpuCaches = readCaches()

// sized returns ks with its cache blocking chosen for caches c (the GotoBLAS/BLIS rules): a
// kc×nr micro-panel of B fills the L1 data cache at most (ks.l1B quarters of it, when set), so
// that it stays there while the micro-kernel sweeps A's micro-panels past it; the mc×kc block
// of A fills at most half of L2 (ks.l2A quarters, when set); the kc×nc block of B at most a
// quarter of L3, which the cores share. Sizes the CPU does not report keep ks's defaults
// (which suit a 32 KiB L1, 1 MiB L2).
func (ks kernelSpec) sized(c caches) kernelSpec {
	const f = 4 // bytes per float32
	l1B, l2A := 4, 2
	if ks.l1B > 0 {
		l1B = ks.l1B
	}
	if ks.l2A > 0 {
		l2A = ks.l2A
	}
	if c.l1 >= 16<<10 {
		ks.kc = max(64, min(512, c.l1*l1B/4/(ks.nr*f)/16*16))
	}
	if c.l2 >= 128<<10 {
		ks.mc = max(ks.mr, min(1024, c.l2*l2A/4/(ks.kc*f))/ks.mr*ks.mr)
	}
	if c.l3 >= 1<<20 {
		ks.nc = max(ks.nr, min(4096, c.l3/4/(ks.kc*f))/ks.nr*ks.nr)
	}
	if ks.narrow != nil {
		n := ks.narrow.sized(c)
		ks.narrow = &n
	}
	return ks
}
