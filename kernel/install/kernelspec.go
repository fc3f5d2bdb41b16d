package install

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/deepnb/deepnb/kernel/gohint"
)

// KernelName is the kernelspec's name: the directory name under kernels/ and the name clients
// select (`--ExecutePreprocessor.kernel_name=deepnb`).
const KernelName = "deepnb"

// DisplayName is the kernel's name as Jupyter's launcher shows it.
const DisplayName = "Go (deepnb)"

// KernelSpec is the content of a kernel.json
// (https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs).
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode,omitempty"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// Logo files written next to kernel.json; Jupyter shows them in its launcher. They are rendered by
// [Logo] and kept in sync by TestLogoFiles (go test ./kernel/install -run Logo -regen).
var (
	//go:embed logo-32x32.png
	logo32 []byte
	//go:embed logo-64x64.png
	logo64 []byte
)

// KernelEnv returns the environment the kernelspec gives GoNB, with ${PATH} standing for the
// environment the client starts the kernel with (jupyter_client substitutes it):
//
//	PATH=<root>/.bin:<goBinDir>:${PATH}  GoNB runs goimports, gopls and go from PATH: <root>/.bin/go
//	                                     is the hinting wrapper (package gohint) around the go that
//	                                     installed the kernel, found even when Jupyter's PATH lacks it
//	DEEPNB_GO=<goBinDir>/go              the real go the wrapper runs (only when goBinDir is set)
//	GOPROXY=off                          cells never download modules
//	GOSUMDB=off                          nor consult the checksum database: the modules in the cache
//	                                     were verified when install downloaded them, and offline the
//	                                     database's newer tree heads cannot be fetched
//	GOFLAGS=                             no inherited -mod=mod (workspace mode rejects it)
//	GOTOOLCHAIN=local                    never download a toolchain
//
// goBinDir may be empty.
func KernelEnv(root, goBinDir string) map[string]string {
	path := []string{BinDir(root)}
	if goBinDir != "" && goBinDir != BinDir(root) {
		path = append(path, goBinDir)
	}
	path = append(path, "${PATH}")
	env := map[string]string{
		"PATH":        strings.Join(path, string(os.PathListSeparator)),
		"GOPROXY":     "off",
		"GOSUMDB":     "off",
		"GOFLAGS":     "",
		"GOTOOLCHAIN": "local",
	}
	if goBinDir != "" {
		env[gohint.RealGoEnv] = filepath.Join(goBinDir, "go")
	}
	return env
}

// NewKernelSpec returns the deepnb kernelspec for the project at root (an absolute path), running
// root/.bin/gonb with -go_work=root and the environment of [KernelEnv].
func NewKernelSpec(root, goBinDir string) *KernelSpec {
	return &KernelSpec{
		Argv:          []string{filepath.Join(BinDir(root), "gonb"), "--kernel", "{connection_file}", "-go_work=" + root},
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           KernelEnv(root, goBinDir),
		Metadata:      map[string]any{"deepnb_root": root},
	}
}

// Environ returns base (KEY=VALUE pairs) with the spec's Env applied as jupyter_client does:
// ${VAR} and $VAR in values are replaced by base's values, unknown variables are left as written.
func (s *KernelSpec) Environ(base []string) []string {
	lookup := map[string]string{}
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok {
			lookup[k] = v
		}
	}
	var out []string
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := s.Env[k]; !ok {
			out = append(out, kv)
		}
	}
	for k, v := range s.Env {
		out = append(out, k+"="+os.Expand(v, func(name string) string {
			if val, ok := lookup[name]; ok {
				return val
			}
			return "${" + name + "}"
		}))
	}
	return out
}

// Root returns the project root the spec points GoNB at (the -go_work flag), or "".
func (s *KernelSpec) Root() string {
	for _, a := range s.Argv {
		if r, ok := strings.CutPrefix(a, "-go_work="); ok {
			return r
		}
	}
	return ""
}

// ReadKernelSpec reads dir/kernel.json.
func ReadKernelSpec(dir string) (*KernelSpec, error) {
	file := filepath.Join(dir, "kernel.json")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var s KernelSpec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("install: kernelspec %s: %w", file, err)
	}
	if len(s.Argv) == 0 {
		return nil, fmt.Errorf("install: kernelspec %s: empty argv", file)
	}
	return &s, nil
}

// WriteKernelSpec writes spec's kernel.json and the logos into dir, creating it. It reports whether
// anything changed: files already holding the same bytes are left alone.
func WriteKernelSpec(dir string, spec *KernelSpec) (changed bool, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("install: %w", err)
	}
	js, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return false, fmt.Errorf("install: encoding kernel.json: %w", err)
	}
	js = append(js, '\n')
	for _, f := range []struct {
		name string
		data []byte
	}{{"kernel.json", js}, {"logo-32x32.png", logo32}, {"logo-64x64.png", logo64}} {
		p := filepath.Join(dir, f.name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, f.data) {
			continue
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return changed, fmt.Errorf("install: %w", err)
		}
		changed = true
	}
	return changed, nil
}

