package gohint_test

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/gohint"
	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

// TestKernelNamesMissingModule runs a cell in the real GoNB kernel, installed as `deepnb install`
// installs it, with a module cache that holds every module's go.mod but no module's source (as
// after a partial download): the cell fails, and its error names the missing module and the fix
// besides Go's own "module lookup disabled by GOPROXY=off".
func TestKernelNamesMissingModule(t *testing.T) {
	spec := kerneltest.Spec(t)
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(strings.TrimSpace(string(out)), "cache", "download")
	modCache := t.TempDir()
	t.Cleanup(func() { // the go command makes module folders read-only
		filepath.WalkDir(modCache, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	// The module graph loads from the .mod files; no .zip, no extracted module.
	err = filepath.WalkDir(shared, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".mod") || strings.HasSuffix(p, ".info")) {
			return err
		}
		rel, _ := filepath.Rel(shared, p)
		dst := filepath.Join(modCache, "cache", "download", rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	nb := nbformat.New()
	nb.Cells = append(nb.Cells, nbformat.NewCodeCell("import \"gonum.org/v1/gonum/floats\"\n\n%%\nfmt.Println(floats.Sum([]float64{1, 2}))"))
	_, err = runner.Run(t.Context(), nb, runner.Options{
		Spec: spec, Name: "missing-module", Dir: t.TempDir(), Timeout: 5 * time.Minute,
		Env: append(os.Environ(), "GOMODCACHE="+modCache, "GOFLAGS=-modcacherw"),
	})
	var re *runner.Error
	if !errors.As(err, &re) || re.Kind != "error" {
		t.Fatalf("runner.Run: %v; want the cell to fail with an error", err)
	}
	for _, want := range []string{"deepnb: module gonum.org/v1/gonum@", "is not in the Go module cache (" + modCache + ")", gohint.Fix} {
		if !strings.Contains(re.Message, want) {
			t.Errorf("cell error lacks %q:\n%s", want, re.Message)
		}
	}
	t.Logf("the cell's error:\n%s", re.Message)
}
