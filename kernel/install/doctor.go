package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deepnb/deepnb/kernel/gohint"
)

// MinGo is the oldest Go toolchain the project builds with.
const MinGo = "go1.26"

// AptPackages are the Debian/Ubuntu packages that provide Jupyter Notebook, nbconvert and the
// Python client deepnb's tests use, as the Makefile installs them.
const AptPackages = "jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client"

// JupyterFix is the fix [Doctor] prints when Jupyter, nbconvert or the notebook server is missing:
// the Makefile's apt-get line, or pip.
const JupyterFix = "sudo apt-get install -y " + AptPackages + "   (or: python3 -m pip install notebook nbconvert nbclient)"

// KernelspecCmdFix is the fix [Doctor] prints when `jupyter kernelspec` is missing: Debian ships the
// command in package jupyter-client (the last of [AptPackages]).
const KernelspecCmdFix = "sudo apt-get install -y jupyter-client   (or: python3 -m pip install jupyter_client)"

// Result is the outcome of one [Doctor] check.
type Result struct {
	Check  string // Check names what was checked: "go", "tool gonb", "kernelspec", ...
	OK     bool   // OK reports whether the check passed.
	Detail string // Detail says what was found, or what is wrong.
	Fix    string // Fix is the command that repairs a failed check.
}

// Failed reports whether any result failed.
func Failed(results []Result) bool {
	for _, r := range results {
		if !r.OK {
			return true
		}
	}
	return false
}

// PrintReport writes one line per result to w ("ok", or "FAIL" followed by a "fix:" line) and a
// summary.
func PrintReport(w io.Writer, results []Result) {
	failed := 0
	for _, r := range results {
		if r.OK {
			fmt.Fprintf(w, "ok    %-17s %s\n", r.Check, r.Detail)
			continue
		}
		failed++
		fmt.Fprintf(w, "FAIL  %-17s %s\n", r.Check, r.Detail)
		if r.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", r.Fix)
		}
	}
	if failed == 0 {
		fmt.Fprintln(w, "deepnb doctor: all checks passed")
	} else {
		fmt.Fprintf(w, "deepnb doctor: %d problem(s) found\n", failed)
	}
}

// Doctor checks an installation: the Go toolchain (≥ [MinGo]), the pinned tools in <root>/.bin,
// the kernelspec Jupyter would start (or the one opts.Prefix / opts.SysPrefix selects), Jupyter
// itself (jupyter, nbconvert, notebook, and that Jupyter lists the deepnb kernel), whether the
// module cache holds every module of [ModuleSets] (`go mod download` with GOPROXY=off), and
// whether a cell builds offline ([Probe], with the installed kernelspec's environment). Every
// failed [Result] carries the command that fixes it; for missing modules that is the install
// command, which downloads them. Doctor does not use the network.
func Doctor(ctx context.Context, opts Options) []Result {
	installFix := installCommand(opts)
	root := opts.Root
	if root == "" {
		r, err := FindRoot()
		if err != nil {
			return []Result{{Check: "project", Detail: err.Error(), Fix: "cd into the deepnb checkout (or set " + RootEnv + ")"}}
		}
		root = r
	}
	root, _ = filepath.Abs(root)
	var results []Result

	goVersion, err := GoVersion(ctx)
	results = append(results, checkGo(goVersion, err))

	tools, err := ReadPins(root)
	if err != nil {
		results = append(results, Result{Check: "tools", Detail: err.Error(), Fix: "git checkout " + ToolsModDir + "/go.mod"})
	}
	for _, t := range tools {
		results = append(results, checkTool(t, CheckTool(t.Path(root), t, goVersion), installFix))
	}

	var dir string
	if opts.Prefix != "" || opts.SysPrefix {
		dir, err = opts.SpecDir(ctx)
	} else {
		dir, err = FindKernelSpec(ctx)
	}
	var spec *KernelSpec
	if err == nil {
		spec, err = ReadKernelSpec(dir)
	}
	results = append(results, checkSpec(dir, spec, err, root, installFix))

	results = append(results, checkJupyter(ctx, opts, dir)...)

	results = append(results, checkModules(ctx, root, installFix)...)
	results = append(results, checkProbe(ctx, root, spec, installFix))
	return results
}

// installCommand returns the install command matching opts' kernelspec location.
func installCommand(opts Options) string {
	c := "go run ./kernel/cmd/deepnb install"
	switch {
	case opts.Prefix != "":
		c += " --prefix " + opts.Prefix
	case opts.SysPrefix:
		c += " --sys-prefix"
	}
	return c
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, " / ")
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, " / ")
}

// checkGo checks the toolchain version reported by `go env GOVERSION`.
func checkGo(version string, err error) Result {
	r := Result{Check: "go", Fix: "install Go ≥ " + strings.TrimPrefix(MinGo, "go") + " from https://go.dev/dl and put its bin directory on PATH"}
	if err != nil {
		r.Detail = err.Error()
		return r
	}
	ok, perr := goAtLeast(version, MinGo)
	switch {
	case perr != nil:
		r.Detail = perr.Error()
	case !ok:
		r.Detail = fmt.Sprintf("%s is older than %s", version, MinGo)
	default:
		r.OK, r.Detail, r.Fix = true, version, ""
	}
	return r
}

