package darknet

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Header is the header of a Darknet .weights file.
type Header struct {
	Major, Minor, Revision int32
	Seen                   int64 // images seen in training
	Size                   int   // bytes: 20 when Seen is 64-bit (version ≥ 0.2), else 16
}

// Floats returns the number of float32 values the weights file of n holds after its header:
// per convolutional layer, the biases, then (with batch normalisation) scales, rolling means
// and rolling variances, then the filters.
func (n *Net) Floats() int {
	t := 0
	for _, l := range n.Layers {
		t += l.floats()
	}
	return t
}

func (l *Layer) floats() int {
	if l.Kind != Conv {
		return 0
	}
	f := l.Filters
	if l.BatchNorm {
		f *= 4
	}
	return f + l.Filters*l.In[0]*l.Size*l.Size
}

// LoadWeights reads Darknet weights from r (name is the file name used in errors) into n's
// convolutional layers, folding batch normalisation into the filters and biases:
// w′ = w·γ/(√σ² + 10⁻⁶), b′ = β − μ·γ/(√σ² + 10⁻⁶), Darknet's own normalisation. size is the
// file's length in bytes, or -1 if unknown. A file of the wrong length is an error naming the
// file, the counts and, when it is short, the first layer that it does not cover.
func (n *Net) LoadWeights(r io.Reader, size int64, name string) (Header, error) {
	var h Header
	var v [3]int32
	if err := binary.Read(r, binary.LittleEndian, &v); err != nil {
		return h, fmt.Errorf("darknet: %s: reading the header: %w", name, noEOF(err))
	}
	h.Major, h.Minor, h.Revision = v[0], v[1], v[2]
	if h.Major < 0 || h.Minor < 0 || h.Major > 1000 || h.Minor > 1000 {
		return h, fmt.Errorf("darknet: %s: header version %d.%d.%d is not a Darknet weights file", name, h.Major, h.Minor, h.Revision)
	}
	if h.Major*10+h.Minor >= 2 {
		if err := binary.Read(r, binary.LittleEndian, &h.Seen); err != nil {
			return h, fmt.Errorf("darknet: %s: reading the header: %w", name, noEOF(err))
		}
		h.Size = 20
	} else {
		var s int32
		if err := binary.Read(r, binary.LittleEndian, &s); err != nil {
			return h, fmt.Errorf("darknet: %s: reading the header: %w", name, noEOF(err))
		}
		h.Seen, h.Size = int64(s), 16
	}
	want := n.Floats()
	if size >= 0 {
		have := size - int64(h.Size)
		if have != 4*int64(want) {
			return h, n.sizeError(name, have, want)
		}
	}
	buf := make([]byte, 0)
	read := func(dst []float32) error {
		if cap(buf) < 4*len(dst) {
			buf = make([]byte, 4*len(dst))
		}
		b := buf[:4*len(dst)]
		if _, err := io.ReadFull(r, b); err != nil {
			return err
		}
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return nil
	}
	done := int64(0)
	for _, l := range n.Layers {
		if l.Kind != Conv {
			continue
		}
		F := l.Filters
		vals := make([]float32, l.floats())
		if err := read(vals); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return h, fmt.Errorf("darknet: %s: truncated in layer %d (%s, %d filters %d×%d×%d): needs %d floats from float %d, the file ends before (the cfg needs %d floats in all)",
					name, l.Index, l.Name, F, l.In[0], l.Size, l.Size, len(vals), done, want)
			}
			return h, fmt.Errorf("darknet: %s: layer %d (%s): %w", name, l.Index, l.Name, err)
		}
		done += int64(len(vals))
		bias, w := vals[:F], vals[len(vals)-F*l.In[0]*l.Size*l.Size:]
		wd, bd := l.Weight.Data(), l.Bias.Data()
		copy(wd, w)
		copy(bd, bias)
		if l.BatchNorm {
			scale, mean, variance := vals[F:2*F], vals[2*F:3*F], vals[3*F:4*F]
			k := len(wd) / F
			for f := range F {
				s := scale[f] / (float32(math.Sqrt(float64(variance[f]))) + .000001)
				for i := range k {
					wd[f*k+i] *= s
				}
				bd[f] = bias[f] - mean[f]*s
			}
		}
		for i, x := range vals {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return h, fmt.Errorf("darknet: %s: layer %d (%s): value %d is %v", name, l.Index, l.Name, i, x)
			}
		}
	}
	if size < 0 {
		var one [1]byte
		if k, _ := io.ReadFull(r, one[:]); k > 0 {
			return h, fmt.Errorf("darknet: %s: the file has data after the %d floats that %s needs", name, want, n.Name)
		}
	}
	return h, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// sizeError describes a weights file holding have bytes after its header where the network
// needs want floats.
func (n *Net) sizeError(name string, have int64, want int) error {
	if have > 4*int64(want) || have%4 != 0 {
		return fmt.Errorf("darknet: %s: %d bytes after the header, want %d floats (%d bytes) for %s: the file does not match the cfg",
			name, have, want, 4*want, n.Name)
	}
	done := int64(0)
	for _, l := range n.Layers {
		f := int64(l.floats())
		if done+f > have/4 {
			return fmt.Errorf("darknet: %s: truncated: %d floats after the header, want %d for %s; layer %d (%s, %d filters %d×%d×%d) needs floats %d…%d",
				name, have/4, want, n.Name, l.Index, l.Name, l.Filters, l.In[0], l.Size, l.Size, done, done+f)
		}
		done += f
	}
	return fmt.Errorf("darknet: %s: %d bytes after the header, want %d", name, have, 4*want)
}

// LoadWeightsFile reads the weights file at path into n (see LoadWeights).
func (n *Net) LoadWeightsFile(path string) (Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, fmt.Errorf("darknet: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Header{}, fmt.Errorf("darknet: %w", err)
	}
	return n.LoadWeights(bufio.NewReaderSize(f, 1<<20), st.Size(), path)
}

// Load builds the network of the .cfg file at cfgPath and loads the weights file at
// weightsPath into it.
func Load(cfgPath, weightsPath string) (*Net, error) {
	cfg, err := ParseConfigFile(cfgPath)
	if err != nil {
		return nil, err
	}
	n, err := NewNet(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := n.LoadWeightsFile(weightsPath); err != nil {
		return nil, err
	}
	return n, nil
}
