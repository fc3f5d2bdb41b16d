package vec

func maxPairsGeneric(dst, r0, r1 []float32) {
	r0, r1 = r0[:2*len(dst)], r1[:2*len(dst)]
	for j := range dst {
		a, b := r0[2*j], r0[2*j+1]
		if b > a {
			a = b
		}
		if c := r1[2*j]; c > a {
			a = c
		}
		if c := r1[2*j+1]; c > a {
			a = c
		}
		dst[j] = a
	}
}

func biasLeakyGeneric(x []float32, b, slope float32) {
	for i, v := range x {
		v += b
		if s := slope * v; s > v {
			v = s
		}
		x[i] = v
	}
}
