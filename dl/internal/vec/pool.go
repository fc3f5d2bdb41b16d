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

// maxPairsArgGeneric is branch-free (the position of the maximum in random data defeats branch
// prediction): the pairs in each row are reduced first, then the two rows, ties keeping the
// earlier element.
func maxPairsArgGeneric(dst []float32, arg []int32, r0, r1 []float32, base, w int32) {
	arg = arg[:len(dst)]
	r0, r1 = r0[:2*len(dst)], r1[:2*len(dst)]
	for j := range dst {
		p, q := r0[2*j:2*j+2:2*j+2], r1[2*j:2*j+2:2*j+2]
		i0 := b2i(p[1] > p[0])
		i1 := b2i(q[1] > q[0])
		m0, m1 := max(p[0], p[1]), max(q[0], q[1])
		row := b2i(m1 > m0)
		col := i0 + row*(i1-i0)
		dst[j] = max(m0, m1)
		arg[j] = base + int32(2*j+col) + int32(row)*w
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
