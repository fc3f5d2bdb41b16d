package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGoAtLeast(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		v, min  string
		want    bool
		wantErr bool
	}{
		{"go1.26.8", "go1.26", true, false},
		{"go1.26", "go1.26", true, false},
		{"go1.26.0", "go1.26.1", false, false},
		{"go1.25.9", "go1.26", false, false},
		{"go1.27rc1", "go1.26", true, false},
		{"go1.26rc2", "go1.26", true, false},
		{"go2.0", "go1.26", true, false},
		{"go1.9", "go1.26", false, false},
		{"devel go1.27-abcdef Tue Jan 1", "go1.26", true, false},
		{"1.26", "go1.26", false, true},
		{"go", "go1.26", false, true},
		{"go1.26.x", "go1.26", false, true},
	} {
		got, err := goAtLeast(tc.v, tc.min)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("case %d: goAtLeast(%q, %q) = %v, %v; want %v, error %v", i, tc.v, tc.min, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestCheckGo(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		version string
		err     error
		ok      bool
		detail  string
	}{
		{"go1.26.8", nil, true, "go1.26.8"},
		{"go1.25.3", nil, false, "go1.25.3 is older than go1.26"},
		{"", errors.New("go: not found"), false, "go: not found"},
		{"weird", nil, false, "cannot parse"},
	} {
		r := checkGo(tc.version, tc.err)
		if r.OK != tc.ok || !strings.Contains(r.Detail, tc.detail) || (!r.OK && !strings.Contains(r.Fix, "go.dev/dl")) {
			t.Errorf("case %d: checkGo(%q, %v) = %+v, want OK=%v detail containing %q", i, tc.version, tc.err, r, tc.ok, tc.detail)
		}
	}
}

func TestCheckTool(t *testing.T) {
	t.Parallel()
	tool := Tool{"gonb", "github.com/janpfeifer/gonb", "github.com/janpfeifer/gonb", "v0.11.5"}
	fix := "go run ./kernel/cmd/deepnb install"
	for i, tc := range []struct {
		err    error
		ok     bool
		detail string
	}{
		{nil, true, "github.com/janpfeifer/gonb v0.11.5"},
		{fmt.Errorf("stat: %w", fs.ErrNotExist), false, ".bin/gonb is missing (pinned github.com/janpfeifer/gonb v0.11.5)"},
		{fmt.Errorf("x: %w: built with go1.26.7", ErrStale), false, "built with go1.26.7"},
	} {
		r := checkTool(tool, tc.err, fix)
		if r.OK != tc.ok || !strings.Contains(r.Detail, tc.detail) || r.Check != "tool gonb" || (!r.OK && r.Fix != fix) {
			t.Errorf("case %d: checkTool(%v) = %+v, want OK=%v detail containing %q", i, tc.err, r, tc.ok, tc.detail)
		}
	}
}

func TestCheckSpec(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	gonb := filepath.Join(root, BinDirName, "gonb")
	if err := os.MkdirAll(filepath.Dir(gonb), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gonb, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	otherRoot := t.TempDir() // no .bin/gonb there
	fix := "go run ./kernel/cmd/deepnb install --prefix /p"
	good := func() *KernelSpec { return NewKernelSpec(root, "/usr/local/go/bin") }
	for i, tc := range []struct {
		spec   func() *KernelSpec
		err    error
		ok     bool
		detail string
	}{
		{good, nil, true, "/d"},
		{nil, fmt.Errorf("open: %w", fs.ErrNotExist), false, "kernelspec not installed at /d (no kernel.json)"},
		{nil, &SpecNotFoundError{Searched: []string{"/a", "/b"}}, false, "kernelspec not installed (looked for kernels/deepnb/kernel.json in /a, /b)"},
		{nil, errors.New("kernelspec /d/kernel.json: invalid character"), false, "invalid character"},
		{func() *KernelSpec { return NewKernelSpec(otherRoot, "") }, nil, false, "argv[0] is " + filepath.Join(otherRoot, BinDirName, "gonb")},
		{func() *KernelSpec { s := good(); s.Argv[3] = "-go_work=/elsewhere"; return s }, nil, false, `-go_work is "/elsewhere"`},
		{func() *KernelSpec { s := good(); s.Env["PATH"] = "${PATH}"; return s }, nil, false, "does not start with"},
		{func() *KernelSpec { s := good(); delete(s.Env, "GOPROXY"); return s }, nil, false, `GOPROXY is ""`},
		{func() *KernelSpec { s := good(); s.Env["GOFLAGS"] = "-mod=mod"; return s }, nil, false, "sets -mod"},
	} {
		var spec *KernelSpec
		if tc.spec != nil {
			spec = tc.spec()
		}
		r := checkSpec("/d", spec, tc.err, root, fix)
		if r.OK != tc.ok || !strings.Contains(r.Detail, tc.detail) || (!r.OK && r.Fix != fix) {
			t.Errorf("case %d: checkSpec = %+v, want OK=%v detail containing %q", i, r, tc.ok, tc.detail)
		}
	}
	// A gonb that is not executable.
	if err := os.Chmod(gonb, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := checkSpec("/d", good(), nil, root, fix); r.OK || !strings.Contains(r.Detail, "not an executable") {
		t.Errorf("non-executable gonb: checkSpec = %+v, want failure", r)
	}
}

func TestCheckKernelList(t *testing.T) {
	t.Parallel()
	fix := "go run ./kernel/cmd/deepnb install"
	for i, tc := range []struct {
		out    string
		err    error
		dir    string
		ok     bool
		detail string
	}{
		{`{"kernelspecs": {"deepnb": {"resource_dir": "/u/k/deepnb", "spec": {}}, "python3": {"resource_dir": "/usr/k"}}}`, nil, "/u/k/deepnb", true, "kernel deepnb at /u/k/deepnb"},
		{`{"kernelspecs": {"deepnb": {"resource_dir": "/u/k/deepnb"}}}`, nil, "", true, "kernel deepnb at /u/k/deepnb"},
		{`{"kernelspecs": {"deepnb": {"resource_dir": "/u/k/deepnb"}}}`, nil, "/p/k/deepnb", false, "from /u/k/deepnb, not /p/k/deepnb"},
		{`{"kernelspecs": {"python3": {"resource_dir": "/usr/k"}}}`, nil, "", false, `does not list kernel "deepnb"`},
		{`not json`, nil, "", false, "cannot parse"},
		{``, errors.New("jupyter kernelspec: not a Jupyter command"), "", false, "not a Jupyter command"},
	} {
		r := checkKernelList(tc.out, tc.err, tc.dir, fix)
		if r.OK != tc.ok || !strings.Contains(r.Detail, tc.detail) || (!r.OK && r.Fix != fix) {
			t.Errorf("case %d: checkKernelList = %+v, want OK=%v detail containing %q", i, r, tc.ok, tc.detail)
		}
	}
}

func TestModulesResult(t *testing.T) {
	t.Parallel()
	project := ModuleSet{Name: "project", Dir: "/root"}
	data := ModuleSet{Name: "data", Modules: []string{"example.com/data@v1.0.0"}}
	for i, tc := range []struct {
		set    ModuleSet
		err    error
		ok     bool
		detail string
	}{
		{project, nil, true, "project module graph: in the module cache"},
		{data, nil, true, "example.com/data@v1.0.0: in the module cache"},
		{project, errors.New("go mod download all (in /root): exit status 1\ngo: github.com/go-zeromq/goczmq/v4@v4.2.2: module lookup disabled by GOPROXY=off"),
			false, "not in the module cache: github.com/go-zeromq/goczmq/v4@v4.2.2"},
		{data, errors.New("go mod download: exit status 1\ndisk full"), false, "disk full"},
	} {
		r := modulesResult(tc.set, tc.err, "go run ./kernel/cmd/deepnb install")
		if r.OK != tc.ok || !strings.Contains(r.Detail, tc.detail) || (!r.OK && !strings.HasPrefix(r.Fix, "go run ./kernel/cmd/deepnb install")) {
			t.Errorf("case %d: modulesResult = %+v, want OK=%v detail containing %q", i, r, tc.ok, tc.detail)
		}
	}
}

func TestProbeResult(t *testing.T) {
	t.Parallel()
	fix := "go run ./kernel/cmd/deepnb install"
	for i, tc := range []struct {
		res    *ProbeResult
		err    error
		ok     bool
		detail string
		fix    string
	}{
		{&ProbeResult{Packages: []string{"a.b/c", "d.e/f"}}, nil, true, "importing 2 packages builds offline", ""},
		{nil, &ProbeError{Step: "go build", Output: "go: gonum.org/v1/plot@v0.15.2: module lookup disabled by GOPROXY=off",
			Missing: []string{"gonum.org/v1/plot@v0.15.2"}}, false, "not in the module cache: gonum.org/v1/plot@v0.15.2", fix},
		{nil, &ProbeError{Step: "go build", Output: "./x.go:3:1: syntax error"}, false, "syntax error", "fix the compile error"},
	} {
		r := probeResult(tc.res, tc.err, fix)
		if r.OK != tc.ok || !strings.Contains(r.Detail, tc.detail) || !strings.HasPrefix(r.Fix, tc.fix) {
			t.Errorf("case %d: probeResult = %+v, want OK=%v detail containing %q, fix %q", i, r, tc.ok, tc.detail, tc.fix)
		}
	}
}

func TestPrintReport(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		results []Result
		failed  bool
		want    []string
	}{
		{[]Result{{Check: "go", OK: true, Detail: "go1.26.8"}}, false, []string{"ok    go", "all checks passed"}},
		{[]Result{{Check: "go", OK: true, Detail: "go1.26.8"}, {Check: "kernelspec", Detail: "missing", Fix: "go run ./kernel/cmd/deepnb install"}},
			true, []string{"FAIL  kernelspec", "fix: go run ./kernel/cmd/deepnb install", "1 problem(s) found"}},
	} {
		var b bytes.Buffer
		PrintReport(&b, tc.results)
		if Failed(tc.results) != tc.failed {
			t.Errorf("case %d: Failed = %v, want %v", i, !tc.failed, tc.failed)
		}
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("case %d: report %q does not contain %q", i, b.String(), w)
			}
		}
	}
}

