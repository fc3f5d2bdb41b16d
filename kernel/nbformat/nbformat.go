package nbformat

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Notebook is an nbformat 4 notebook.
type Notebook struct {
	Metadata      map[string]any // kept as read (numbers as json.Number)
	NBFormat      int
	NBFormatMinor int
	Cells         []*Cell
	Extra         map[string]any // top-level keys not modelled here
}

// Cell is a notebook cell.
type Cell struct {
	ID       string
	CellType string // "code", "markdown" or "raw"
	Source   string
	Metadata map[string]any
	// ExecutionCount and Outputs are for code cells only.
	ExecutionCount *int
	Outputs        []*Output
	Attachments    map[string]any // markdown and raw cells; nil if absent
	Extra          map[string]any
}

// Output is one output of a code cell.
type Output struct {
	OutputType string // "stream", "display_data", "execute_result" or "error"

	Name string // stream: "stdout" or "stderr"
	Text string // stream

	// Data is the MIME bundle of display_data and execute_result: text
	// values as one string; JSON MIME types (application/json, */*+json) as
	// decoded JSON.
	Data           map[string]any
	Metadata       map[string]any
	ExecutionCount *int // execute_result

	EName     string // error
	EValue    string
	Traceback []string

	Extra map[string]any
}

// Version written by Marshal.
const (
	Major = 4
	Minor = 5
)

// New returns an empty nbformat 4.5 notebook.
func New() *Notebook {
	return &Notebook{Metadata: map[string]any{}, NBFormat: Major, NBFormatMinor: Minor}
}

// NewCodeCell returns a code cell with a fresh id.
func NewCodeCell(source string) *Cell {
	return &Cell{ID: NewID(), CellType: "code", Source: source, Metadata: map[string]any{}}
}

