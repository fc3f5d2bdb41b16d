//go:build amd64 && !purego

package gemm

//go:noescape
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// readCaches reads the sizes of the L1 data, L2 and L3 caches from CPUID: leaf 4 on Intel,
// leaf 0x8000001D on AMD (same layout), one sub-leaf per cache. It returns zeros for what the
// CPU (or hypervisor) does not report.
func readCaches() (c caches) {
	max0, _, _, _ := cpuid(0, 0)
	maxExt, _, _, _ := cpuid(0x80000000, 0)
	leaf := uint32(0)
	switch {
	case maxExt >= 0x8000001D:
		if _, _, ecx, _ := cpuid(0x80000001, 0); ecx&(1<<22) != 0 { // TOPOEXT
			leaf = 0x8000001D
		}
	}
	if leaf == 0 && max0 >= 4 {
		leaf = 4
	}
	if leaf == 0 {
		return c
	}
	for sub := uint32(0); sub < 16; sub++ {
		eax, ebx, ecx, _ := cpuid(leaf, sub)
		typ := eax & 0x1f
		if typ == 0 {
			break
		}
		if typ == 2 { // instruction cache
			continue
		}
		ways := int(ebx>>22&0x3ff) + 1
		parts := int(ebx>>12&0x3ff) + 1
		line := int(ebx&0xfff) + 1
		sets := int(ecx) + 1
		size := ways * parts * line * sets
		switch eax >> 5 & 7 {
		case 1:
			c.l1 = size
		case 2:
			c.l2 = size
		case 3:
			c.l3 = size
		}
	}
	return c
}
