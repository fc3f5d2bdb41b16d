package install

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

const toolsGoMod = `module github.com/deepnb/deepnb/kernel/tools

go 1.26

tool (
	github.com/janpfeifer/gonb
	golang.org/x/tools/cmd/goimports
	golang.org/x/tools/gopls
)

require (
	github.com/janpfeifer/gonb v0.11.5 // indirect
	golang.org/x/tools v0.39.1-0.20251205192105-907593008619 // indirect
	golang.org/x/tools/gopls v0.21.0 // indirect
)
`

func TestParsePins(t *testing.T) {
	t.Parallel()
	tools, err := ParsePins("go.mod", []byte(toolsGoMod))
	if err != nil {
		t.Fatal(err)
	}
	want := []Tool{
		{"gonb", "github.com/janpfeifer/gonb", "github.com/janpfeifer/gonb", "v0.11.5"},
		{"goimports", "golang.org/x/tools/cmd/goimports", "golang.org/x/tools", "v0.39.1-0.20251205192105-907593008619"},
		{"gopls", "golang.org/x/tools/gopls", "golang.org/x/tools/gopls", "v0.21.0"},
	}
	if !slices.Equal(tools, want) {
		t.Errorf("ParsePins: got %+v, want %+v", tools, want)
	}
	for i, tc := range []struct {
		mod, wantErr string
	}{
		{"module m\n\ngo 1.26\n", "no tool directives"},
		{"module m\n\ngo 1.26\n\ntool example.com/x/cmd/y\n", "no required module provides it"},
		{"module m\n\ngo 1.26\n\ntool example.com/x\n\nrequire example.com/xy v1.0.0\n", "no required module provides it"},
		{"module m\n\ngarbage here\n", "unknown directive"},
	} {
		_, err := ParsePins("go.mod", []byte(tc.mod))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("case %d: ParsePins: error %v, want one containing %q", i, err, tc.wantErr)
		}
	}
}

