package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an idx file of unsigned bytes with the given dimensions and data.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(0x0800|len(dims)))
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReadIDX(t *testing.T) {
	t.Parallel()
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	for i, tc := range []struct {
		name    string
		in      []byte
		dims    []int
		wantErr string
	}{
		{"good", good, []int{2, 3}, ""},
		{"empty", nil, nil, "truncated"},
		{"bad magic", append([]byte{1, 0, 8, 2}, good[4:]...), nil, "bad magic"},
		{"float type", append([]byte{0, 0, 0x0d, 2}, good[4:]...), nil, "element type"},
		{"no dims", []byte{0, 0, 8, 0}, nil, "0 dimensions"},
		{"truncated header", good[:6], nil, "truncated"},
		{"truncated data", good[:len(good)-2], nil, "need 6 data bytes, got 4"},
		{"trailing", append(slices.Clone(good), 9), nil, "trailing bytes"},
		{"huge", idxBytes([]int{1 << 16, 1 << 16}, nil), nil, "elements"},
	} {
		dims, data, err := ReadIDX(bytes.NewReader(tc.in))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("case %d: %s: got error %v, want one containing %q", i, tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(dims, tc.dims) || len(data) != 6 || data[5] != 6 {
			t.Errorf("case %d: %s: got %v %v %v", i, tc.name, dims, data, err)
		}
	}
}

func TestReadIDXFileNamesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	full := gz(idxBytes([]int{4}, []byte{1, 2, 3, 4}))
	for i, tc := range []struct {
		name, file string
		content    []byte
		wantErr    string
	}{
		{"not gzip", "a-idx1-ubyte.gz", []byte("hello"), "not a gzip file"},
		{"cut gzip", "b-idx1-ubyte.gz", full[:len(full)-12], "b-idx1-ubyte.gz"},
		{"missing", "nothere.gz", nil, "no such file"},
	} {
		path := filepath.Join(dir, tc.file)
		if tc.content != nil {
			os.WriteFile(path, tc.content, 0o644)
		}
		_, _, err := ReadIDXFile(path)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.file) {
			t.Errorf("case %d: %s: got %v, want an error naming %s and containing %q", i, tc.name, err, tc.file, tc.wantErr)
		}
	}
}

func TestLoadMNISTMismatchedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img, lab := filepath.Join(dir, "i.gz"), filepath.Join(dir, "l.gz")
	os.WriteFile(img, gz(idxBytes([]int{2, 2, 2}, make([]byte, 8))), 0o644)
	os.WriteFile(lab, gz(idxBytes([]int{3}, []byte{1, 2, 3})), 0o644)
	if _, err := loadMNISTFiles(img, lab); err == nil || !strings.Contains(err.Error(), "holds 2 images") {
		t.Errorf("got %v, want a count mismatch error", err)
	}
	os.WriteFile(lab, gz(idxBytes([]int{2}, []byte{1, 12})), 0o644)
	if _, err := loadMNISTFiles(img, lab); err == nil || !strings.Contains(err.Error(), "label 12") {
		t.Errorf("got %v, want a bad label error", err)
	}
}

// TestLoadMNIST reads the real files from the pinned Go module.
func TestLoadMNIST(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		split  string
		n      int
		first  int
		counts [10]int
	}{
		{"test", 10000, 7, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
		{"train", 60000, 5, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
	} {
		s, err := LoadMNIST(tc.split)
		if err != nil {
			t.Fatalf("case %d: LoadMNIST(%q): %v", i, tc.split, err)
		}
		if got := s.X.Shape(); !slices.Equal(got, []int{tc.n, 1, 28, 28}) || s.Len() != tc.n {
			t.Fatalf("case %d: shape %v, len %d", i, got, s.Len())
		}
		var counts [10]int
		for _, y := range s.Y {
			counts[y]++
		}
		if counts != tc.counts || s.Y[0] != tc.first {
			t.Errorf("case %d: %s: label counts %v first %d, want %v first %d", i, tc.split, counts, s.Y[0], tc.counts, tc.first)
		}
		lo, hi := slices.Min(s.X.Data()), slices.Max(s.X.Data())
		if lo != 0 || hi != 1 {
			t.Errorf("case %d: pixel range [%v, %v], want [0, 1]", i, lo, hi)
		}
	}
	if _, err := LoadMNIST("validation"); err == nil {
		t.Error("LoadMNIST(\"validation\") gave no error")
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		n, size int
		seed    uint64
		batches int
	}{
		{10, 3, 0, 4}, {10, 5, 1, 2}, {7, 10, 2, 1}, {0, 4, 3, 0},
	} {
		var all []int
		nb := 0
		for b := range Batches(tc.n, tc.size, tc.seed) {
			all = append(all, b...)
			nb++
		}
		sorted := slices.Sorted(slices.Values(all))
		want := make([]int, tc.n)
		for j := range want {
			want[j] = j
		}
		if nb != tc.batches || !slices.Equal(sorted, want) {
			t.Errorf("case %d: %d batches covering %v, want %d covering 0…%d", i, nb, sorted, tc.batches, tc.n-1)
		}
		if tc.seed == 0 && !slices.Equal(all, want) {
			t.Errorf("case %d: seed 0 reordered: %v", i, all)
		}
	}
	collect := func(seed uint64) []int {
		var all []int
		for b := range Batches(100, 8, seed) {
			all = append(all, b...)
		}
		return all
	}
	if a, b, c := collect(42), collect(42), collect(43); !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("Batches: same seed must give the same order and another seed another order")
	}
}

