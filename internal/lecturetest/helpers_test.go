package lecturetest_test

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/install"
)

// welcomeStdout is the exact stdout of the welcome notebook's cells, checked by the Go runner's
// test (TestWelcomeNotebook) and by Jupyter's (TestWelcomeNbconvert).
var welcomeStdout = []struct{ cell, want string }{
	{"hello", "Hello, deepnb!\n"},
	{"bump", "calls: 1 2\n"},
	{"bump-again", "calls in a new run: 1\n"},
	{"cache-reset", "cache key welcome-primes reset\n"},
	// π(2·10⁷) = 1 270 607; the first run computes it…
	{"cache-compute", "(computing…)\nprimes below 20,000,000: 1270607\n"},
	// …the next reads it from the cache.
	{"cache-again", "still 1270607 primes, read from the cache\n"},
	// tanh(1) = 0.76159…, σ(1) = 0.73106…
	{"plot", "tanh(1) = 0.7616, sigmoid(1) = 0.7311, ReLU(-1) = 0\n"},
	{"dl", "y = 14\n∂y/∂x = [2 4 6]\n"},
}

// welcomeMandelbrot matches the Mandelbrot cell's stdout; its group is the percentage inside.
var welcomeMandelbrot = regexp.MustCompile(`^480×384 pixels, (\d+)% inside the set\n$`)

// root returns the repository's root folder, failing the test if it cannot be found.
func root(t testing.TB) string {
	t.Helper()
	r, err := install.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// notebook returns the path of the lecture notebook name in notebooks/.
func notebook(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(root(t), "notebooks", name)
}

// installKernel installs the deepnb kernelspec into a temporary prefix for a test that runs
// Jupyter itself, and returns the install options (for JupyterPath) and Jupyter's search path.
func installKernel(t *testing.T) (opts install.Options, jupyterPath string) {
	t.Helper()
	opts = install.Options{Root: root(t), Prefix: t.TempDir()}
	var log bytes.Buffer
	opts.Out = &log
	if _, err := install.Install(t.Context(), opts); err != nil {
		t.Fatalf("install: %v\n%s", err, log.String())
	}
	t.Logf("install:\n%s", log.String())
	jupyterPath = opts.JupyterPath()
	if old := os.Getenv("JUPYTER_PATH"); old != "" {
		jupyterPath += string(os.PathListSeparator) + old
	}
	return opts, jupyterPath
}

// freshCopy copies the lecture notebook name into a fresh temporary folder as file, and returns
// the folder. The kernel's working directory is the notebook's, and GoNB's cache folder is derived
// from it, so cached cells start empty; the cache folder is removed when the test ends.
func freshCopy(t *testing.T, name, file string) string {
	t.Helper()
	work := t.TempDir()
	if w, err := filepath.EvalSymlinks(work); err == nil {
		work = w
	}
	t.Cleanup(func() { os.RemoveAll(cacheDir(work)) })
	src, err := os.ReadFile(notebook(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, file), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return work
}

// cacheDir returns the folder GoNB's cache.Default uses for cells run in dir
// (cache.NewInTmp: os.TempDir()/gonb_cache_<FNV-64a of the directory>).
func cacheDir(dir string) string {
	h := fnv.New64a()
	h.Write([]byte(dir))
	return filepath.Join(os.TempDir(), fmt.Sprintf("gonb_cache_%X", h.Sum64()))
}

// removeCache deletes the entries with the given key prefix from GoNB's cache of the notebooks
// run in notebooks/ (as kerneltest.Run runs them).
func removeCache(t *testing.T, prefix string) {
	files, _ := filepath.Glob(filepath.Join(cacheDir(filepath.Join(root(t), "notebooks")), prefix+"*"))
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Log(err)
		}
	}
}

// needTool skips the test for a missing tool, or fails it when $CI is true, so that CI never
// skips it silently.
func needTool(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// artifactPath returns where to keep a test's artifact: $ARTIFACTS_DIR, or <root>/artifacts.
func artifactPath(root, name string) string {
	dir := os.Getenv("ARTIFACTS_DIR")
	if dir == "" {
		dir = filepath.Join(root, "artifacts")
	}
	return filepath.Join(dir, name)
}

// floatIn returns the number captured by re's first group in s, failing the test if there is none.
func floatIn(t *testing.T, s, re string) float64 {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match for %q in:\n%s", re, s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%q: %v", re, err)
	}
	return v
}

// notBlank returns the fraction of pixels clearly different from the top-left one.
func notBlank(img image.Image) float64 {
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if absDiff(r, r0)+absDiff(g, g0)+absDiff(bb, b0) > 48<<8 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// checkStdout checks that out, a cell's stdout, contains each of want and matches each regular
// expression of re; what names the cell in the messages.
func checkStdout(t *testing.T, what, out string, want, re []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: stdout lacks %q; got:\n%s", what, w, out)
		}
	}
	for _, r := range re {
		if !regexp.MustCompile(r).MatchString(out) {
			t.Errorf("%s: stdout does not match %q; got:\n%s", what, r, out)
		}
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
