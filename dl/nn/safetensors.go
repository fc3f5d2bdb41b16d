package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/deepnb/deepnb/dl"
)

// The safetensors format (https://huggingface.co/docs/safetensors), as PyTorch's
// safetensors.torch.save_file writes it:
//
//	8 bytes   N, the header length, unsigned little-endian
//	N bytes   a JSON object {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …}
//	          with an optional "__metadata__": {"key": "value"} entry, padded with spaces
//	rest      the tensors' bytes, little-endian, row-major; offsets are relative to the start of
//	          this region, and the tensors cover it exactly (no holes, no overlaps)
//
// dl reads and writes dtype F32 only; F64, F16 and BF16 tensors are reported as unsupported.

// maxHeader bounds the JSON header (100 MB, as the reference implementation).
const maxHeader = 100 << 20

type stEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteSafetensors writes ts, in order, as a safetensors file with dtype F32, and the given
// metadata (may be nil) under "__metadata__". It returns an error if two tensors share a name,
// a name is empty or "__metadata__", or writing fails.
func WriteSafetensors(w io.Writer, ts []Named, metadata map[string]string) error {
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var off int64
	for _, n := range ts {
		if n.Name == "" || n.Name == "__metadata__" {
			return fmt.Errorf("safetensors: invalid tensor name %q", n.Name)
		}
		if _, dup := header[n.Name]; dup {
			return fmt.Errorf("safetensors: duplicate tensor name %q", n.Name)
		}
		size := int64(4 * n.T.Len())
		shape := n.T.Shape()
		if shape == nil {
			shape = []int{}
		}
		header[n.Name] = stEntry{DType: "F32", Shape: shape, DataOffsets: [2]int64{off, off + size}}
		off += size
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("safetensors: encoding header: %w", err)
	}
	// Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	buf := make([]byte, 8, 8+len(hj)+int(off))
	binary.LittleEndian.PutUint64(buf, uint64(len(hj)))
	buf = append(buf, hj...)
	for _, n := range ts {
		for _, v := range n.T.Data() {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// dtypeSize gives the element size of the dtypes the format defines, to validate offsets of
// tensors that dl cannot load.
var dtypeSize = map[string]int64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// ErrUnsupportedDType is matched (errors.Is) by errors about tensors whose dtype is not F32.
var ErrUnsupportedDType = errors.New("unsupported dtype")

// ReadSafetensors reads a whole safetensors file from r and returns its tensors in the order of
// their data in the file, and its metadata (nil if none). Every tensor must be F32; the error for
// another dtype names the tensor and the dtype and matches ErrUnsupportedDType. ReadSafetensors
// checks the header's JSON, each entry's dtype, shape and offsets, and that the tensors cover the
// data exactly, and returns an error saying which check failed; it does not panic on any input.
func ReadSafetensors(r io.Reader) ([]Named, map[string]string, error) {
	var hl [8]byte
	if _, err := io.ReadFull(r, hl[:]); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(hl[:])
	if n > maxHeader {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds the %d-byte limit", n, maxHeader)
	}
	if n < 2 {
		return nil, nil, fmt.Errorf("safetensors: header length %d is too short for a JSON object", n)
	}
	hj := make([]byte, n)
	if _, err := io.ReadFull(r, hj); err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading %d-byte header: %w", n, err)
	}
	if hj[0] != '{' {
		return nil, nil, fmt.Errorf("safetensors: header does not start with '{'")
	}
	names, entries, meta, err := parseHeader(hj)
	if err != nil {
		return nil, nil, err
	}
	// Sort by offset and check the entries tile [0, total).
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return entries[order[a]].DataOffsets[0] < entries[order[b]].DataOffsets[0]
	})
	var total int64
	for _, i := range order {
		e := entries[i]
		if e.DataOffsets[0] != total {
			if e.DataOffsets[0] < total {
				return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets %v overlap another tensor", names[i], e.DataOffsets)
			}
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets %v leave a hole at byte %d", names[i], e.DataOffsets, total)
		}
		total = e.DataOffsets[1]
	}
	data, err := io.ReadAll(io.LimitReader(r, total+1))
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: reading data: %w", err)
	}
	if int64(len(data)) != total {
		if int64(len(data)) > total {
			return nil, nil, fmt.Errorf("safetensors: data is longer than the %d bytes the header describes", total)
		}
		return nil, nil, fmt.Errorf("safetensors: data is truncated: header describes %d bytes, file has %d", total, len(data))
	}
	out := make([]Named, 0, len(order))
	for _, i := range order {
		e := entries[i]
		if e.DType != "F32" {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: dtype %s: %w (dl reads F32 only)", names[i], e.DType, ErrUnsupportedDType)
		}
		raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
		vals := make([]float32, len(raw)/4)
		for j := range vals {
			vals[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		out = append(out, Named{Name: names[i], T: dl.New(vals, e.Shape...)})
	}
	return out, meta, nil
}

// parseHeader decodes the JSON header, keeping the file's order of names, and validates each
// entry's dtype, shape and offsets (but not how the entries fit together).
func parseHeader(hj []byte) (names []string, entries []stEntry, meta map[string]string, err error) {
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, nil, fmt.Errorf("safetensors: header is not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, nil, fmt.Errorf("safetensors: bad header JSON: %v", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, nil, fmt.Errorf("safetensors: bad header JSON: key %v is not a string", tok)
		}
		if seen[name] {
			return nil, nil, nil, fmt.Errorf("safetensors: duplicate entry %q in header", name)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, nil, fmt.Errorf("safetensors: bad header JSON at %q: %v", name, err)
		}
		if name == "__metadata__" {
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, nil, nil, fmt.Errorf("safetensors: __metadata__ is not a map of strings to strings: %v", err)
			}
			continue
		}
		if name == "" {
			return nil, nil, nil, errors.New("safetensors: a tensor with an empty name in the header")
		}
		var e stEntry
		if err := strictUnmarshal(raw, &e); err != nil {
			return nil, nil, nil, fmt.Errorf("safetensors: tensor %q: bad entry: %v", name, err)
		}
		if err := checkEntry(e); err != nil {
			return nil, nil, nil, fmt.Errorf("safetensors: tensor %q: %v", name, err)
		}
		names = append(names, name)
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, nil, fmt.Errorf("safetensors: bad header JSON: %v", err)
	}
	// Only padding may follow the object.
	rest, _ := io.ReadAll(dec.Buffered())
	if strings.TrimRight(string(rest), " \t\r\n\x00") != "" {
		return nil, nil, nil, fmt.Errorf("safetensors: trailing bytes after the header's JSON object")
	}
	return names, entries, meta, nil
}