func TestReadPinsOfRepo(t *testing.T) {
	t.Parallel()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	tools, err := ReadPins(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools {
		names = append(names, tl.Name)
		if tl.Version == "" {
			t.Errorf("tool %s: no pinned version", tl.Name)
		}
	}
	if want := []string{"gonb", "goimports", "gopls"}; !slices.Equal(names, want) {
		t.Errorf("ReadPins: tools %v, want %v", names, want)
	}
}

func TestPathBase(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct{ pkg, want string }{
		{"github.com/janpfeifer/gonb", "gonb"},
		{"golang.org/x/tools/gopls", "gopls"},
		{"example.com/cmd/tool/v2", "tool"},
		{"example.com/v2", "example.com"},
		{"example.com/cmd/v", "v"},
		{"example.com/cmd/vx1", "vx1"},
		{"single", "single"},
	} {
		if got := pathBase(tc.pkg); got != tc.want {
			t.Errorf("case %d: pathBase(%q) = %q, want %q", i, tc.pkg, got, tc.want)
		}
	}
}

func TestCheckBuildInfo(t *testing.T) {
	t.Parallel()
	gonb := Tool{"gonb", "github.com/janpfeifer/gonb", "github.com/janpfeifer/gonb", "v0.11.5"}
	gopls := Tool{"gopls", "golang.org/x/tools/gopls", "golang.org/x/tools/gopls", "v0.21.0"}
	dep := func(path, version string) *debug.Module { return &debug.Module{Path: path, Version: version} }
	for i, tc := range []struct {
		bi      debug.BuildInfo
		tool    Tool
		goVer   string
		wantErr string // "" means up to date
	}{
		{ // built from kernel/tools: the tool's module is a dependency
			debug.BuildInfo{GoVersion: "go1.26.8", Path: gonb.Package,
				Main: debug.Module{Path: "github.com/deepnb/deepnb/kernel/tools", Version: "(devel)"},
				Deps: []*debug.Module{dep("github.com/janpfeifer/gonb", "v0.11.5")}},
			gonb, "go1.26.8", ""},
		{ // built with `go install pkg@version`: the tool's module is the main module
			debug.BuildInfo{GoVersion: "go1.26.8", Path: gopls.Package, Main: *dep("golang.org/x/tools/gopls", "v0.21.0")},
			gopls, "go1.26.8", ""},
		{ // empty goVersion skips the toolchain check
			debug.BuildInfo{GoVersion: "go1.25.0", Path: gopls.Package, Main: *dep("golang.org/x/tools/gopls", "v0.21.0")},
			gopls, "", ""},
		{
			debug.BuildInfo{GoVersion: "go1.26.8", Path: gonb.Package, Deps: []*debug.Module{dep("github.com/janpfeifer/gonb", "v0.11.4")}},
			gonb, "go1.26.8", "github.com/janpfeifer/gonb is v0.11.4, pinned v0.11.5"},
		{
			debug.BuildInfo{GoVersion: "go1.26.7", Path: gonb.Package, Deps: []*debug.Module{dep("github.com/janpfeifer/gonb", "v0.11.5")}},
			gonb, "go1.26.8", "built with go1.26.7, the toolchain is go1.26.8"},
		{
			debug.BuildInfo{GoVersion: "go1.26.8", Path: "example.com/other", Deps: []*debug.Module{dep("github.com/janpfeifer/gonb", "v0.11.5")}},
			gonb, "go1.26.8", "built from package example.com/other"},
		{
			debug.BuildInfo{GoVersion: "go1.26.8", Path: gonb.Package},
			gonb, "go1.26.8", "not in the build info"},
		{ // a replaced module counts with its replacement's version
			debug.BuildInfo{GoVersion: "go1.26.8", Path: gonb.Package, Deps: []*debug.Module{
				{Path: "github.com/janpfeifer/gonb", Version: "v0.11.5", Replace: dep("github.com/fork/gonb", "v0.11.6")}}},
			gonb, "go1.26.8", "is v0.11.6, pinned v0.11.5"},
	} {
		err := checkBuildInfo(&tc.bi, tc.tool, tc.goVer)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("case %d: checkBuildInfo: %v, want nil", i, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrStale)):
			t.Errorf("case %d: checkBuildInfo: %v, want ErrStale containing %q", i, err, tc.wantErr)
		}
	}
}

func TestCheckToolMissingAndNotGo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tool := Tool{"gonb", "github.com/janpfeifer/gonb", "github.com/janpfeifer/gonb", "v0.11.5"}
	if err := CheckTool(filepath.Join(dir, "gonb"), tool, ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing binary: CheckTool = %v, want fs.ErrNotExist", err)
	}
	script := filepath.Join(dir, "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CheckTool(script, tool, ""); !errors.Is(err, ErrStale) {
		t.Errorf("non-Go binary: CheckTool = %v, want ErrStale", err)
	}
}

func TestFindRootFrom(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+ModulePath+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "kernel", "tools")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	// A nested module with another path (kernel/tools) must be skipped.
	if err := os.WriteFile(filepath.Join(sub, "go.mod"), []byte("module "+ModulePath+"/kernel/tools\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		from, want string
	}{{dir, dir}, {sub, dir}} {
		got, err := findRootFrom(tc.from)
		if err != nil || got != tc.want {
			t.Errorf("case %d: findRootFrom(%s) = %q, %v; want %q", i, tc.from, got, err, tc.want)
		}
	}
	if _, err := findRootFrom(t.TempDir()); !errors.Is(err, ErrNoRoot) {
		t.Errorf("findRootFrom(empty dir): %v, want ErrNoRoot", err)
	}
}

