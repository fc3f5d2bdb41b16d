package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/kernel/gohint"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// writeFiles writes files (path relative to dir → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFreshModuleCache is the fresh machine in small: a project (module github.com/deepnb/deepnb)
// that needs one data module, an empty module cache and the kernel's GOPROXY=off. The probe cell
// fails and names the module; DownloadModules fetches it (through a file:// module proxy made of
// this machine's module cache, so the test needs no network); the probe then builds; a second
// DownloadModules downloads nothing; the doctor's module checks pass.
func TestFreshModuleCache(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command a dozen times: skipped with -short")
	}
	ctx := t.Context()
	shared, err := GoModCache(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod := datasets.MNISTModule
	path, ver, _ := strings.Cut(mod, "@")
	// The go.sum lines of the data module, from the machine's module cache.
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Dir, cmd.Env = os.TempDir(), append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	b, err := cmd.Output()
	if err != nil {
		t.Skipf("data module %s not in this machine's module cache: %v", mod, err)
	}
	var info struct{ Sum, GoModSum string }
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}

	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":              "module " + ModulePath + "\n\ngo 1.26\n\nrequire " + path + " " + ver + "\n",
		"go.sum":              path + " " + ver + " " + info.Sum + "\n" + path + " " + ver + "/go.mod " + info.GoModSum + "\n",
		"data/data.go":        "// Package data uses the data module.\npackage data\n\nimport _ \"" + path + "\"\n",
		"kernel/tools/go.mod": "module " + ModulePath + "/kernel/tools\n\ngo 1.26\n",
		"notebooks/README":    "",
	})
	nb := nbformat.New()
	nb.Cells = append(nb.Cells, nbformat.NewCodeCell("import (\n\t\"fmt\"\n\n\t\""+ModulePath+"/data\"\n)\n%%\nfmt.Println(1)"))
	if err := nbformat.WriteFile(filepath.Join(root, NotebooksDir, "00.ipynb"), nb); err != nil {
		t.Fatal(err)
	}

	modCache := t.TempDir()
	t.Setenv("GOMODCACHE", modCache)
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(filepath.Join(shared, "cache", "download")))
	t.Setenv("GOSUMDB", "off")
	spec := NewKernelSpec(root, "")
	pkgs := []string{ModulePath + "/data"}

	if got, err := NotebookImports(root); err != nil || !slices.Equal(got, pkgs) {
		t.Errorf("NotebookImports = %q, %v; want %q", got, err, pkgs)
	}
	_, err = Probe(ctx, root, spec, pkgs)
	var pe *ProbeError
	if !errors.As(err, &pe) || !slices.Equal(pe.Missing, []string{mod}) ||
		!strings.Contains(err.Error(), "deepnb: module "+mod+" is not in the Go module cache") || !strings.Contains(err.Error(), gohint.Fix) {
		t.Fatalf("Probe with an empty module cache: %v; want a *ProbeError naming %s and the fix", err, mod)
	}
	if r := checkModules(ctx, root, "FIX"); !Failed(r) {
		t.Errorf("checkModules with an empty module cache passed: %+v", r)
	}

	// The project's data module and every module of datasets.Modules (MNIST, Tiny YOLO's).
	want := slices.Compact(slices.Sorted(slices.Values(append([]string{mod}, datasets.Modules...))))
	var out bytes.Buffer
	got, err := DownloadModules(ctx, root, &out)
	if err != nil || !slices.Equal(slices.Sorted(slices.Values(got)), want) || !strings.Contains(out.String(), fmt.Sprintf("%d modules downloaded", len(want))) {
		t.Fatalf("DownloadModules = %q, %v; want %q; output:\n%s", got, err, want, out.String())
	}
	if res, err := Probe(ctx, root, spec, pkgs); err != nil || !slices.Equal(res.Packages, pkgs) {
		t.Fatalf("Probe after DownloadModules: %v, %v", res, err)
	}
	out.Reset()
	if got, err := DownloadModules(ctx, root, &out); err != nil || len(got) != 0 || !strings.Contains(out.String(), "0 modules downloaded") {
		t.Errorf("second DownloadModules = %q, %v; want none; output:\n%s", got, err, out.String())
	}
	if r := checkModules(ctx, root, "FIX"); Failed(r) {
		t.Errorf("checkModules after DownloadModules: %+v", r)
	}
	if b, err := os.ReadFile(filepath.Join(root, "go.sum")); err != nil || strings.Count(string(b), "\n") != 2 {
		t.Errorf("DownloadModules changed the project's go.sum:\n%s", b)
	}
	if cached, err := CachedModules(modCache); err != nil || !slices.Equal(slices.Sorted(slices.Values(cached)), want) {
		t.Errorf("CachedModules = %q, %v; want %q", cached, err, want)
	}
}

func TestCachedModulesEscaping(t *testing.T) {
	t.Parallel()
	mc := t.TempDir()
	writeFiles(t, mc, map[string]string{
		"cache/download/github.com/!burnt!sushi/toml/@v/v1.5.0.zip": "",
		"cache/download/github.com/!burnt!sushi/toml/@v/v1.5.0.mod": "",
		"cache/download/golang.org/x/mod/@v/v0.30.0.zip":            "",
		"cache/download/golang.org/x/mod/@v/list":                   "",
		"cache/download/sumdb/sum.golang.org/lookup/x.zip":          "",
	})
	got, err := CachedModules(mc)
	if want := []string{"github.com/BurntSushi/toml@v1.5.0", "golang.org/x/mod@v0.30.0"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("CachedModules = %q, %v; want %q", got, err, want)
	}
	if got, err := CachedModules(filepath.Join(mc, "none")); err != nil || len(got) != 0 {
		t.Errorf("CachedModules(missing) = %q, %v; want none", got, err)
	}
}

func TestProbePackagesOfRepo(t *testing.T) {
	t.Parallel()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := ProbePackages(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(slices.Clone(PrewarmPackages), ModulePath+"/dl") {
		if !slices.Contains(pkgs, want) {
			t.Errorf("ProbePackages lacks %s: %q", want, pkgs)
		}
	}
	for _, p := range pkgs {
		if first, _, _ := strings.Cut(p, "/"); !strings.Contains(first, ".") {
			t.Errorf("ProbePackages has standard-library package %s", p)
		}
	}
}