// goAtLeast reports whether Go version v ("go1.26.8", "go1.27rc1", "devel go1.27-abc") is at
// least min ("go1.26").
func goAtLeast(v, min string) (bool, error) {
	pv, err := parseGo(v)
	if err != nil {
		return false, err
	}
	pm, err := parseGo(min)
	if err != nil {
		return false, err
	}
	for i := range pv {
		if pv[i] != pm[i] {
			return pv[i] > pm[i], nil
		}
	}
	return true, nil
}

// parseGo returns the major, minor and patch numbers of a Go version string.
func parseGo(v string) ([3]int, error) {
	var n [3]int
	s := strings.TrimSpace(v)
	s = strings.TrimPrefix(s, "devel ")
	s, ok := strings.CutPrefix(s, "go")
	if !ok {
		return n, fmt.Errorf("cannot parse Go version %q", v)
	}
	// Cut at the first character that is neither digit nor dot (rc, beta, -, space).
	if i := strings.IndexFunc(s, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 || parts[0] == "" {
		return n, fmt.Errorf("cannot parse Go version %q", v)
	}
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil {
			return n, fmt.Errorf("cannot parse Go version %q", v)
		}
		n[i] = x
	}
	return n, nil
}

// checkTool turns [CheckTool]'s answer for t into a Result.
func checkTool(t Tool, err error, installFix string) Result {
	r := Result{Check: "tool " + t.Name, Fix: installFix}
	switch {
	case err == nil:
		r.OK, r.Detail, r.Fix = true, t.Module+" "+t.Version, ""
	case errors.Is(err, fs.ErrNotExist):
		r.Detail = fmt.Sprintf("%s/%s is missing (pinned %s %s)", BinDirName, t.Name, t.Module, t.Version)
	default:
		r.Detail = err.Error()
	}
	return r
}

// checkSpec checks the kernelspec read from dir (or the error reading it) against the project at
// root: argv runs root/.bin/gonb, which exists, with -go_work=root, and the environment is offline
// with root/.bin first on PATH.
func checkSpec(dir string, spec *KernelSpec, err error, root, installFix string) Result {
	r := Result{Check: "kernelspec", Fix: installFix}
	if err != nil {
		var nf *SpecNotFoundError
		switch {
		case errors.As(err, &nf):
			r.Detail = fmt.Sprintf("kernelspec not installed (looked for %s in %s)",
				filepath.Join("kernels", KernelName, "kernel.json"), strings.Join(nf.Searched, ", "))
		case errors.Is(err, fs.ErrNotExist) && dir != "":
			r.Detail = fmt.Sprintf("kernelspec not installed at %s (no kernel.json)", dir)
		default:
			r.Detail = err.Error()
		}
		return r
	}
	gonb := filepath.Join(BinDir(root), "gonb")
	var problems []string
	if spec.Argv[0] != gonb {
		problems = append(problems, fmt.Sprintf("argv[0] is %s, want %s", spec.Argv[0], gonb))
	} else if st, err := os.Stat(gonb); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		problems = append(problems, fmt.Sprintf("%s is not an executable file", gonb))
	}
	if got := spec.Root(); got != root {
		problems = append(problems, fmt.Sprintf("-go_work is %q, want %q", got, root))
	}
	if !strings.HasPrefix(spec.Env["PATH"], BinDir(root)+string(os.PathListSeparator)) {
		problems = append(problems, fmt.Sprintf("env PATH %q does not start with %s", spec.Env["PATH"], BinDir(root)))
	}
	if spec.Env["GOPROXY"] != "off" {
		problems = append(problems, fmt.Sprintf("env GOPROXY is %q, want \"off\"", spec.Env["GOPROXY"]))
	}
	if strings.Contains(spec.Env["GOFLAGS"], "-mod=") {
		problems = append(problems, fmt.Sprintf("env GOFLAGS %q sets -mod, which GoNB's workspace mode rejects", spec.Env["GOFLAGS"]))
	}
	if len(problems) > 0 {
		r.Detail = dir + ": " + strings.Join(problems, "; ")
		return r
	}
	r.OK, r.Detail, r.Fix = true, dir, ""
	return r
}