func TestKernelSpec(t *testing.T) {
	t.Parallel()
	root := "/src/deepnb"
	spec := NewKernelSpec(root, "/usr/local/go/bin")
	if got, want := spec.Argv, []string{"/src/deepnb/.bin/gonb", "--kernel", "{connection_file}", "-go_work=/src/deepnb"}; !slices.Equal(got, want) {
		t.Errorf("Argv = %q, want %q", got, want)
	}
	if spec.Root() != root {
		t.Errorf("Root() = %q, want %q", spec.Root(), root)
	}
	env := spec.Environ([]string{"HOME=/root", "PATH=/usr/bin:/bin", "GOFLAGS=-mod=mod", "GOPROXY=https://proxy.golang.org"})
	slices.Sort(env)
	want := []string{
		"DEEPNB_GO=/usr/local/go/bin/go", "GOFLAGS=", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local", "HOME=/root",
		"PATH=/src/deepnb/.bin:/usr/local/go/bin:/usr/bin:/bin",
	}
	if !slices.Equal(env, want) {
		t.Errorf("Environ = %q, want %q", env, want)
	}
	// An unknown variable stays as written, like Python's Template.safe_substitute.
	if env := spec.Environ([]string{"HOME=/root"}); !slices.Contains(env, "PATH=/src/deepnb/.bin:/usr/local/go/bin:${PATH}") {
		t.Errorf("Environ without PATH = %q, want PATH ending in ${PATH}", env)
	}
}

func TestWriteKernelSpecIdempotent(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "kernels", KernelName)
	spec := NewKernelSpec("/src/deepnb", "")
	for i, want := range []bool{true, false} {
		changed, err := WriteKernelSpec(dir, spec)
		if err != nil {
			t.Fatal(err)
		}
		if changed != want {
			t.Errorf("write %d: changed = %v, want %v", i, changed, want)
		}
	}
	got, err := ReadKernelSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Argv, spec.Argv) || got.DisplayName != DisplayName || got.Language != "go" || got.Env["GOPROXY"] != "off" {
		t.Errorf("ReadKernelSpec = %+v, want %+v", got, spec)
	}
	for _, f := range []string{"logo-32x32.png", "logo-64x64.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	spec.Argv[0] = "/elsewhere/gonb"
	if changed, err := WriteKernelSpec(dir, spec); err != nil || !changed {
		t.Errorf("write after change: changed = %v, %v; want true", changed, err)
	}
}

func TestSpecDir(t *testing.T) {
	// Not parallel: sets environment variables.
	t.Setenv("JUPYTER_DATA_DIR", "/data/jupyter")
	ctx := context.Background()
	for i, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Prefix: "/opt/p"}, "/opt/p/share/jupyter/kernels/deepnb"},
		{Options{Prefix: "/opt/p", SysPrefix: true}, "/opt/p/share/jupyter/kernels/deepnb"},
		{Options{}, "/data/jupyter/kernels/deepnb"},
	} {
		got, err := tc.opts.SpecDir(ctx)
		if err != nil || got != tc.want {
			t.Errorf("case %d: SpecDir = %q, %v; want %q", i, got, err, tc.want)
		}
	}
	if got, want := (Options{Prefix: "/opt/p"}).JupyterPath(), "/opt/p/share/jupyter"; got != want {
		t.Errorf("JupyterPath = %q, want %q", got, want)
	}
	got, err := Options{SysPrefix: true}.SpecDir(ctx)
	if err != nil || !strings.HasSuffix(got, "/share/jupyter/kernels/deepnb") {
		t.Errorf("SpecDir(SysPrefix) = %q, %v", got, err)
	}
}

func TestUserDataDir(t *testing.T) {
	for i, tc := range []struct {
		dataDir, xdg, want string
	}{
		{"/d", "/x", "/d"},
		{"", "/x", "/x/jupyter"},
		{"", "", "/home/u/.local/share/jupyter"},
	} {
		t.Setenv("JUPYTER_DATA_DIR", tc.dataDir)
		t.Setenv("XDG_DATA_HOME", tc.xdg)
		t.Setenv("HOME", "/home/u")
		if got, err := UserDataDir(); err != nil || got != tc.want {
			t.Errorf("case %d: UserDataDir = %q, %v; want %q", i, got, err, tc.want)
		}
	}
}

