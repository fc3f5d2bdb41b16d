package install

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// BinDirName is the project-local folder, under the root, that holds the kernel's programs.
const BinDirName = ".bin"

// ToolsModDir is the folder, relative to the root, of the module that pins the kernel's programs.
const ToolsModDir = "kernel/tools"

// Tool is one program the kernel runs, pinned by a `tool` directive in kernel/tools/go.mod.
type Tool struct {
	Name    string // Name is the binary's name in the bin folder: "gonb", "goimports", "gopls".
	Package string // Package is the main package's import path.
	Module  string // Module is the path of the module that provides Package.
	Version string // Version is Module's version required by kernel/tools/go.mod.
}

// BinDir returns root/.bin, where [BuildTools] puts the kernel's programs.
func BinDir(root string) string { return filepath.Join(root, BinDirName) }

// Path returns the tool's binary path under root's bin folder.
func (t Tool) Path(root string) string { return filepath.Join(BinDir(root), t.Name) }

// ReadPins parses root/kernel/tools/go.mod and returns its tools with their pinned versions,
// in the order of the `tool` directives.
func ReadPins(root string) ([]Tool, error) {
	file := filepath.Join(root, ToolsModDir, "go.mod")
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("install: reading tool pins: %w", err)
	}
	return ParsePins(file, data)
}

// ParsePins parses the go.mod contents data (named file in errors) and returns one [Tool] per
// `tool` directive. A tool's module is the longest required module path that prefixes the tool's
// package path. ParsePins returns an error if the file has no tool directives or a tool has no
// providing module in the require list.
func ParsePins(file string, data []byte) ([]Tool, error) {
	mf, err := modfile.Parse(file, data, nil)
	if err != nil {
		return nil, fmt.Errorf("install: %w", err)
	}
	if len(mf.Tool) == 0 {
		return nil, fmt.Errorf("install: %s: no tool directives", file)
	}
	var tools []Tool
	for _, td := range mf.Tool {
		t := Tool{Package: td.Path, Name: pathBase(td.Path)}
		for _, r := range mf.Require {
			m := r.Mod.Path
			if (td.Path == m || strings.HasPrefix(td.Path, m+"/")) && len(m) > len(t.Module) {
				t.Module, t.Version = m, r.Mod.Version
			}
		}
		if t.Module == "" {
			return nil, fmt.Errorf("install: %s: tool %s: no required module provides it", file, td.Path)
		}
		tools = append(tools, t)
	}
	return tools, nil
}

// pathBase returns the binary name `go build` gives the package: the last path element, skipping a
// major-version suffix (".../v2").
func pathBase(pkg string) string {
	elems := strings.Split(pkg, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		return elems[len(elems)-2]
	}
	return last
}

// ErrStale is returned (wrapped) by [CheckTool] when a binary exists but does not match its pin.
var ErrStale = errors.New("stale")

// CheckTool reads the build info of the binary at path and checks it against the pin t and the
// Go toolchain version goVersion ("go1.26.8"; empty skips that check). It returns nil when the binary
// is up to date, an error wrapping fs.ErrNotExist when it is missing, and one wrapping [ErrStale]
// that says what differs otherwise.
func CheckTool(path string, t Tool, goVersion string) error {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		if _, serr := os.Stat(path); serr != nil {
			return serr
		}
		return fmt.Errorf("%s: %w: no Go build info (%v)", path, ErrStale, err)
	}
	if err := checkBuildInfo(bi, t, goVersion); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// checkBuildInfo reports how bi differs from the pin t and Go version goVersion, or nil.
func checkBuildInfo(bi *debug.BuildInfo, t Tool, goVersion string) error {
	if bi.Path != t.Package {
		return fmt.Errorf("%w: built from package %s, want %s", ErrStale, bi.Path, t.Package)
	}
	if goVersion != "" && bi.GoVersion != goVersion {
		return fmt.Errorf("%w: built with %s, the toolchain is %s", ErrStale, bi.GoVersion, goVersion)
	}
	mods := append([]*debug.Module{&bi.Main}, bi.Deps...)
	for _, m := range mods {
		if m == nil || m.Path != t.Module {
			continue
		}
		if m.Replace != nil {
			m = m.Replace
		}
		if m.Version != t.Version {
			return fmt.Errorf("%w: %s is %s, pinned %s", ErrStale, t.Module, m.Version, t.Version)
		}
		return nil
	}
	return fmt.Errorf("%w: module %s not in the build info, pinned %s", ErrStale, t.Module, t.Version)
}

