package vec

// Inside returns the output positions [lo, hi) of a stride-1 convolution, m along one axis, at
// which a tap at offset off reads the image, n along that axis: 0 ≤ i + off < n. Empty, lo = hi,
// if none.
func Inside(off, n, m int) (lo, hi int) {
	lo = min(max(0, -off), m)
	return lo, max(lo, min(m, n-off))
}