// TestInstallIdempotent installs twice into a temporary prefix: the second run changes nothing.
// It builds the tools when they are not up to date (minutes on a cold build cache).
func TestInstallIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonb, goimports and gopls when stale: skipped with -short")
	}
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	prefix := t.TempDir()
	var outs []string
	for range 2 {
		var out bytes.Buffer
		dir, err := Install(t.Context(), Options{Root: root, Prefix: prefix, NoPrewarm: true, Out: &out})
		if err != nil {
			t.Fatalf("Install: %v\n%s", err, out.String())
		}
		if want := filepath.Join(prefix, "share", "jupyter", "kernels", KernelName); dir != want {
			t.Errorf("Install returned %s, want %s", dir, want)
		}
		outs = append(outs, out.String())
	}
	if !strings.Contains(outs[0], "kernelspec: written at") {
		t.Errorf("first Install output %q, want \"kernelspec: written at\"", outs[0])
	}
	for _, want := range []string{"0 modules downloaded", "tools: up to date", "go wrapper: ", "kernelspec: up to date"} {
		if !strings.Contains(outs[1], want) {
			t.Errorf("second Install output %q, want %q", outs[1], want)
		}
	}
	spec, err := ReadKernelSpec(filepath.Join(prefix, "share", "jupyter", "kernels", KernelName))
	if err != nil {
		t.Fatal(err)
	}
	if r := checkSpec("dir", spec, nil, root, ""); !r.OK {
		t.Errorf("installed kernelspec does not pass the doctor: %s", r.Detail)
	}
}

func TestSpecSearchPath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as python3")
	}
	// A python3 that says sys.prefix is /venv, and no jupyter on PATH.
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "python3"), []byte("#!/bin/sh\necho /venv\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("JUPYTER_PATH", "/jp"+string(os.PathListSeparator)+"/jp2")
	t.Setenv("JUPYTER_DATA_DIR", "/ud")
	t.Setenv("PYTHONUSERBASE", "/ub")
	sys := []string{"/usr/local/share/jupyter", "/usr/share/jupyter"}
	for i, tc := range []struct {
		preferEnv, noUserSite string
		want                  []string
	}{
		{"", "", append([]string{"/jp", "/jp2", "/ud", "/ub/share/jupyter", "/venv/share/jupyter"}, sys...)},
		{"off", "", append([]string{"/jp", "/jp2", "/ud", "/ub/share/jupyter", "/venv/share/jupyter"}, sys...)},
		{"1", "", append([]string{"/jp", "/jp2", "/venv/share/jupyter", "/ud", "/ub/share/jupyter"}, sys...)},
		{"", "1", append([]string{"/jp", "/jp2", "/ud", "/venv/share/jupyter"}, sys...)},
	} {
		t.Setenv("JUPYTER_PREFER_ENV_PATH", tc.preferEnv)
		t.Setenv("PYTHONNOUSERSITE", tc.noUserSite)
		if got := SpecSearchPath(t.Context()); !slices.Equal(got, tc.want) {
			t.Errorf("case %d: SpecSearchPath:\ngot  %q\nwant %q", i, got, tc.want)
		}
	}
	// sys.prefix /usr: its share/jupyter is a system directory, searched after /usr/local's.
	os.WriteFile(filepath.Join(bin, "python3"), []byte("#!/bin/sh\necho /usr\n"), 0o755)
	t.Setenv("JUPYTER_PATH", "")
	t.Setenv("PYTHONNOUSERSITE", "")
	if got, want := SpecSearchPath(t.Context()), append([]string{"/ud", "/ub/share/jupyter"}, sys...); !slices.Equal(got, want) {
		t.Errorf("sys.prefix /usr: SpecSearchPath:\ngot  %q\nwant %q", got, want)
	}
}
