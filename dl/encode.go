package dl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Binary layout of a Tensor (MarshalBinary, GobEncode):
//
//	byte 0      version (1)
//	byte 1      flags: bit 0 set if the tensor requires a gradient
//	uvarint     number of dimensions n
//	n uvarints  the dimensions
//	4·Len bytes the values, float32 little-endian, row-major
//
// The gradient and the autograd history are not encoded.
const encodeVersion = 1

// maxDecodeElems bounds the element count a decoded header may claim (2³¹), so that corrupt
// input cannot make UnmarshalBinary allocate without limit.
const maxDecodeElems = 1 << 31

// MarshalBinary implements encoding.BinaryMarshaler: it encodes t's shape, values and whether
// it requires a gradient. The gradient and the autograd history are not encoded.
func (t *Tensor) MarshalBinary() ([]byte, error) {
	buf := make([]byte, 0, 2+binary.MaxVarintLen64*(1+len(t.shape))+4*len(t.data))
	var flags byte
	if t.requiresGrad {
		flags |= 1
	}
	buf = append(buf, encodeVersion, flags)
	buf = binary.AppendUvarint(buf, uint64(len(t.shape)))
	for _, d := range t.shape {
		buf = binary.AppendUvarint(buf, uint64(d))
	}
	for _, v := range t.data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	return buf, nil
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler, replacing t's shape and values with
// those encoded by MarshalBinary (t's gradient and autograd history are dropped). It returns an
// error naming the problem if data is truncated, has trailing bytes or an unknown version.
func (t *Tensor) UnmarshalBinary(data []byte) error {
	if len(data) < 2 {
		return errors.New("dl: Tensor.UnmarshalBinary: truncated header")
	}
	if data[0] != encodeVersion {
		return fmt.Errorf("dl: Tensor.UnmarshalBinary: unknown encoding version %d (want %d)", data[0], encodeVersion)
	}
	flags := data[1]
	p := data[2:]
	nd, k := binary.Uvarint(p)
	if k <= 0 || nd > 64 {
		return errors.New("dl: Tensor.UnmarshalBinary: bad number of dimensions")
	}
	p = p[k:]
	shape := make([]int, nd)
	n, bound := uint64(1), uint64(1) // bound counts empty dimensions as 1, as checkShape does
	for i := range shape {
		d, k := binary.Uvarint(p)
		if k <= 0 || d > maxDecodeElems {
			return fmt.Errorf("dl: Tensor.UnmarshalBinary: bad dimension %d", i)
		}
		p = p[k:]
		shape[i] = int(d)
		n *= d
		bound *= max(d, 1)
		if bound > maxDecodeElems {
			return fmt.Errorf("dl: Tensor.UnmarshalBinary: shape %v too large", shape[:i+1])
		}
	}
	if uint64(len(p)) != 4*n {
		return fmt.Errorf("dl: Tensor.UnmarshalBinary: shape %v needs %d bytes of values, have %d", shape, 4*n, len(p))
	}
	vals := make([]float32, n)
	for i := range vals {
		vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
	*t = Tensor{data: vals, shape: shape, requiresGrad: flags&1 != 0}
	return nil
}

// GobEncode implements gob.GobEncoder with MarshalBinary's layout, so tensors (and structs and
// slices holding them) can be kept with encoding/gob, e.g. by GoNB's cache package.
func (t *Tensor) GobEncode() ([]byte, error) { return t.MarshalBinary() }

// GobDecode implements gob.GobDecoder; see UnmarshalBinary.
func (t *Tensor) GobDecode(data []byte) error { return t.UnmarshalBinary(data) }
