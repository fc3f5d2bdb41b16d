package datasets

import (
	"bufio"
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
	// Grow the buffer as data arrives rather than trusting the header's size up front.
	dims, err = readIDX(r, func(n int) { data = make([]byte, 0, min(n, 1<<20)) },
		func(chunk []byte) { data = append(data, chunk...) })
	if err != nil {
		return nil, nil, err
	}
	return dims, data, nil
}

// readIDX reads an idx stream as ReadIDX describes, calling start with the number of data bytes
// the header announces and then chunk with the data as it arrives, in order, in pieces of at most
// 64 KiB (chunk must not keep its argument). Its errors are ReadIDX's.
func readIDX(r io.Reader, start func(n int), chunk func([]byte)) (dims []int, err error) {
	var magic uint32
	if err := binary.Read(r, binary.BigEndian, &magic); err != nil {
		return nil, fmt.Errorf("idx: reading header: %w", eofIsTruncated(err))
	}
	if magic>>16 != 0 {
		return nil, fmt.Errorf("idx: bad magic number %#08x (want 0x000008xx)", magic)
	}
	if typ := (magic >> 8) & 0xff; typ != 0x08 {
		return nil, fmt.Errorf("idx: element type %#02x not supported (only 0x08, unsigned byte)", typ)
	}
	nd := int(magic & 0xff)
	if nd == 0 || nd > 8 {
		return nil, fmt.Errorf("idx: %d dimensions not supported (1 to 8)", nd)
	}
	dims = make([]int, nd)
	n := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("idx: reading dimension %d: %w", i, eofIsTruncated(err))
		}
		dims[i] = int(d)
		if d == 0 || n > maxIDXElems/int(d) {
			return nil, fmt.Errorf("idx: dimensions %v announce %s elements (at most %d)", dims[:i+1], sizeWord(d), maxIDXElems)
		}
		n *= int(d)
	}
	start(n)
	buf := make([]byte, 64<<10)
	got := 0
	lr := io.LimitReader(r, int64(n))
	for got < n {
		k, err := lr.Read(buf)
		if k > 0 {
			chunk(buf[:k])
			got += k
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("idx: reading data: %w", err)
		}
	}
	if got != n {
		return nil, fmt.Errorf("idx: truncated: dimensions %v need %d data bytes, got %d", dims, n, got)
	}
	k, err := io.CopyN(io.Discard, r, 1)
	if k != 0 {
		return nil, fmt.Errorf("idx: trailing bytes after %d data bytes (dimensions %v)", n, dims)
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("idx: corrupt after the data: %w", err)
	}
	return dims, nil
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
	err = openIDX(path, func(r io.Reader) (err error) {
		dims, data, err = ReadIDX(r)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return dims, data, nil
}

// openIDX opens the idx file at path, gunzipping it if its name ends in ".gz", and passes the
// stream to read; errors name the file.
func openIDX(path string, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("%s: not a gzip file: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	if err := read(r); err != nil {
		// A gzip stream cut short surfaces as an unexpected EOF inside ReadIDX.
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
