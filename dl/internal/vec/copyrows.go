package vec

// copyRowsGeneric is CopyRows in plain Go.
func copyRowsGeneric(dst []float32, ldd int, src []float32, lds, rows, w int) {
	for r := range rows {
		copy(dst[r*ldd:r*ldd+w], src[r*lds:r*lds+w])
	}
}