func strictUnmarshal(raw []byte, e *stEntry) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for _, k := range []string{"dtype", "shape", "data_offsets"} {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("missing %q", k)
		}
	}
	return json.Unmarshal(raw, e)
}

// checkEntry validates one header entry on its own: a known dtype, non-negative dimensions, and
// offsets whose span matches the shape.
func checkEntry(e stEntry) error {
	size, ok := dtypeSize[e.DType]
	if !ok {
		return fmt.Errorf("unknown dtype %q", e.DType)
	}
	n := int64(1)
	for _, d := range e.Shape {
		if d < 0 {
			return fmt.Errorf("negative dimension in shape %v", e.Shape)
		}
		if d > 0 && n > (math.MaxInt64/8)/int64(d) {
			return fmt.Errorf("shape %v is too large", e.Shape)
		}
		n *= int64(d)
	}
	b, end := e.DataOffsets[0], e.DataOffsets[1]
	if b < 0 || end < b {
		return fmt.Errorf("invalid data_offsets %v", e.DataOffsets)
	}
	if end-b != n*size {
		return fmt.Errorf("data_offsets %v span %d bytes, but shape %v of %s needs %d", e.DataOffsets, end-b, e.Shape, e.DType, n*size)
	}
	return nil
}

// Save writes m's parameters and buffers (State) to w in the safetensors format, dtype F32, under
// their dotted names, so that PyTorch's safetensors.torch.load_file reads them.
func Save(w io.Writer, m Params) error {
	return WriteSafetensors(w, State(m), map[string]string{"format": "pt"})
}

// SaveFile is Save to the named file, which it creates or truncates. Errors name the file.
func SaveFile(path string, m Params) error { return saveFile(path, m, nil) }