// UserDataDir returns Jupyter's per-user data directory: $JUPYTER_DATA_DIR, else
// ~/.local/share/jupyter ($XDG_DATA_HOME/jupyter when set) on Unix, ~/Library/Jupyter on macOS and
// %APPDATA%\jupyter on Windows, as jupyter_core's jupyter_data_dir does.
func UserDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("install: no home directory (set JUPYTER_DATA_DIR): %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if a := os.Getenv("APPDATA"); a != "" {
			return filepath.Join(a, "jupyter"), nil
		}
		return filepath.Join(home, "AppData", "Roaming", "jupyter"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// SysPrefix returns the sys.prefix of the Python that runs Jupyter: the interpreter named in the
// `jupyter` script's #! line if jupyter is on PATH, else python3's; /usr/local if neither answers.
func SysPrefix(ctx context.Context) string {
	var pythons []string
	if j, err := exec.LookPath("jupyter"); err == nil {
		if b, err := os.ReadFile(j); err == nil {
			line, _, _ := bytes.Cut(b, []byte("\n"))
			if p, ok := bytes.CutPrefix(line, []byte("#!")); ok {
				if f := strings.Fields(string(p)); len(f) > 0 && !strings.HasSuffix(f[0], "/env") {
					pythons = append(pythons, f[0])
				}
			}
		}
	}
	pythons = append(pythons, "python3")
	for _, py := range pythons {
		out, err := exec.CommandContext(ctx, py, "-c", "import sys; print(sys.prefix)").Output()
		if p := strings.TrimSpace(string(out)); err == nil && p != "" {
			return p
		}
	}
	return "/usr/local"
}

// SpecSearchPath returns the data directories Jupyter searches for kernels/<name>, in its order of
// precedence, as jupyter_core's jupyter_path does: each $JUPYTER_PATH entry; the user data
// directory and the Python user base's share/jupyter ($PYTHONUSERBASE, else ~/.local on Unix other
// than macOS; not with PYTHONNOUSERSITE set); sys-prefix/share/jupyter unless a system directory
// (before the user directories if $JUPYTER_PREFER_ENV_PATH is true); then /usr/local/share/jupyter
// and /usr/share/jupyter.
func SpecSearchPath(ctx context.Context) []string {
	var dirs []string
	for _, p := range filepath.SplitList(os.Getenv("JUPYTER_PATH")) {
		if p != "" {
			dirs = append(dirs, p)
		}
	}
	var user []string
	if d, err := UserDataDir(); err == nil {
		user = append(user, d)
	}
	if b := pythonUserBase(); b != "" {
		user = append(user, filepath.Join(b, "share", "jupyter"))
	}
	system := []string{"/usr/local/share/jupyter", "/usr/share/jupyter"}
	var env []string
	if e := filepath.Join(SysPrefix(ctx), "share", "jupyter"); !slices.Contains(system, e) {
		env = append(env, e)
	}
	if envTrue(os.Getenv("JUPYTER_PREFER_ENV_PATH")) {
		dirs = append(append(dirs, env...), user...)
	} else {
		dirs = append(append(dirs, user...), env...)
	}
	dirs = append(dirs, system...)
	var uniq []string
	seen := map[string]bool{}
	for _, d := range dirs {
		if c := filepath.Clean(d); !seen[c] {
			seen[c] = true
			uniq = append(uniq, c)
		}
	}
	return uniq
}

// pythonUserBase returns Python's site.getuserbase() where it can be told without Python:
// $PYTHONUSERBASE, else ~/.local on Unix other than macOS; "" with PYTHONNOUSERSITE set or when
// unknown.
func pythonUserBase() string {
	if os.Getenv("PYTHONNOUSERSITE") != "" {
		return ""
	}
	if b := os.Getenv("PYTHONUSERBASE"); b != "" {
		return b
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		return "" // ~/Library/Python/X.Y, %APPDATA%\Python: depends on the Python version
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local")
	}
	return ""
}

// envTrue reports whether an environment value is true as jupyter_core's envset reads it: set and
// not one of no, n, false, off, 0, 0.0 (in any case).
func envTrue(v string) bool {
	if v == "" {
		return false
	}
	switch strings.ToLower(v) {
	case "no", "n", "false", "off", "0", "0.0":
		return false
	}
	return true
}

// FindKernelSpec returns the directory of the first deepnb kernelspec on [SpecSearchPath], that is
// the one Jupyter would start, or a [*SpecNotFoundError] (which matches fs.ErrNotExist) saying
// where it looked.
func FindKernelSpec(ctx context.Context) (string, error) {
	path := SpecSearchPath(ctx)
	for _, d := range path {
		dir := filepath.Join(d, "kernels", KernelName)
		if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err == nil {
			return dir, nil
		}
	}
	return "", &SpecNotFoundError{Searched: path}
}

// SpecNotFoundError reports that no data directory Jupyter searches holds the deepnb kernelspec.
// It matches fs.ErrNotExist (errors.Is).
type SpecNotFoundError struct {
	Searched []string // the data directories searched, in Jupyter's order
}

func (e *SpecNotFoundError) Error() string {
	return fmt.Sprintf("install: kernelspec %q not installed (looked for %s in %s)",
		KernelName, filepath.Join("kernels", KernelName, "kernel.json"), strings.Join(e.Searched, ", "))
}

// Unwrap returns fs.ErrNotExist.
func (e *SpecNotFoundError) Unwrap() error { return fs.ErrNotExist }
