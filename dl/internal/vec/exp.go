package vec

// ExpReduced returns eʳ for r reduced to [−ln2/2, ln2/2] (x = n·ln 2 + r), to about 2 ulp:
// Cephes' expf polynomial, 1 + r + r²·p(r). Callers scale the result by 2ⁿ; dl's expInto and
// dl/nn's expf share it.
func ExpReduced(r float32) float32 {
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	return p*r*r + r + 1
}
