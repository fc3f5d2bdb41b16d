package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxIDXElems bounds the size an idx header may announce (1 GiB of bytes), so a corrupt header
// cannot make the reader allocate without limit.
const maxIDXElems = 1 << 30

// ReadIDX reads an idx file of unsigned bytes (the MNIST format: magic 0x0000080D, where D is the
// number of dimensions, then D big-endian uint32 sizes, then the bytes in row-major order).
// It returns the dimensions and the data. Errors say what is wrong: bad magic, unsupported type,
// truncated data, trailing bytes.
func ReadIDX(r io.Reader) (dims []int, data []byte, err error) {
	var magic uint32
	if err := binary.Read(r, binary.BigEndian, &magic); err != nil {
		return nil, nil, fmt.Errorf("idx: reading header: %w", eofIsTruncated(err))
	}
	if magic>>16 != 0 {
		return nil, nil, fmt.Errorf("idx: bad magic number %#08x (want 0x000008xx)", magic)
	}
	if typ := (magic >> 8) & 0xff; typ != 0x08 {
		return nil, nil, fmt.Errorf("idx: element type %#02x not supported (only 0x08, unsigned byte)", typ)
	}
	nd := int(magic & 0xff)
	if nd == 0 || nd > 8 {
		return nil, nil, fmt.Errorf("idx: %d dimensions not supported (1 to 8)", nd)
	}
	dims = make([]int, nd)
	n := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("idx: reading dimension %d: %w", i, eofIsTruncated(err))
		}
		dims[i] = int(d)
		if d == 0 || n > maxIDXElems/int(d) {
			return nil, nil, fmt.Errorf("idx: dimensions %v announce %s elements (at most %d)", dims[:i+1], sizeWord(d), maxIDXElems)
		}
		n *= int(d)
	}
	// Grow the buffer as data arrives rather than trusting the header's size up front.
	buf := bytes.NewBuffer(make([]byte, 0, min(n, 1<<20)))
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(n))); err != nil {
		return nil, nil, fmt.Errorf("idx: reading data: %w", err)
	}
	if buf.Len() != n {
		return nil, nil, fmt.Errorf("idx: truncated: dimensions %v need %d data bytes, got %d", dims, n, buf.Len())
	}
	data = buf.Bytes()
	k, err := io.CopyN(io.Discard, r, 1)
	if k != 0 {
		return nil, nil, fmt.Errorf("idx: trailing bytes after %d data bytes (dimensions %v)", n, dims)
	}
	if err != nil && err != io.EOF {
		return nil, nil, fmt.Errorf("idx: corrupt after the data: %w", err)
	}
	return dims, data, nil
}

func sizeWord(d uint32) string {
	if d == 0 {
		return "zero"
	}
	return "too many"
}

func eofIsTruncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("truncated file")
	}
	return err
}

// ReadIDXFile reads an idx file, gunzipping it if its name ends in ".gz". Errors name the file.
func ReadIDXFile(path string) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: not a gzip file: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	dims, data, err = ReadIDX(r)
	if err != nil {
		// A gzip stream cut short surfaces as an unexpected EOF inside ReadIDX.
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return dims, data, nil
}