// checkJupyter checks that jupyter, nbconvert and notebook run and that Jupyter starts the deepnb
// kernel from specDir (with JUPYTER_PATH extended to opts.Prefix's data directory when set).
func checkJupyter(ctx context.Context, opts Options, specDir string) []Result {
	aptFix := JupyterFix
	jupyter, err := exec.LookPath("jupyter")
	if err != nil {
		return []Result{{Check: "jupyter", Detail: "jupyter is not on PATH", Fix: aptFix}}
	}
	env := os.Environ()
	if opts.Prefix != "" {
		p, _ := filepath.Abs(opts.Prefix)
		jp := filepath.Join(p, "share", "jupyter")
		if old := os.Getenv("JUPYTER_PATH"); old != "" {
			jp += string(os.PathListSeparator) + old
		}
		env = append(env, "JUPYTER_PATH="+jp)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, jupyter, args...)
		cmd.Env = env
		b, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return "", fmt.Errorf("%s %s: %w: %s", jupyter, strings.Join(args, " "), err, lastLines(string(ee.Stderr), 2))
			}
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	var results []Result
	for _, sub := range []string{"nbconvert", "notebook"} {
		r := Result{Check: "jupyter " + sub, Fix: aptFix}
		if v, err := run(sub, "--version"); err != nil {
			r.Detail = err.Error()
		} else {
			r.OK, r.Detail, r.Fix = true, jupyter+" "+sub+" "+firstLines(v, 1), ""
		}
		results = append(results, r)
	}
	out, err := run("kernelspec", "list", "--json")
	r := checkKernelList(out, err, specDir, installCommand(opts))
	if err != nil {
		r.Fix = KernelspecCmdFix // `jupyter kernelspec` itself failed
	}
	results = append(results, r)
	return results
}

// checkKernelList checks the output of `jupyter kernelspec list --json` for the deepnb kernel, and
// that Jupyter takes it from wantDir (unless wantDir is empty).
func checkKernelList(out string, err error, wantDir, installFix string) Result {
	r := Result{Check: "jupyter sees", Fix: installFix}
	if err != nil {
		r.Detail = err.Error()
		return r
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		r.Detail = fmt.Sprintf("cannot parse `jupyter kernelspec list --json`: %v", err)
		return r
	}
	k, ok := list.Kernelspecs[KernelName]
	if !ok {
		r.Detail = fmt.Sprintf("Jupyter does not list kernel %q", KernelName)
		return r
	}
	if wantDir != "" && filepath.Clean(k.ResourceDir) != filepath.Clean(wantDir) {
		r.Detail = fmt.Sprintf("Jupyter starts kernel %q from %s, not %s", KernelName, k.ResourceDir, wantDir)
		return r
	}
	r.OK, r.Detail, r.Fix = true, "kernel "+KernelName+" at "+k.ResourceDir, ""
	return r
}

// checkModules checks, with GOPROXY=off, that the module cache holds every module of each of
// [ModuleSets](root); a failure names the missing modules and gives fix (the install command).
func checkModules(ctx context.Context, root, fix string) []Result {
	var results []Result
	for _, set := range ModuleSets(root) {
		results = append(results, modulesResult(set, goModDownload(ctx, set, offlineEnv()), fix))
	}
	return results
}

// modulesResult turns the error of an offline `go mod download` of set into a Result.
func modulesResult(set ModuleSet, err error, fix string) Result {
	r := Result{Check: "modules " + set.Name}
	what := set.Name + " module graph"
	if set.Dir == "" {
		what = strings.Join(set.Modules, ", ")
	}
	if err == nil {
		r.OK, r.Detail = true, what+": in the module cache"
		return r
	}
	r.Fix = fix + "   (while online: it downloads them)"
	if mods := gohint.MissingModules([]byte(err.Error())); len(mods) > 0 {
		r.Detail = what + ": not in the module cache: " + strings.Join(mods, ", ")
	} else {
		r.Detail = what + ": " + lastLines(err.Error(), 3)
	}
	return r
}

// checkProbe runs [Probe] with the environment of the installed kernelspec spec (nil: the one
// install would write) and turns its outcome into a Result.
func checkProbe(ctx context.Context, root string, spec *KernelSpec, fix string) Result {
	if spec == nil {
		goBinDir := ""
		if p, err := exec.LookPath("go"); err == nil {
			goBinDir = filepath.Dir(p)
		}
		spec = NewKernelSpec(root, goBinDir)
	}
	res, err := Probe(ctx, root, spec, nil)
	return probeResult(res, err, fix)
}

// probeResult turns [Probe]'s outcome into a Result; missing modules get fix.
func probeResult(res *ProbeResult, err error, fix string) Result {
	r := Result{Check: "cell probe"}
	var pe *ProbeError
	switch {
	case err == nil:
		r.OK, r.Detail = true, fmt.Sprintf("a cell importing %d packages builds offline with the kernel's environment", len(res.Packages))
	case errors.As(err, &pe) && pe.Missing != nil:
		r.Detail = "a cell does not build offline: "
		if len(pe.Missing) > 0 {
			r.Detail += "not in the module cache: " + strings.Join(pe.Missing, ", ")
		} else {
			r.Detail += lastLines(pe.Output, 3)
		}
		r.Fix = fix + "   (while online: it downloads them)"
	default:
		r.Detail = "a cell does not build: " + lastLines(err.Error(), 6)
		r.Fix = "fix the compile error above (go build ./... shows it)"
	}
	return r
}