// NewID returns a random cell id: 8 hex digits, as nbformat's random_cell_id.
func NewID() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("nbformat: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

var validID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Tags returns the cell's metadata.tags.
func (c *Cell) Tags() []string {
	list, _ := c.Metadata["tags"].([]any)
	var tags []string
	for _, t := range list {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags
}

// HasTag reports whether the cell's metadata.tags holds tag.
func (c *Cell) HasTag(tag string) bool {
	for _, t := range c.Tags() {
		if t == tag {
			return true
		}
	}
	return false
}

// ReadFile reads the notebook at path.
func ReadFile(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// Read reads a notebook from r.
func Read(r io.Reader) (*Notebook, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse parses a notebook from its JSON.
func Parse(b []byte) (*Notebook, error) {
	top, err := decodeObject(b, "notebook")
	if err != nil {
		return nil, err
	}
	nb := &Notebook{}
	if err := takeInt(top, "nbformat", &nb.NBFormat); err != nil {
		return nil, err
	}
	if nb.NBFormat != Major {
		return nil, fmt.Errorf("nbformat %d not supported (want %d; convert it with `jupyter nbconvert --to notebook`)", nb.NBFormat, Major)
	}
	if err := takeInt(top, "nbformat_minor", &nb.NBFormatMinor); err != nil {
		return nil, err
	}
	if nb.Metadata, err = takeObject(top, "metadata", "notebook"); err != nil {
		return nil, err
	}
	var rawCells []any
	if v := top["cells"]; v != nil {
		var ok bool
		if rawCells, ok = v.([]any); !ok {
			return nil, fmt.Errorf("notebook: cells is %T, want a list", v)
		}
	}
	delete(top, "cells")
	for i, rc := range rawCells {
		m, ok := rc.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("cell %d: not an object", i+1)
		}
		c, err := parseCell(m)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %w", i+1, err)
		}
		nb.Cells = append(nb.Cells, c)
	}
	nb.Extra = top
	return nb, nil
}

func parseCell(m map[string]any) (*Cell, error) {
	c := &Cell{}
	var err error
	if c.ID, err = takeString(m, "id"); err != nil {
		return nil, err
	}
	if c.CellType, err = takeString(m, "cell_type"); err != nil {
		return nil, err
	}
	switch c.CellType {
	case "code", "markdown", "raw":
	default:
		return nil, fmt.Errorf("unknown cell_type %q", c.CellType)
	}
	if c.Source, err = takeText(m, "source"); err != nil {
		return nil, err
	}
	if c.Metadata, err = takeObject(m, "metadata", "cell"); err != nil {
		return nil, err
	}
	if c.CellType == "code" {
		if c.ExecutionCount, err = takeCount(m); err != nil {
			return nil, err
		}
		outs, _ := m["outputs"].([]any)
		delete(m, "outputs")
		for j, ro := range outs {
			om, ok := ro.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("output %d: not an object", j+1)
			}
			o, err := parseOutput(om)
			if err != nil {
				return nil, fmt.Errorf("output %d: %w", j+1, err)
			}
			c.Outputs = append(c.Outputs, o)
		}
	} else if a, ok := m["attachments"].(map[string]any); ok {
		c.Attachments = a
		delete(m, "attachments")
	}
	c.Extra = m
	return c, nil
}

func parseOutput(m map[string]any) (*Output, error) {
	o := &Output{}
	var err error
	if o.OutputType, err = takeString(m, "output_type"); err != nil {
		return nil, err
	}
	switch o.OutputType {
	case "stream":
		if o.Name, err = takeString(m, "name"); err != nil {
			return nil, err
		}
		if o.Text, err = takeText(m, "text"); err != nil {
			return nil, err
		}
	case "display_data", "execute_result":
		data, err := takeObject(m, "data", "output")
		if err != nil {
			return nil, err
		}
		if o.Data, err = joinData(data); err != nil {
			return nil, err
		}
		if o.Metadata, err = takeObject(m, "metadata", "output"); err != nil {
			return nil, err
		}
		if o.OutputType == "execute_result" {
			if o.ExecutionCount, err = takeCount(m); err != nil {
				return nil, err
			}
		}
	case "error":
		if o.EName, err = takeString(m, "ename"); err != nil {
			return nil, err
		}
		if o.EValue, err = takeString(m, "evalue"); err != nil {
			return nil, err
		}
		tb, _ := m["traceback"].([]any)
		delete(m, "traceback")
		for _, l := range tb {
			s, _ := l.(string)
			o.Traceback = append(o.Traceback, s)
		}
	default:
		return nil, fmt.Errorf("unknown output_type %q", o.OutputType)
	}
	o.Extra = m
	return o, nil
}

// isJSONMIME reports whether MIME data of type mime is JSON (kept as is)
// rather than text (joined/split by lines).
func isJSONMIME(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

// joinData joins the multi-line strings of data's non-JSON MIME types; an item of such a
// list that is not a string is an error naming the MIME type and the item.
func joinData(data map[string]any) (map[string]any, error) {
	for k, v := range data {
		if isJSONMIME(k) {
			continue
		}
		if list, ok := v.([]any); ok {
			s, err := joinLines(k, list)
			if err != nil {
				return nil, err
			}
			data[k] = s
		}
	}
	return data, nil
}

// joinLines joins a multi-line string stored as a list of strings; any other item is an error
// naming key and the item's index.
func joinLines(key string, list []any) (string, error) {
	var sb strings.Builder
	for i, l := range list {
		s, ok := l.(string)
		if !ok {
			return "", fmt.Errorf("%s[%d] is %s, want a string", key, i, jsonKind(l))
		}
		sb.WriteString(s)
	}
	return sb.String(), nil
}

// jsonKind names the type of a decoded JSON value for error messages.
func jsonKind(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// SplitLines splits s after each "\n", as nbformat stores multi-line strings.
func SplitLines(s string) []string {
	lines := []string{}
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

func decodeObject(b []byte, what string) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %w", what, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%s: not a JSON object", what)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: invalid JSON: trailing data after the object at offset %d", what, d.InputOffset())
	}
	return m, nil
}

func takeString(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", nil
	}
	delete(m, key)
	s, ok := v.(string)
	if !ok && v != nil {
		return "", fmt.Errorf("%s is %T, want a string", key, v)
	}
	return s, nil
}

func takeText(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", nil
	}
	delete(m, key)
	switch v := v.(type) {
	case string:
		return v, nil
	case []any:
		return joinLines(key, v)
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("%s is %T, want a string or a list of strings", key, v)
}

