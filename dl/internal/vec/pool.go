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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maxPool2x2Rows is MaxPool2x2 a row at a time through MaxPairs.
func maxPool2x2Rows(out, in []float32, H, W, OH, OW int) {
	HW, P := H*W, OH*OW
	for pl := range len(out) / P {
		x, o := in[pl*HW:(pl+1)*HW], out[pl*P:(pl+1)*P]
		for i := range OH {
			MaxPairs(o[i*OW:(i+1)*OW], x[2*i*W:2*i*W+2*OW], x[(2*i+1)*W:(2*i+1)*W+2*OW])
		}
	}
}

// maxPairsCodeGeneric is one row of MaxPool2x2Arg: dst[j] is the maximum of window j (r0[2j],
// r0[2j+1], r1[2j], r1[2j+1]) and code[j] = col + 2·row the position of its first maximum in
// row-major order. It is branch-free (the position of the maximum in random data defeats branch
// prediction): the pairs in each row are reduced first, then the two rows, ties keeping the
// earlier element.
func maxPairsCodeGeneric(dst []float32, code []uint8, r0, r1 []float32) {
	code = code[:len(dst)]
	r0, r1 = r0[:2*len(dst)], r1[:2*len(dst)]
	for j := range dst {
		p, q := r0[2*j:2*j+2:2*j+2], r1[2*j:2*j+2:2*j+2]
		i0 := b2i(p[1] > p[0])
		i1 := b2i(q[1] > q[0])
		m0, m1 := max(p[0], p[1]), max(q[0], q[1])
		row := b2i(m1 > m0)
		col := i0 + row*(i1-i0)
		dst[j] = max(m0, m1)
		code[j] = uint8(col + 2*row)
	}
}

// maxPool2x2ArgGeneric is MaxPool2x2Arg a row at a time through maxPairsCodeGeneric.
func maxPool2x2ArgGeneric(out []float32, code []uint8, in []float32, H, W, OH, OW int) {
	HW, P := H*W, OH*OW
	for pl := range len(out) / P {
		x, o, c := in[pl*HW:(pl+1)*HW], out[pl*P:(pl+1)*P], code[pl*P:(pl+1)*P]
		for i := range OH {
			maxPairsCodeGeneric(o[i*OW:(i+1)*OW], c[i*OW:(i+1)*OW], x[2*i*W:2*i*W+2*OW], x[(2*i+1)*W:(2*i+1)*W+2*OW])
		}
	}
}

// maxPool2x2BackGeneric is MaxPool2x2Back as a scatter: g[window element code[o]] += d[o].
func maxPool2x2BackGeneric(g, d []float32, code []uint8, H, W, OH, OW int) {
	HW, P := H*W, OH*OW
	for pl := range len(d) / P {
		gp, dp, cp := g[pl*HW:(pl+1)*HW], d[pl*P:(pl+1)*P], code[pl*P:(pl+1)*P]
		for i := range OH {
			for j := range OW {
				c := int(cp[i*OW+j])
				gp[(2*i+c>>1)*W+2*j+c&1] += dp[i*OW+j]
			}
		}
	}
}

// poolPlanes checks the arguments of MaxPool2x2, MaxPool2x2Arg and MaxPool2x2Back and returns the number of
// planes.
func poolPlanes(nIn, nOut, nArg, H, W, OH, OW int) int {
	if OH < 1 || OW < 1 || 2*OH > H || 2*OW > W {
		panic("vec: bad 2×2 pooling geometry")
	}
	n := nOut / (OH * OW)
	if nOut != n*OH*OW || nArg != nOut || nIn != n*H*W {
		panic("vec: 2×2 pooling buffers do not match the geometry")
	}
	return n
}