// GoVersion returns the toolchain version of the `go` command on PATH ("go1.26.8").
func GoVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("install: go env GOVERSION: %w (is Go installed and on PATH?)", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// BuildTools builds the pinned tools of root/kernel/tools/go.mod into root/.bin with
// `go build -o`, unless every binary is already up to date (see [CheckTool]) and force is false.
// It reports whether it built, and prints what it did to out.
func BuildTools(ctx context.Context, root string, force bool, out io.Writer) (built bool, err error) {
	tools, err := ReadPins(root)
	if err != nil {
		return false, err
	}
	goVersion, err := GoVersion(ctx)
	if err != nil {
		return false, err
	}
	if !force {
		upToDate := true
		for _, t := range tools {
			if CheckTool(t.Path(root), t, goVersion) != nil {
				upToDate = false
				break
			}
		}
		if upToDate {
			fmt.Fprintf(out, "tools: up to date in %s (%s)\n", BinDir(root), describeTools(tools))
			return false, nil
		}
	}
	if err := os.MkdirAll(BinDir(root), 0o755); err != nil {
		return false, fmt.Errorf("install: %w", err)
	}
	// Build into a fresh folder next to the binaries, then rename each into place: a kernel that is
	// running the old binary, or a concurrent install, never sees a half-written file.
	tmp, err := os.MkdirTemp(BinDir(root), ".build-")
	if err != nil {
		return false, fmt.Errorf("install: %w", err)
	}
	defer os.RemoveAll(tmp)
	args := []string{"build", "-o", tmp + string(filepath.Separator)}
	for _, t := range tools {
		args = append(args, t.Package)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Join(root, ToolsModDir)
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	start := time.Now()
	if b, err := cmd.CombinedOutput(); err != nil {
		return false, fmt.Errorf("install: building tools (cd %s && go build -o %s/ %s): %w\n%s",
			ToolsModDir, BinDirName, strings.Join(args[3:], " "), err, b)
	}
	for _, t := range tools {
		if err := os.Rename(filepath.Join(tmp, t.Name), t.Path(root)); err != nil {
			return true, fmt.Errorf("install: %w", err)
		}
		if err := CheckTool(t.Path(root), t, goVersion); err != nil {
			return true, fmt.Errorf("install: after building: %w", err)
		}
	}
	fmt.Fprintf(out, "tools: built %s into %s in %.1fs\n", describeTools(tools), BinDir(root), time.Since(start).Seconds())
	return true, nil
}

func describeTools(tools []Tool) string {
	var parts []string
	for _, t := range tools {
		parts = append(parts, t.Name+" "+t.Version)
	}
	return strings.Join(parts, ", ")
}

// GoWrapperPackage is the package of the go wrapper (see package gohint) that [BuildGoWrapper]
// builds as <root>/.bin/go.
const GoWrapperPackage = ModulePath + "/kernel/cmd/gohint"

// BuildGoWrapper builds the go wrapper, [GoWrapperPackage], as <root>/.bin/go: the kernelspec
// puts <root>/.bin first on GoNB's PATH, so every go command the kernel runs goes through it and a
// cell that meets a module missing from the module cache is told which one and how to fix it.
// The build goes through the Go build cache, so a rebuild of an unchanged wrapper is quick.
func BuildGoWrapper(ctx context.Context, root string, out io.Writer) error {
	if err := os.MkdirAll(BinDir(root), 0o755); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	tmp, err := os.MkdirTemp(BinDir(root), ".build-")
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(tmp, "go"), GoWrapperPackage)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("install: building the go wrapper (go build -o %s/go %s): %w\n%s", BinDirName, GoWrapperPackage, err, b)
	}
	dst := filepath.Join(BinDir(root), "go")
	if err := os.Rename(filepath.Join(tmp, "go"), dst); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	fmt.Fprintf(out, "go wrapper: %s (runs go and names a module missing from the module cache)\n", dst)
	return nil
}
