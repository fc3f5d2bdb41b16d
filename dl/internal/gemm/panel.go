package gemm

// PanelWidth is the number of columns of C the active micro-kernel computes at once (its nr:
// 32 for AVX-512, 24 for AVX2, 4 for the portable kernels). A caller that stores a constant
// B operand in column panels this wide, each panel k×PanelWidth row-major and contiguous, and
// multiplies panel by panel (Sgemm with n = PanelWidth and ldb = PanelWidth) has the kernel
// read B contiguously, as from a packed panel, without packing it at every call.
func PanelWidth() int { return active.nr }