// saveFile is SaveFile with extra metadata entries besides Save's.
func saveFile(path string, m Params, extra map[string]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	meta := map[string]string{"format": "pt"}
	maps.Copy(meta, extra)
	if err := WriteSafetensors(f, State(m), meta); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// Load reads a safetensors file from r into m's parameters and buffers, copying the values into
// the existing tensors (so optimizers holding them keep working). The file must hold exactly
// m's State: Load returns an error listing every tensor that is missing from the file,
// unexpected in it, of another shape ("shape [3 4] in file, [4 3] in model") or of a dtype other
// than F32, and changes nothing in m in that case. Entries named "*.num_batches_tracked"
// (PyTorch's BatchNorm step counters) are ignored.
func Load(r io.Reader, m Params) error {
	_, err := load(r, m)
	return err
}

// load is Load that also returns the file's metadata.
func load(r io.Reader, m Params) (map[string]string, error) {
	file, meta, err := readAnyDType(r)
	if err != nil {
		return nil, err
	}
	return meta, assign(file, State(m))
}

// LoadFile is Load from the named file. Errors name the file.
func LoadFile(path string, m Params) error {
	_, err := loadFile(path, m)
	return err
}

// loadFile is LoadFile that also returns the file's metadata.
func loadFile(path string, m Params) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	meta, err := load(f, m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return meta, nil
}

// fileTensor is a tensor read from a file, possibly of a dtype dl does not load.
type fileTensor struct {
	dtype string
	shape []int
	t     *dl.Tensor // nil unless dtype is F32
}

// readAnyDType reads a safetensors file keeping entries of every dtype, so that Load can report
// all mismatches at once.
func readAnyDType(r io.Reader) (map[string]fileTensor, map[string]string, error) {
	all, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	ts, meta, err := ReadSafetensors(bytes.NewReader(all))
	if err == nil {
		out := make(map[string]fileTensor, len(ts))
		for _, n := range ts {
			out[n.Name] = fileTensor{dtype: "F32", shape: n.T.Shape(), t: n.T}
		}
		return out, meta, nil
	}
	if !errors.Is(err, ErrUnsupportedDType) {
		return nil, nil, err
	}
	// The file is well formed but holds other dtypes: take the header again and read the F32 ones.
	n := binary.LittleEndian.Uint64(all[:8])
	names, entries, meta, err := parseHeader(all[8 : 8+n])
	if err != nil {
		return nil, nil, err
	}
	data := all[8+n:]
	out := make(map[string]fileTensor, len(names))
	for i, name := range names {
		e := entries[i]
		ft := fileTensor{dtype: e.DType, shape: e.Shape}
		if e.DType == "F32" {
			raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
			vals := make([]float32, len(raw)/4)
			for j := range vals {
				vals[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
			ft.t = dl.New(vals, e.Shape...)
		}
		out[name] = ft
	}
	return out, meta, nil
}

// MismatchError is returned by Load when the file's tensors do not match the model's. Its
// message lists every problem, one per line.
type MismatchError struct {
	Missing    []string // in the model, not in the file
	Unexpected []string // in the file, not in the model
	Problems   []string // "name: shape [3 4] in file, [4 3] in model", "name: dtype F16 unsupported (dl loads F32)"
}

// Error implements error.
func (e *MismatchError) Error() string {
	var lines []string
	for _, n := range e.Missing {
		lines = append(lines, fmt.Sprintf("missing %q (in the model, not in the file)", n))
	}
	for _, n := range e.Unexpected {
		lines = append(lines, fmt.Sprintf("unexpected %q (in the file, not in the model)", n))
	}
	lines = append(lines, e.Problems...)
	return fmt.Sprintf("nn.Load: %d mismatch(es) between file and model:\n\t%s", len(lines), strings.Join(lines, "\n\t"))
}

// assign checks that file holds exactly want (ignoring num_batches_tracked) and copies the
// values; it changes nothing unless everything matches.
func assign(file map[string]fileTensor, want []Named) error {
	me := &MismatchError{}
	inModel := map[string]bool{}
	for _, w := range want {
		inModel[w.Name] = true
		f, ok := file[w.Name]
		switch {
		case !ok:
			me.Missing = append(me.Missing, w.Name)
		case f.dtype != "F32":
			me.Problems = append(me.Problems, fmt.Sprintf("%q: dtype %s unsupported (dl loads F32)", w.Name, f.dtype))
		case !slices.Equal(f.shape, w.T.Shape()):
			me.Problems = append(me.Problems, fmt.Sprintf("%q: shape %v in file, %v in model", w.Name, f.shape, w.T.Shape()))
		}
	}
	var extra []string
	for name := range file {
		if !inModel[name] && !strings.HasSuffix(name, "num_batches_tracked") {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	me.Unexpected = extra
	if len(me.Missing)+len(me.Unexpected)+len(me.Problems) > 0 {
		return me
	}
	for _, w := range want {
		copy(w.T.Data(), file[w.Name].t.Data())
	}
	return nil
}
