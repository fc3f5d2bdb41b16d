package install

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// PrewarmPackages are the third-party packages lecture cells import; [Prewarm] compiles them, with
// every non-internal, non-command package of the project (except kernel/...).
var PrewarmPackages = []string{
	"gonum.org/v1/gonum/mat",
	"gonum.org/v1/gonum/floats",
	"gonum.org/v1/gonum/stat",
	"gonum.org/v1/gonum/stat/distuv",
	"gonum.org/v1/plot",
	"gonum.org/v1/plot/plotter",
	"gonum.org/v1/plot/plotutil",
	"gonum.org/v1/plot/vg",
	"gonum.org/v1/plot/vg/draw",
	"gonum.org/v1/plot/vg/vgimg",
	"gonum.org/v1/plot/vg/vgsvg",
	"github.com/janpfeifer/gonb/gonbui",
	"github.com/janpfeifer/gonb/cache",
}

// Prewarm fills the Go build cache with the packages lecture cells import, compiled the way GoNB
// compiles a cell: in a fresh temporary module whose go.work uses root and "." and whose go.mod
// replaces the project module by root (GoNB's InitializeGoWork and GoWorkFix), with no extra build
// flags (GoNB runs a plain `go build -o`) and the kernel's environment spec.Environ(os.Environ()).
//
// The third-party packages ([PrewarmPackages]) must build; project packages that do not compile
// (work in progress) are reported to out and skipped. Prewarm returns how long it took.
func Prewarm(ctx context.Context, root string, spec *KernelSpec, out io.Writer) (time.Duration, error) {
	start := time.Now()
	c, err := newCellDir(ctx, root, "gonb_prewarm_", spec.Environ(os.Environ()))
	if err != nil {
		return 0, err
	}
	defer c.remove()
	run := c.run
	// A cell is compiled and linked as a main package; compiling the packages it imports fills the
	// same cache entries without the link.
	if _, err := run(append([]string{"build"}, PrewarmPackages...)...); err != nil {
		return 0, err
	}

	// The project's own packages, as a cell sees them through the workspace.
	b, err := run("list", "-e", "-f", "{{if and .GoFiles (ne .Name \"main\") (not .Incomplete)}}{{.ImportPath}}{{end}}", ModulePath+"/...")
	if err != nil {
		return 0, err
	}
	var pkgs []string
	for _, p := range strings.Fields(string(b)) {
		if strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") ||
			strings.HasPrefix(p, ModulePath+"/kernel") {
			continue
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) > 0 {
		if _, err := run(append([]string{"build"}, pkgs...)...); err != nil {
			fmt.Fprintf(out, "prewarm: warning: some project packages do not build (cells importing them will show the error):\n%v\n", err)
		}
	}
	d := time.Since(start)
	fmt.Fprintf(out, "prewarm: build cache warm for %d third-party and %d project packages (%.1fs)\n",
		len(PrewarmPackages), len(pkgs), d.Seconds())
	return d, nil
}
