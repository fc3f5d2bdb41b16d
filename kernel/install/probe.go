package install

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deepnb/deepnb/kernel/gohint"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// NotebooksDir is the folder, relative to the root, that holds the lecture notebooks.
const NotebooksDir = "notebooks"

// importBlock matches a Go import declaration in a cell: a single import or a parenthesised group.
var importBlock = regexp.MustCompile(`(?m)^\s*import\s*(\([^)]*\)|[A-Za-z_.]*\s*"[^"]*")`)

// importPath matches one quoted import path inside an import declaration.
var importPath = regexp.MustCompile(`"([^"]+)"`)

// NotebookImports returns the non-standard-library packages (those whose first path element has
// a dot) that the code cells of the notebooks in root/notebooks import, sorted.
func NotebookImports(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, NotebooksDir, "*.ipynb"))
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, f := range files {
		nb, err := nbformat.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("install: %w", err)
		}
		for _, c := range nb.Cells {
			if c.CellType != "code" {
				continue
			}
			for _, blk := range importBlock.FindAllStringSubmatch(c.Source, -1) {
				for _, m := range importPath.FindAllStringSubmatch(blk[1], -1) {
					first, _, _ := strings.Cut(m[1], "/")
					if strings.Contains(first, ".") && !slices.Contains(pkgs, m[1]) {
						pkgs = append(pkgs, m[1])
					}
				}
			}
		}
	}
	slices.Sort(pkgs)
	return pkgs, nil
}

// ProbePackages returns the packages the probe cell imports: [PrewarmPackages] and the packages
// the notebooks import ([NotebookImports]), sorted, without repeats.
func ProbePackages(root string) ([]string, error) {
	nbPkgs, err := NotebookImports(root)
	if err != nil {
		return nil, err
	}
	pkgs := slices.Concat(PrewarmPackages, nbPkgs)
	slices.Sort(pkgs)
	return slices.Compact(pkgs), nil
}

// ProbeError is returned by [Probe] when the probe cell does not build.
type ProbeError struct {
	Step    string   // Step is the go command that failed: "go get", "go build -o ...".
	Output  string   // Output is its combined output.
	Missing []string // Missing are the modules absent from the module cache (path@version), if that is why.
}

func (e *ProbeError) Error() string {
	msg := fmt.Sprintf("install: cell build: %s failed:\n%s", e.Step, strings.TrimSpace(e.Output))
	if e.Missing != nil && !strings.Contains(e.Output, "deepnb: ") {
		msg += "\n" + strings.TrimSpace(gohint.Hint(e.Missing, ""))
	}
	return msg
}

// cellDir is a temporary cell module set up as GoNB sets up its own with -go_work=root.
type cellDir struct {
	dir string
	env []string
	ctx context.Context
}

// newCellDir creates a temporary module named like GoNB's (prefix + random) whose go.work uses
// root and "." and whose go.mod replaces the project module by root, as GoNB's InitializeGoWork and
// GoWorkFix do, running go with env.
func newCellDir(ctx context.Context, root, prefix string, env []string) (*cellDir, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, fmt.Errorf("install: %w", err)
	}
	c := &cellDir{dir: dir, env: env, ctx: ctx}
	for _, args := range [][]string{
		{"mod", "init", filepath.Base(dir)},
		{"work", "init"},
		{"work", "use", root, "."},
		{"mod", "edit", "-replace=" + ModulePath + "=" + root},
	} {
		if _, err := c.run(args...); err != nil {
			c.remove()
			return nil, err
		}
	}
	return c, nil
}

// run runs the go command in the cell folder and returns its combined output.
func (c *cellDir) run(args ...string) ([]byte, error) {
	cmd := exec.CommandContext(c.ctx, "go", args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	b, err := cmd.CombinedOutput()
	if err != nil {
		return b, &ProbeError{Step: "go " + strings.Join(args, " ") + " (in " + c.dir + ")", Output: string(b) + err.Error(),
			Missing: gohint.MissingModules(b)}
	}
	return b, nil
}

func (c *cellDir) remove() { os.RemoveAll(c.dir) }

// ProbeResult describes a probe cell that built.
type ProbeResult struct {
	Packages []string      // Packages are the packages the probe cell imports.
	Duration time.Duration // Duration is how long the probe took.
}

// Probe proves that cells build offline: it builds a probe cell program that imports pkgs (nil:
// [ProbePackages]) exactly as the kernel builds a cell, with the kernelspec's environment
// spec.Environ(os.Environ()) (GOPROXY=off, GOFLAGS empty, the kernel's PATH), in a module set
// up as GoNB sets up its own with -go_work=root, then `go get` (GoNB's automatic get) and
// `go build -o`. A failure is a [*ProbeError]; when modules are missing from the module cache it
// names them.
func Probe(ctx context.Context, root string, spec *KernelSpec, pkgs []string) (*ProbeResult, error) {
	start := time.Now()
	if pkgs == nil {
		var err error
		if pkgs, err = ProbePackages(root); err != nil {
			return nil, err
		}
	}
	c, err := newCellDir(ctx, root, "gonb_probe_", spec.Environ(os.Environ()))
	if err != nil {
		return nil, err
	}
	defer c.remove()
	var src strings.Builder
	src.WriteString("// Probe cell written by deepnb install/doctor: imports what lecture cells import.\npackage main\n\nimport (\n")
	for _, p := range pkgs {
		fmt.Fprintf(&src, "\t_ %s\n", strconv.Quote(p))
	}
	src.WriteString(")\n\nfunc main() {}\n")
	if err := os.WriteFile(filepath.Join(c.dir, "main.go"), []byte(src.String()), 0o644); err != nil {
		return nil, fmt.Errorf("install: %w", err)
	}
	if _, err := c.run("get"); err != nil {
		return nil, err
	}
	if _, err := c.run("build", "-o", filepath.Join(c.dir, filepath.Base(c.dir))); err != nil {
		return nil, err
	}
	return &ProbeResult{Packages: pkgs, Duration: time.Since(start)}, nil
}

// reportProbe prints the probe's outcome to out.
func reportProbe(out io.Writer, res *ProbeResult) {
	fmt.Fprintf(out, "probe: a cell importing %d packages builds offline with the kernel's environment (%.1fs): %s\n",
		len(res.Packages), res.Duration.Seconds(), strings.Join(res.Packages, " "))
}
