package install

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/deepnb/deepnb/datasets"
)

// ModuleSet is one group of modules [DownloadModules] fetches: the full module graph of the
// module in Dir (`go mod download all`), or, with Dir empty, the listed Modules (path@version).
type ModuleSet struct {
	Name    string   // Name says what the set is in reports: "project", "tools", "data".
	Dir     string   // Dir is a module's folder; empty for a list of modules.
	Modules []string // Modules are path@version names, used when Dir is empty.
}

// ModuleSets returns the modules a cell build, the kernel's tools and the datasets can need for
// the project at root: the project's module graph, kernel/tools' module graph and
// [datasets.Modules].
func ModuleSets(root string) []ModuleSet {
	return []ModuleSet{
		{Name: "project", Dir: root},
		{Name: "tools", Dir: filepath.Join(root, ToolsModDir)},
		{Name: "data", Modules: slices.Clone(datasets.Modules)},
	}
}

// goModDownload runs `go mod download` for set with the environment env (nil: os.Environ()):
// for a module's graph `go mod download all` on a copy of its go.mod and go.sum (-modfile), so
// that the sums it records leave the checkout's go.sum untouched; for a list of modules, outside
// any module.
func goModDownload(ctx context.Context, set ModuleSet, env []string) error {
	args := append([]string{"mod", "download"}, set.Modules...)
	dir := os.TempDir() // outside any module: download only, touch no go.mod
	env = append(envOr(env), "GOWORK=off")
	if set.Dir != "" {
		tmp, err := os.MkdirTemp("", "deepnb-modfile-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		for _, f := range []string{"go.mod", "go.sum"} {
			b, err := os.ReadFile(filepath.Join(set.Dir, f))
			if err != nil && !(f == "go.sum" && os.IsNotExist(err)) {
				return err
			}
			if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
				return err
			}
		}
		args = []string{"mod", "download", "-modfile=" + filepath.Join(tmp, "go.mod"), "all"}
		dir = set.Dir
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, env
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s (in %s): %w\n%s", strings.Join(args, " "), dir, err, strings.TrimSpace(string(b)))
	}
	return nil
}

func envOr(env []string) []string {
	if env == nil {
		return os.Environ()
	}
	return env
}

// offlineEnv returns the environment with GOPROXY=off and GOSUMDB=off, as the kernel runs: the go
// command then uses the module cache only (its modules were verified when they were downloaded;
// offline, the checksum database's newer tree heads cannot be fetched).
func offlineEnv() []string { return append(os.Environ(), "GOPROXY=off", "GOSUMDB=off") }

// GoModCache returns the module cache folder (`go env GOMODCACHE`).
func GoModCache(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("install: go env GOMODCACHE: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// CachedModules returns the path@version of every module whose zip file is in the module cache
// modCache (its cache/download folder), sorted. A missing cache holds none.
func CachedModules(modCache string) ([]string, error) {
	base := filepath.Join(modCache, "cache", "download")
	var mods []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == base && os.IsNotExist(err) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".zip") || filepath.Base(filepath.Dir(p)) != "@v" {
			return nil
		}
		rel, err := filepath.Rel(base, filepath.Dir(filepath.Dir(p)))
		if err != nil {
			return err
		}
		path, err := module.UnescapePath(filepath.ToSlash(rel))
		if err != nil {
			return nil // not a module folder
		}
		ver, err := module.UnescapeVersion(strings.TrimSuffix(d.Name(), ".zip"))
		if err != nil {
			return nil
		}
		mods = append(mods, path+"@"+ver)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("install: reading the module cache: %w", err)
	}
	slices.Sort(mods)
	return mods, nil
}

// DownloadModules makes the module cache complete for offline cells: for each of
// [ModuleSets](root) it first checks, with GOPROXY=off, whether the cache already holds every
// module, and only if not runs `go mod download` through the module proxy ($GOPROXY). It returns
// the modules it downloaded (path@version, sorted; none when the cache was complete), and prints
// one line per set and a summary to out.
func DownloadModules(ctx context.Context, root string, out io.Writer) ([]string, error) {
	start := time.Now()
	modCache, err := GoModCache(ctx)
	if err != nil {
		return nil, err
	}
	before, err := CachedModules(modCache)
	if err != nil {
		return nil, err
	}
	for _, set := range ModuleSets(root) {
		if goModDownload(ctx, set, offlineEnv()) == nil {
			fmt.Fprintf(out, "modules: %s: complete in the module cache\n", set.Name)
			continue
		}
		if err := goModDownload(ctx, set, nil); err != nil {
			return nil, fmt.Errorf("install: downloading the %s modules (needs the Go module proxy, $GOPROXY): %w", set.Name, err)
		}
		fmt.Fprintf(out, "modules: %s: downloaded\n", set.Name)
	}
	after, err := CachedModules(modCache)
	if err != nil {
		return nil, err
	}
	var added []string
	for _, m := range after {
		if _, found := slices.BinarySearch(before, m); !found {
			added = append(added, m)
		}
	}
	fmt.Fprintf(out, "modules: %d modules downloaded into %s (%.1fs)\n", len(added), modCache, time.Since(start).Seconds())
	for _, m := range added {
		fmt.Fprintf(out, "  %s\n", m)
	}
	return added, nil
}
