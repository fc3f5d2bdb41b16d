package rcc_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets/rcc"
)

// The fixtures in testdata were written by Qt 5.15.8's rcc (Debian qtbase5-dev-tools) from
// testdata/files.qrc, in each format version and compression:
//
//	rcc --binary --format-version 3 --compress-algo zlib files.qrc -o v3-zlib.rcc
//
// (and likewise v1-zlib, v2-zlib, v3-zstd, and v3-none with --no-compress).
var fixtures = []struct {
	file     string
	version  int
	hello    string // how hello.txt is stored
	zstdFail bool
}{
	{"v1-zlib.rcc", 1, "zlib", false},
	{"v2-zlib.rcc", 2, "zlib", false},
	{"v3-zlib.rcc", 3, "zlib", false},
	{"v3-none.rcc", 3, "", false},
	{"v3-zstd.rcc", 3, "zstd", true},
}

var wantPaths = []string{"src/hello.txt", "src/sub/dir/note.txt", "src/sub/ünï.txt"}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseQtFiles(t *testing.T) {
	t.Parallel()
	for i, tc := range fixtures {
		a, err := rcc.Parse(tc.file, readFixture(t, tc.file))
		if err != nil {
			t.Fatalf("case %d: Parse(%s): %v", i, tc.file, err)
		}
		if a.Version != tc.version {
			t.Errorf("case %d: %s: version %d, want %d", i, tc.file, a.Version, tc.version)
		}
		var paths []string
		for _, f := range a.Files {
			paths = append(paths, f.Path)
		}
		if strings.Join(paths, "|") != strings.Join(wantPaths, "|") {
			t.Fatalf("case %d: %s: paths %q, want %q", i, tc.file, paths, wantPaths)
		}
		if got := a.Open(":/src/hello.txt").Compressed; got != tc.hello {
			t.Errorf("case %d: %s: hello.txt stored as %q, want %q", i, tc.file, got, tc.hello)
		}
		for _, f := range a.Files {
			want := readFixture(t, f.Path)
			got, err := f.Data()
			if f.Compressed == "zstd" {
				if err == nil || !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), "Zstandard") {
					t.Errorf("case %d: %s: %s: zstd data gave error %v, want one naming the file and Zstandard", i, tc.file, f.Path, err)
				}
				continue
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("case %d: %s: %s: Data = %q, %v; want %q", i, tc.file, f.Path, got, err, want)
			}
		}
		if got := len(a.Glob("src/sub/*")); got != 1 {
			t.Errorf("case %d: %s: Glob(src/sub/*) found %d files, want 1", i, tc.file, got)
		}
		if a.Open("src/nothere") != nil {
			t.Errorf("case %d: Open of a missing path is not nil", i)
		}
	}
}

// corrupt returns a copy of the v3 zlib fixture changed by f.
func corrupt(t *testing.T, f func(b []byte) []byte) []byte {
	return f(bytes.Clone(readFixture(t, "v3-zlib.rcc")))
}

func put32(b []byte, at int, v uint32) []byte { binary.BigEndian.PutUint32(b[at:], v); return b }

func TestParseErrors(t *testing.T) {
	t.Parallel()
	orig := readFixture(t, "v3-zlib.rcc")
	tree := int(binary.BigEndian.Uint32(orig[8:]))
	for i, tc := range []struct {
		what string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"magic", corrupt(t, func(b []byte) []byte { b[0] = 'x'; return b }), `magic "xres"`},
		{"version", corrupt(t, func(b []byte) []byte { return put32(b, 4, 9) }), "format version 9"},
		{"tree offset", corrupt(t, func(b []byte) []byte { return put32(b, 8, 1<<30) }), "tree offset"},
		{"names offset", corrupt(t, func(b []byte) []byte { return put32(b, 16, 3) }), "names offset"},
		{"cycle", corrupt(t, func(b []byte) []byte { return put32(b, tree+10, 0) }), "reached twice"},
		{"child count", corrupt(t, func(b []byte) []byte { return put32(b, tree+6, 1<<31) }), "children"},
		{"root is a file", corrupt(t, func(b []byte) []byte { b[tree+5] &^= 2; return b }), "root"},
		{"truncated tree", orig[:tree+30], "past end of file"},
	} {
		_, err := rcc.Parse("bad.rcc", tc.data)
		if err == nil || !strings.Contains(err.Error(), "rcc: bad.rcc: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d (%s): Parse error %v, want one naming bad.rcc and saying %q", i, tc.what, err, tc.want)
		}
	}
}

func TestDataErrors(t *testing.T) {
	t.Parallel()
	orig := readFixture(t, "v3-zlib.rcc")
	data := int(binary.BigEndian.Uint32(orig[12:]))
	if a, err := rcc.Parse("ok.rcc", orig); err != nil || a.Open("src/hello.txt").Compressed != "zlib" {
		t.Fatalf("fixture: %v", err)
	}
	for i, tc := range []struct {
		what string
		edit func(b []byte, at int) []byte
		want string
	}{
		{"length past end", func(b []byte, at int) []byte { return put32(b, at, 1<<20) }, "runs past end of file"},
		{"size prefix lies", func(b []byte, at int) []byte { return put32(b, at+4, 5) }, "header says 5"},
		{"zlib stream broken", func(b []byte, at int) []byte { b[at+8] ^= 0xff; return b }, "zlib"},
	} {
		// The blob at data offset 0 is hello.txt's, the one compressed file (rcc writes the
		// files in its tree order, which puts src/hello.txt first).
		b := tc.edit(bytes.Clone(orig), data)
		a, err := rcc.Parse("bad.rcc", b)
		if err != nil {
			t.Fatalf("case %d (%s): Parse: %v", i, tc.what, err)
		}
		var errs []string
		for _, f := range a.Files {
			if _, err := f.Data(); err != nil {
				errs = append(errs, err.Error())
			}
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0], "rcc: bad.rcc: src/") || !strings.Contains(errs[0], tc.want) {
			t.Errorf("case %d (%s): Data errors %q, want one naming bad.rcc, the file and %q", i, tc.what, errs, tc.want)
		}
	}
}

// Every prefix of a valid file is rejected with an error, or parses into files whose Data
// fails cleanly: no panic, no endless loop.
func TestTruncated(t *testing.T) {
	t.Parallel()
	orig := readFixture(t, "v2-zlib.rcc")
	for n := range len(orig) {
		a, err := rcc.Parse("cut.rcc", orig[:n])
		if err != nil {
			continue
		}
		for _, f := range a.Files {
			f.Data()
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range fixtures {
		f.Add(readFixture(f, tc.file))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := rcc.Parse("fuzz.rcc", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "rcc: fuzz.rcc: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for i, file := range a.Files {
			if seen[file.Path] || (i > 0 && a.Files[i-1].Path >= file.Path) {
				t.Fatalf("paths not unique and sorted: %q", file.Path)
			}
			seen[file.Path] = true
			if _, err := file.Data(); err != nil && !strings.HasPrefix(err.Error(), "rcc: fuzz.rcc: "+file.Path+": ") {
				t.Fatalf("Data error does not name archive and file: %v", err)
			}
		}
	})
}