func TestInstallCommand(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, "go run ./kernel/cmd/deepnb install"},
		{Options{Prefix: "/p"}, "go run ./kernel/cmd/deepnb install --prefix /p"},
		{Options{SysPrefix: true}, "go run ./kernel/cmd/deepnb install --sys-prefix"},
	} {
		if got := installCommand(tc.opts); got != tc.want {
			t.Errorf("case %d: installCommand = %q, want %q", i, got, tc.want)
		}
	}
}

// TestDoctorFreshPrefix runs the whole doctor against an empty prefix: the kernelspec check must
// fail with the install command for that prefix, and the Go check must pass.
func TestDoctorFreshPrefix(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module graph: skipped with -short")
	}
	prefix := t.TempDir()
	results := Doctor(t.Context(), Options{Prefix: prefix})
	byCheck := map[string]Result{}
	for _, r := range results {
		byCheck[r.Check] = r
	}
	if r := byCheck["go"]; !r.OK {
		t.Errorf("go check failed: %+v", r)
	}
	r, ok := byCheck["kernelspec"]
	if !ok || r.OK || r.Fix != "go run ./kernel/cmd/deepnb install --prefix "+prefix {
		t.Errorf("kernelspec check on an empty prefix: %+v, want a failure fixed by install --prefix", r)
	}
	if !Failed(results) {
		t.Error("Failed(results) = false, want true")
	}
}