func TestSetBatches(t *testing.T) {
	t.Parallel()
	s, err := loadSmall()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for x, y := range s.Batches(4, 7) {
		if x.Dim(0) != len(y) || x.Dim(1) != 1 || x.Dim(2) != 2 {
			t.Fatalf("batch shape %v with %d labels", x.Shape(), len(y))
		}
		for k, label := range y {
			// Each toy image is filled with its own label/255.
			if got := x.Data()[k*4]; got != float32(label)/255 {
				t.Errorf("image for label %d starts with %v", label, got)
			}
		}
		seen += len(y)
	}
	if seen != s.Len() {
		t.Errorf("saw %d examples, want %d", seen, s.Len())
	}
	if sub := s.Subset(3); sub.Len() != 3 || sub.X.Dim(0) != 3 {
		t.Errorf("Subset(3): %d examples, shape %v", sub.Len(), sub.X.Shape())
	}
}

// loadSmall writes and loads a 10-image, 2×2 toy set whose image i is filled with label i.
func loadSmall() (*Set, error) {
	dir, err := os.MkdirTemp("", "idx")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	pix := make([]byte, 40)
	labels := make([]byte, 10)
	for i := range labels {
		labels[i] = byte(i)
		for j := range 4 {
			pix[i*4+j] = byte(i)
		}
	}
	img, lab := filepath.Join(dir, "i.gz"), filepath.Join(dir, "l.gz")
	os.WriteFile(img, gz(idxBytes([]int{10, 2, 2}, pix)), 0o644)
	os.WriteFile(lab, gz(idxBytes([]int{10}, labels)), 0o644)
	return loadMNISTFiles(img, lab)
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	f.Add(idxBytes([]int{1}, []byte{7}))
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		dims, data, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "idx: ") {
				t.Errorf("error does not say where it comes from: %v", err)
			}
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(data) {
			t.Errorf("dims %v but %d bytes", dims, len(data))
		}
	})
}

// TestMNIST checks the one-line loader against LoadMNIST: the first n and testN examples, an
// empty set for 0, and the whole split for more than it holds.
func TestMNIST(t *testing.T) {
	t.Parallel()
	test, err := LoadMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ n, testN, wantN, wantTest int }{
		{0, 5, 0, 5},
		{3, 0, 3, 0},
		{2, 20000, 2, 10000},
	} {
		tr, te, err := MNIST(tc.n, tc.testN)
		if err != nil {
			t.Fatalf("case %d: MNIST(%d, %d): %v", i, tc.n, tc.testN, err)
		}
		if tr.Len() != tc.wantN || te.Len() != tc.wantTest || tr.X.Dim(0) != tc.wantN || te.X.Dim(0) != tc.wantTest {
			t.Errorf("case %d: MNIST(%d, %d): %d and %d examples (X %v, %v), want %d and %d", i, tc.n, tc.testN, tr.Len(), te.Len(), tr.X.Shape(), te.X.Shape(), tc.wantN, tc.wantTest)
		}
		if !slices.Equal(te.Y, test.Y[:tc.wantTest]) || !slices.Equal(te.X.Data(), test.X.Data()[:tc.wantTest*784]) || len(tr.Classes) != 10 {
			t.Errorf("case %d: MNIST(%d, %d): the test set is not LoadMNIST's first %d", i, tc.n, tc.testN, tc.wantTest)
		}
	}
}
