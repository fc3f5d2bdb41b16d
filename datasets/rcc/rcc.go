// Package rcc reads Qt binary resource files (.rcc, as written by `rcc -binary`): the containers
// in which GCompris ships its images. scripts/imageset uses it to take the categorization photos
// and the painting jigsaw pieces out of Debian's gcompris-qt-data.
//
// # Format
//
// An .rcc file (formats 1 to 3) starts with a header of big-endian uint32s:
//
//	"qres" version treeOffset dataOffset namesOffset [flags, version ≥ 3]
//
// The tree is an array of fixed-size nodes (14 bytes, 22 from version 2 on, which adds a
// modification time); node 0 is the root directory "". A node is
//
//	nameOffset uint32, flags uint16, then
//	  directory (flags&2): childCount uint32, firstChild uint32 (a node index)
//	  file:                country uint16, language uint16, dataOffset uint32
//	[lastModified uint64, version ≥ 2]
//
// A name at namesOffset+nameOffset is a uint16 length, a uint32 hash and that many UTF-16BE code
// units. File data at dataOffset+offset is a uint32 length and the bytes. Flag 1 marks zlib data
// in qCompress form (a big-endian uint32 uncompressed size, then a zlib stream); flag 4 marks
// Zstandard data, which this package does not decode (GCompris 3.1's files use zlib only).
//
// # Errors
//
// Parse and File.Data check every offset and length against the file; an error names the file
// (the name given to Parse) and what is wrong with it, e.g.
// "rcc: paintings.rcc: node 12: data offset 0x2a1b3 + length 9000 past end of file (2301016 bytes)".
package rcc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"unicode/utf16"
)

// Node flags of the Qt resource format.
const (
	flagCompressed     = 0x01
	flagDirectory      = 0x02
	flagCompressedZstd = 0x04
)

// maxNodes bounds the tree walk so that a corrupt file whose directories point at each other
// cannot make Parse loop: no real resource file comes near it.
const maxNodes = 1 << 20

// Archive is a parsed .rcc file: its files by path, in sorted order.
type Archive struct {
	Name    string  // the name given to Parse, used in errors
	Version int     // format version (1 to 3)
	Files   []*File // every file in the tree, sorted by Path
	byPath  map[string]*File
	raw     []byte
}

// File is one file of an Archive.
type File struct {
	Path       string // slash-separated path from the root, without a leading slash, e.g. "gcompris/src/activities/…/fish1.webp"
	Compressed string // "" (stored), "zlib" or "zstd"
	node       int
	offset     int // start of the length-prefixed data blob in Archive.raw
	archive    *Archive
}

// Parse reads an .rcc file held in data. name identifies it in errors (usually its path).
// Parse keeps data; File.Data decompresses on demand.
func Parse(name string, data []byte) (*Archive, error) {
	a := &Archive{Name: name, raw: data, byPath: map[string]*File{}}
	if len(data) < 20 {
		return nil, a.errorf("%d bytes is too short for the 20-byte header", len(data))
	}
	if string(data[:4]) != "qres" {
		return nil, a.errorf("magic %q, want \"qres\" (not a Qt resource file)", data[:4])
	}
	a.Version = int(be32(data[4:]))
	if a.Version < 1 || a.Version > 3 {
		return nil, a.errorf("format version %d, want 1, 2 or 3", a.Version)
	}
	tree, dataOff, names := int64(be32(data[8:])), int64(be32(data[12:])), int64(be32(data[16:]))
	headerLen := int64(20)
	if a.Version >= 3 {
		if len(data) < 24 {
			return nil, a.errorf("%d bytes is too short for the 24-byte version 3 header", len(data))
		}
		headerLen = 24
	}
	for _, s := range []struct {
		what string
		off  int64
	}{{"tree", tree}, {"data", dataOff}, {"names", names}} {
		if s.off < headerLen || s.off > int64(len(data)) {
			return nil, a.errorf("%s offset 0x%x outside the file (%d bytes, header %d)", s.what, s.off, len(data), headerLen)
		}
	}
	nodeSize := int64(14)
	if a.Version >= 2 {
		nodeSize = 22
	}
	p := &parser{a: a, tree: tree, data: dataOff, names: names, nodeSize: nodeSize, seen: map[int64]bool{}}
	root, err := p.node(0)
	if err != nil {
		return nil, err
	}
	if root.flags&flagDirectory == 0 {
		return nil, a.errorf("node 0 (the root) is not a directory")
	}
	if err := p.walk(0, ""); err != nil {
		return nil, err
	}
	sort.Slice(a.Files, func(i, j int) bool { return a.Files[i].Path < a.Files[j].Path })
	return a, nil
}

// Open returns the file at path p (slash-separated, leading slash or ":/" optional), or nil.
func (a *Archive) Open(p string) *File {
	p = strings.TrimPrefix(strings.TrimPrefix(p, ":"), "/")
	return a.byPath[p]
}

// Glob returns the files whose path matches pattern (path.Match syntax), sorted by path.
// Glob panics if pattern is malformed.
func (a *Archive) Glob(pattern string) []*File {
	if _, err := path.Match(pattern, ""); err != nil {
		panic(fmt.Sprintf("rcc: Glob: bad pattern %q: %v", pattern, err))
	}
	var out []*File
	for _, f := range a.Files {
		if ok, _ := path.Match(pattern, f.Path); ok {
			out = append(out, f)
		}
	}
	return out
}

