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

// maxPool2x2ArgRows is MaxPool2x2Arg a row at a time through MaxPairsArg.
func maxPool2x2ArgRows(out []float32, arg []int32, in []float32, H, W, OH, OW int) {
	HW, P := H*W, OH*OW
	for pl := range len(out) / P {
		x, o, a := in[pl*HW:(pl+1)*HW], out[pl*P:(pl+1)*P], arg[pl*P:(pl+1)*P]
		for i := range OH {
			MaxPairsArg(o[i*OW:(i+1)*OW], a[i*OW:(i+1)*OW], x[2*i*W:2*i*W+2*OW], x[(2*i+1)*W:(2*i+1)*W+2*OW], int32(2*i*W), int32(W))
		}
	}
}

// maxPool2x2BackGeneric is MaxPool2x2Back as a scatter: g[arg[o]] += d[o].
func maxPool2x2BackGeneric(g, d []float32, arg []int32, H, W, OH, OW int) {
	HW, P := H*W, OH*OW
	for pl := range len(d) / P {
		gp, dp := g[pl*HW:(pl+1)*HW], d[pl*P:(pl+1)*P]
		for i, ai := range arg[pl*P : (pl+1)*P] {
			gp[ai] += dp[i]
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