func takeObject(m map[string]any, key, what string) (map[string]any, error) {
	v, ok := m[key]
	delete(m, key)
	if !ok || v == nil {
		return map[string]any{}, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s is %T, want an object", what, key, v)
	}
	return o, nil
}

func takeInt(m map[string]any, key string, p *int) error {
	v, ok := m[key]
	if !ok {
		return fmt.Errorf("notebook: no %q field", key)
	}
	delete(m, key)
	n, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("notebook: %s is %T, want an integer", key, v)
	}
	i, err := n.Int64()
	if err != nil {
		return fmt.Errorf("notebook: %s: %w", key, err)
	}
	*p = int(i)
	return nil
}

func takeCount(m map[string]any) (*int, error) {
	v, ok := m["execution_count"]
	delete(m, "execution_count")
	if !ok || v == nil {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("execution_count is %T, want an integer or null", v)
	}
	i, err := n.Int64()
	if err != nil {
		return nil, fmt.Errorf("execution_count: %w", err)
	}
	c := int(i)
	return &c, nil
}

// EnsureIDs gives every cell a valid, unique id, keeping the valid unique
// ones it has.
func (nb *Notebook) EnsureIDs() {
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		if !validID.MatchString(c.ID) || seen[c.ID] {
			c.ID = NewID()
			for seen[c.ID] {
				c.ID = NewID()
			}
		}
		seen[c.ID] = true
	}
}

// Marshal returns the notebook as nbformat 4.5 JSON, formatted as Jupyter
// writes it (sorted keys, one-space indent, lists of lines, trailing
// newline). It adds missing cell ids (see [Notebook.EnsureIDs]).
func (nb *Notebook) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	if err := nb.encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encode writes the notebook's JSON to w (see Marshal).
func (nb *Notebook) encode(w io.Writer) error {
	e := &jsonWriter{w: w}
	e.enc = json.NewEncoder(&e.scratch)
	e.enc.SetEscapeHTML(false)
	e.value(nb.top(), "")
	e.write("\n")
	if e.err != nil {
		return fmt.Errorf("nbformat: encode notebook: %w", e.err)
	}
	return nil
}

// top returns the notebook as the JSON object it is written as.
func (nb *Notebook) top() map[string]any {
	nb.EnsureIDs()
	if nb.NBFormat == 0 {
		nb.NBFormat = Major
	}
	if nb.NBFormatMinor < Minor {
		nb.NBFormatMinor = Minor
	}
	top := copyMap(nb.Extra)
	top["nbformat"] = nb.NBFormat
	top["nbformat_minor"] = nb.NBFormatMinor
	top["metadata"] = orEmpty(nb.Metadata)
	cells := make([]any, len(nb.Cells))
	for i, c := range nb.Cells {
		cells[i] = c.toMap()
	}
	top["cells"] = cells
	return top
}

// jsonWriter writes a value as encoding/json's Encoder with SetIndent("", " ") and
// SetEscapeHTML(false) does, byte for byte, but piece by piece: a notebook with large
// outputs is written without being held in memory as a whole (twice, with the indentation).
type jsonWriter struct {
	w       io.Writer
	enc     *json.Encoder
	scratch bytes.Buffer
	err     error
}

func (e *jsonWriter) write(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// value writes v, whose first line the caller has begun; prefix is the indentation of the
// line v starts on.
func (e *jsonWriter) value(v any, prefix string) {
	if e.err != nil {
		return
	}
	in := prefix + " "
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			e.write("{}")
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		e.write("{")
		for i, k := range keys {
			if i > 0 {
				e.write(",")
			}
			e.write("\n" + in)
			e.scalar(k, in)
			e.write(": ")
			e.value(v[k], in)
		}
		e.write("\n" + prefix + "}")
	case []any:
		e.list(len(v), func(i int) any { return v[i] }, prefix)
	case []string:
		e.list(len(v), func(i int) any { return v[i] }, prefix)
	default:
		e.scalar(v, prefix)
	}
}