// Data returns the file's contents, decompressed. The error names the archive, the file and
// what is wrong (a truncated blob, a bad zlib stream, a size that does not match, zstd data).
func (f *File) Data() ([]byte, error) {
	a := f.archive
	raw := a.raw
	if f.offset+4 > len(raw) {
		return nil, a.errorf("%s: data offset 0x%x past end of file (%d bytes)", f.Path, f.offset, len(raw))
	}
	n := int(be32(raw[f.offset:]))
	start := f.offset + 4
	if n > len(raw)-start {
		return nil, a.errorf("%s: data at 0x%x of length %d runs past end of file (%d bytes)", f.Path, f.offset, n, len(raw))
	}
	blob := raw[start : start+n]
	switch f.Compressed {
	case "":
		return blob, nil
	case "zstd":
		return nil, a.errorf("%s: Zstandard-compressed data is not supported", f.Path)
	}
	if len(blob) < 4 {
		return nil, a.errorf("%s: zlib blob of %d bytes has no size prefix", f.Path, len(blob))
	}
	want := int64(be32(blob))
	zr, err := zlib.NewReader(bytes.NewReader(blob[4:]))
	if err != nil {
		return nil, a.errorf("%s: zlib: %v", f.Path, err)
	}
	var out bytes.Buffer
	// Read at most one byte more than announced, so that a lying size cannot exhaust memory.
	if _, err := io.Copy(&out, io.LimitReader(zr, want+1)); err != nil {
		return nil, a.errorf("%s: zlib: %v", f.Path, err)
	}
	if int64(out.Len()) != want {
		return nil, a.errorf("%s: zlib data inflates to %d bytes, header says %d", f.Path, out.Len(), want)
	}
	return out.Bytes(), nil
}

func (a *Archive) errorf(format string, args ...any) error {
	return fmt.Errorf("rcc: %s: %s", a.Name, fmt.Sprintf(format, args...))
}

type parser struct {
	a                           *Archive
	tree, data, names, nodeSize int64
	seen                        map[int64]bool
}

type node struct {
	name         string
	flags        uint16
	count, first int64 // directories
	dataOffset   int64 // files
}

func (p *parser) node(i int64) (node, error) {
	raw := p.a.raw
	at := p.tree + i*p.nodeSize
	if i < 0 || at+p.nodeSize > int64(len(raw)) {
		return node{}, p.a.errorf("node %d at 0x%x past end of file (%d bytes)", i, at, len(raw))
	}
	b := raw[at : at+p.nodeSize]
	n := node{flags: be16(b[4:])}
	if n.flags&flagDirectory != 0 {
		n.count, n.first = int64(be32(b[6:])), int64(be32(b[10:]))
	} else {
		n.dataOffset = int64(be32(b[10:]))
	}
	if i == 0 {
		return n, nil // the root's name is "", whatever its name offset says
	}
	nameAt := p.names + int64(be32(b))
	if nameAt+6 > int64(len(raw)) {
		return node{}, p.a.errorf("node %d: name offset 0x%x past end of file (%d bytes)", i, nameAt, len(raw))
	}
	l := int64(be16(raw[nameAt:]))
	if nameAt+6+2*l > int64(len(raw)) {
		return node{}, p.a.errorf("node %d: name of %d characters at 0x%x runs past end of file (%d bytes)", i, l, nameAt, len(raw))
	}
	u := make([]uint16, l)
	for k := range u {
		u[k] = be16(raw[nameAt+6+2*int64(k):])
	}
	n.name = string(utf16.Decode(u))
	if n.name == "" || n.name == "." || n.name == ".." || strings.Contains(n.name, "/") {
		return node{}, p.a.errorf("node %d: invalid name %q", i, n.name)
	}
	return n, nil
}

func (p *parser) walk(i int64, dir string) error {
	if p.seen[i] {
		return p.a.errorf("node %d is reached twice (the tree has a cycle or shared children)", i)
	}
	if len(p.seen) >= maxNodes {
		return p.a.errorf("more than %d nodes", maxNodes)
	}
	p.seen[i] = true
	n, err := p.node(i)
	if err != nil {
		return err
	}
	full := n.name
	if dir != "" {
		full = dir + "/" + n.name
	}
	if n.flags&flagDirectory == 0 {
		f := &File{Path: full, node: int(i), offset: int(p.data + n.dataOffset), archive: p.a}
		switch {
		case n.flags&flagCompressedZstd != 0:
			f.Compressed = "zstd"
		case n.flags&flagCompressed != 0:
			f.Compressed = "zlib"
		}
		if p.data+n.dataOffset+4 > int64(len(p.a.raw)) {
			return p.a.errorf("%s: data offset 0x%x past end of file (%d bytes)", full, p.data+n.dataOffset, len(p.a.raw))
		}
		if p.a.byPath[full] != nil {
			return p.a.errorf("%s: two files with this path", full)
		}
		p.a.byPath[full] = f
		p.a.Files = append(p.a.Files, f)
		return nil
	}
	if n.count > maxNodes || n.first+n.count > maxNodes {
		return p.a.errorf("node %d: directory %q claims %d children from node %d", i, full, n.count, n.first)
	}
	for c := n.first; c < n.first+n.count; c++ {
		if err := p.walk(c, full); err != nil {
			return err
		}
	}
	return nil
}

func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
