package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadMNISTFiles: LoadMNIST's reader of gzipped IDX files (images and labels) never
// panics on any bytes; it returns a set whose images and labels agree, or an error naming the
// part of MNIST and what is wrong.
func FuzzLoadMNISTFiles(f *testing.F) {
	pix := make([]byte, 3*2*2)
	for i := range pix {
		pix[i] = byte(40 * i)
	}
	f.Add(gz(idxBytes([]int{3, 2, 2}, pix)), gz(idxBytes([]int{3}, []byte{0, 9, 4})))
	f.Add(gz(idxBytes([]int{3, 2, 2}, pix)), gz(idxBytes([]int{2}, []byte{0, 9})))
	f.Add(gz(idxBytes([]int{1, 1, 1}, []byte{1})), gz(idxBytes([]int{1}, []byte{12})))
	f.Add(idxBytes([]int{1, 1, 1}, []byte{1}), []byte{0x1f, 0x8b})
	f.Add(gz(idxBytes([]int{0x7fffffff, 0x7fffffff, 2}, nil)), gz(idxBytes([]int{1}, []byte{1})))
	dir := f.TempDir() // one per fuzzing process
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		img, lab := filepath.Join(dir, "i.gz"), filepath.Join(dir, "l.gz")
		if os.WriteFile(img, images, 0o600) != nil || os.WriteFile(lab, labels, 0o600) != nil {
			t.Fatal("write")
		}
		s, err := loadMNISTFiles(img, lab)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "datasets: MNIST") {
				t.Fatalf("error does not say where it comes from: %v", err)
			}
			return
		}
		if sh := s.X.Shape(); len(sh) != 4 || sh[0] != len(s.Y) || sh[1] != 1 {
			t.Fatalf("set of shape %v with %d labels", sh, len(s.Y))
		}
		for _, v := range s.X.Data() {
			if v < 0 || v > 1 {
				t.Fatalf("pixel %v outside [0, 1]", v)
			}
		}
	})
}