func (e *jsonWriter) list(n int, item func(int) any, prefix string) {
	if n == 0 {
		e.write("[]")
		return
	}
	in := prefix + " "
	e.write("[")
	for i := range n {
		if i > 0 {
			e.write(",")
		}
		e.write("\n" + in)
		e.value(item(i), in)
	}
	e.write("\n" + prefix + "]")
}

// scalar writes a value of any other type through the Encoder (re-indented, should it be a
// structure after all).
func (e *jsonWriter) scalar(v any, prefix string) {
	if e.err != nil {
		return
	}
	e.scratch.Reset()
	if e.err = e.enc.Encode(v); e.err != nil {
		return
	}
	b := bytes.TrimSuffix(e.scratch.Bytes(), []byte("\n"))
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		var ind bytes.Buffer
		if e.err = json.Indent(&ind, b, prefix, " "); e.err != nil {
			return
		}
		b = ind.Bytes()
	}
	_, e.err = e.w.Write(b)
}

func (c *Cell) toMap() map[string]any {
	m := copyMap(c.Extra)
	m["id"] = c.ID
	m["cell_type"] = c.CellType
	m["source"] = SplitLines(c.Source)
	m["metadata"] = orEmpty(c.Metadata)
	if c.CellType == "code" {
		if c.ExecutionCount != nil {
			m["execution_count"] = *c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
		outs := make([]any, len(c.Outputs))
		for i, o := range c.Outputs {
			outs[i] = o.toMap()
		}
		m["outputs"] = outs
	} else if c.Attachments != nil {
		m["attachments"] = c.Attachments
	}
	return m
}

func (o *Output) toMap() map[string]any {
	m := copyMap(o.Extra)
	m["output_type"] = o.OutputType
	switch o.OutputType {
	case "stream":
		m["name"] = o.Name
		m["text"] = SplitLines(o.Text)
	case "display_data", "execute_result":
		data := make(map[string]any, len(o.Data))
		keys := make([]string, 0, len(o.Data))
		for k := range o.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := o.Data[k]
			if s, ok := v.(string); ok && !isJSONMIME(k) {
				v = SplitLines(s)
			}
			data[k] = v
		}
		m["data"] = data
		m["metadata"] = orEmpty(o.Metadata)
		if o.OutputType == "execute_result" {
			if o.ExecutionCount != nil {
				m["execution_count"] = *o.ExecutionCount
			} else {
				m["execution_count"] = nil
			}
		}
	case "error":
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+6)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// Write writes the notebook to w (see [Notebook.Marshal]).
func Write(w io.Writer, nb *Notebook) error {
	b, err := nb.Marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteFile writes the notebook to path atomically: it writes a temporary
// file in the same directory, syncs it to disk, renames it over path and
// syncs the directory. If anything fails, path is left as it was and the
// temporary file is removed. An existing file's permissions are kept (new
// files get 0644).
func WriteFile(path string, nb *Notebook) error {
	// Encoded straight into the file: a notebook with large outputs is not
	// held in memory twice more.
	return writeAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := nb.encode(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// WriteFileAtomic writes data to path as [WriteFile] does. If path is a symbolic link, the
// file it points to is replaced (atomically, beside it) and the link is kept. Errors name path,
// never the temporary file.
func WriteFileAtomic(path string, data []byte) (err error) {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic is WriteFileAtomic with the content written by write.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, bareError(err))
		}
	}()
	target, err := resolveLink(path)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		if fi.IsDir() {
			return errors.New("is a directory")
		}
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, target); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: make the rename durable
		d.Close()
	}
	return nil
}

// CheckWritable reports whether a notebook could be written to path with [WriteFile] (its
// folder exists and takes a new file, path is not a folder), by creating and removing a
// temporary file beside it. Runners call it before a long run so that a bad --out fails at
// once. The error names path.
func CheckWritable(path string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("cannot write %s: %w", path, bareError(err))
		}
	}()
	target, err := resolveLink(path)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return errors.New("is a directory")
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// resolveLink returns the file path names: path itself, or the target of a symbolic link
// (followed to the end, relative targets taken from the link's folder).
func resolveLink(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", errors.New("too many levels of symbolic links")
}

// bareError drops the file name from a *fs.PathError (the temporary file's, which means
// nothing to the user) and keeps what went wrong.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