func TestCheckSpecWording(t *testing.T) {
	t.Parallel()
	// Not found anywhere: the detail says so plainly, without Go's "file does not exist".
	r := checkSpec("", nil, &SpecNotFoundError{Searched: []string{"/x"}}, t.TempDir(), "fix")
	if r.OK || strings.Contains(r.Detail, "does not exist") || !strings.HasPrefix(r.Detail, "kernelspec not installed") {
		t.Errorf("checkSpec(not found) = %+v", r)
	}
	if err := (&SpecNotFoundError{}); !errors.Is(err, fs.ErrNotExist) {
		t.Error("SpecNotFoundError does not match fs.ErrNotExist")
	}
}

// TestJupyterFixMatchesMakefile keeps doctor's apt-get line the one `make notebook` prints.
func TestJupyterFixMatchesMakefile(t *testing.T) {
	t.Parallel()
	mk, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Skipf("no Makefile: %v", err)
	}
	apt, _, _ := strings.Cut(JupyterFix, "   ")
	if !strings.Contains(string(mk), apt+"\"") && !strings.Contains(string(mk), apt+"\n") {
		t.Errorf("Makefile lacks doctor's fix %q", apt)
	}
}

func TestCheckJupyterMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	rs := checkJupyter(t.Context(), Options{}, "")
	if len(rs) != 1 || rs[0].OK || rs[0].Detail != "jupyter is not on PATH" || rs[0].Fix != JupyterFix {
		t.Errorf("checkJupyter without jupyter = %+v", rs)
	}
	if !strings.HasPrefix(JupyterFix, "sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient") {
		t.Errorf("JupyterFix = %q", JupyterFix)
	}
}
