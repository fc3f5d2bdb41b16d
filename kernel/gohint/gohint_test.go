package gohint

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMissingModules(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		out  string
		want []string
	}{
		{"", nil},
		{"./main.go:3:2: undefined: x\n", nil},
		// The original fresh-machine failure: the module is on the marker line.
		{"go: github.com/go-zeromq/goczmq/v4@v4.2.2: module lookup disabled by GOPROXY=off\n",
			[]string{"github.com/go-zeromq/goczmq/v4@v4.2.2"}},
		// A missing zip: the go command names the module on its "downloading" line only.
		{"go: downloading gonum.org/v1/gonum v0.17.0\nmain.go:2:8: module lookup disabled by GOPROXY=off\n",
			[]string{"gonum.org/v1/gonum@v0.17.0"}},
		// Marker lines win over downloads, which may have been extracted from the cache.
		{"go: downloading a.b/c v1.0.0\ngo: x.y/z@v0.1.0-20200101000000-abcdefabcdef: module lookup disabled by GOPROXY=off\n" +
			"go: x.y/z@v0.1.0-20200101000000-abcdefabcdef: module lookup disabled by GOPROXY=off\n",
			[]string{"x.y/z@v0.1.0-20200101000000-abcdefabcdef"}},
		{"go: github.com/!burnt!sushi/toml@v1.5.0: module lookup disabled by GOPROXY=off\n",
			[]string{"github.com/!burnt!sushi/toml@v1.5.0"}},
		{"main.go:2:8: module lookup disabled by GOPROXY=off\n", []string{}},
	} {
		got := MissingModules([]byte(tc.out))
		if !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("case %d: MissingModules = %#v, want %#v", i, got, tc.want)
		}
	}
}

func TestHint(t *testing.T) {
	t.Parallel()
	if h := Hint(nil, "/mc"); h != "" {
		t.Errorf("Hint(nil) = %q, want empty", h)
	}
	for i, tc := range []struct {
		mods []string
		want string
	}{
		{[]string{"a.b/c@v1.0.0"}, "deepnb: module a.b/c@v1.0.0 is not in the Go module cache (/mc)"},
		{[]string{"a.b/c@v1.0.0", "d.e/f@v2.0.0"}, "deepnb: modules a.b/c@v1.0.0, d.e/f@v2.0.0 are not in the Go module cache (/mc)"},
		{[]string{}, "deepnb: a module this build needs is not in the Go module cache (/mc)"},
	} {
		h := Hint(tc.mods, "/mc")
		if !strings.HasPrefix(h, tc.want) || !strings.Contains(h, "`"+Fix+"`") || strings.Count(h, "\n") != 1 {
			t.Errorf("case %d: Hint = %q, want a line starting %q and naming %q", i, h, tc.want, Fix)
		}
	}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	r := &Recorder{W: &w, Max: 4}
	r.Write([]byte("abc"))
	r.Write([]byte("def"))
	if w.String() != "abcdef" || string(r.Bytes()) != "abcd" {
		t.Errorf("Recorder passed %q and kept %q, want \"abcdef\" and \"abcd\"", w.String(), r.Bytes())
	}
}

// realGo returns the go command on PATH, skipping the test without one.
func realGo(t *testing.T) string {
	t.Helper()
	g, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	return g
}

// TestRunPassesThrough runs real go commands through Run: output, input and exit status are the go
// command's, and no hint is added to a failure that is not a missing module.
func TestRunPassesThrough(t *testing.T) {
	g := realGo(t)
	t.Setenv("GOPROXY", "off")
	var out, errb bytes.Buffer
	if code := Run(g, []string{"env", "GOPROXY"}, nil, &out, &errb); code != 0 || strings.TrimSpace(out.String()) != "off" {
		t.Errorf("go env GOPROXY: status %d, stdout %q, stderr %q; want 0 and \"off\"", code, out.String(), errb.String())
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { undefinedName() }\n"), 0o644)
	out.Reset()
	errb.Reset()
	if code := Run(g, []string{"-C", dir, "build", "-o", os.DevNull, "."}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "undefined: undefinedName") || strings.Contains(errb.String(), "deepnb:") {
		t.Errorf("go build of a broken program: status %d, stderr %q; want 1, the compiler's error and no hint", code, errb.String())
	}
	errb.Reset()
	if code := Run(g, []string{"tool", "-n", "nosuchtool"}, strings.NewReader(""), &out, &errb); code == 0 {
		t.Errorf("go tool -n nosuchtool: status 0, want failure")
	}
}

// TestRunHintsMissingModule builds, with GOPROXY=off and an empty module cache, a program that
// needs a module the project requires: Run passes the go command's error through and adds the
// hint naming the module and the fix.
func TestRunHintsMissingModule(t *testing.T) {
	g := realGo(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	ver, err := exec.Command(g, "-C", root, "list", "-m", "-f", "{{.Version}}", "gonum.org/v1/gonum").Output()
	if err != nil {
		t.Fatalf("go list -m gonum.org/v1/gonum: %v", err)
	}
	mod := "gonum.org/v1/gonum@" + strings.TrimSpace(string(ver))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n\ngo 1.26\n\nrequire gonum.org/v1/gonum "+strings.TrimSpace(string(ver))+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport _ \"gonum.org/v1/gonum/floats\"\n\nfunc main() {}\n"), 0o644)
	modCache := t.TempDir()
	t.Setenv("GOMODCACHE", modCache)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	var out, errb bytes.Buffer
	code := Run(g, []string{"-C", dir, "build", "-o", os.DevNull, "."}, nil, &out, &errb)
	want := "deepnb: module " + mod + " is not in the Go module cache (" + modCache + ")"
	if code != 1 || !strings.Contains(errb.String(), Marker) || !strings.Contains(errb.String(), want) || !strings.Contains(errb.String(), Fix) {
		t.Errorf("go build with an empty module cache: status %d, stderr:\n%s\nwant status 1, Go's %q and %q", code, errb.String(), Marker, want)
	}
}
