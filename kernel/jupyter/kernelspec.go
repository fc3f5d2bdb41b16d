package jupyter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// KernelSpec is a kernel.json kernelspec
// (https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs).
type KernelSpec struct {
	// Name is the kernelspec's name: the name of its directory.
	Name string `json:"-"`
	// Dir is the directory holding kernel.json (the {resource_dir}).
	Dir string `json:"-"`

	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode,omitempty"` // "signal" (default) or "message"
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// ErrNoKernelSpec is returned (wrapped) by [FindKernelSpec] when no kernelspec
// of the given name exists.
var ErrNoKernelSpec = errors.New("jupyter: no such kernelspec")

// KernelSpecDirs returns the directories searched for kernelspecs, in order
// of precedence, as jupyter_client does: each $JUPYTER_PATH entry +
// /kernels; the user data directory ($JUPYTER_DATA_DIR, else
// ~/.local/share/jupyter) + /kernels; the sys-prefix ones
// ($VIRTUAL_ENV, $CONDA_PREFIX, and the prefix of the jupyter command on
// PATH, each + /share/jupyter/kernels); then /usr/local/share/jupyter/kernels
// and /usr/share/jupyter/kernels. Duplicates are dropped.
func KernelSpecDirs() []string {
	var dirs []string
	seen := map[string]bool{}
	add := func(d string) {
		if d = filepath.Clean(d); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	for _, p := range filepath.SplitList(os.Getenv("JUPYTER_PATH")) {
		if p != "" {
			add(filepath.Join(p, "kernels"))
		}
	}
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		add(filepath.Join(d, "kernels"))
	} else if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, ".local", "share", "jupyter", "kernels"))
	}
	for _, env := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(env); p != "" {
			add(filepath.Join(p, "share", "jupyter", "kernels"))
		}
	}
	if j, err := exec.LookPath("jupyter"); err == nil {
		if r, err := filepath.EvalSymlinks(j); err == nil {
			j = r
		}
		add(filepath.Join(filepath.Dir(filepath.Dir(j)), "share", "jupyter", "kernels"))
	}
	add("/usr/local/share/jupyter/kernels")
	add("/usr/share/jupyter/kernels")
	return dirs
}

// FindKernelSpec returns the first kernelspec named name in [KernelSpecDirs].
func FindKernelSpec(name string) (*KernelSpec, error) {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("jupyter: invalid kernelspec name %q", name)
	}
	dirs := KernelSpecDirs()
	for _, d := range dirs {
		spec, err := ReadKernelSpec(filepath.Join(d, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return spec, err
	}
	return nil, fmt.Errorf("%w %q in %s (install it with `deepnb install`, or set JUPYTER_PATH)",
		ErrNoKernelSpec, name, strings.Join(dirs, ", "))
}

// ReadKernelSpec reads dir/kernel.json.
func ReadKernelSpec(dir string) (*KernelSpec, error) {
	file := filepath.Join(dir, "kernel.json")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	spec := &KernelSpec{Name: filepath.Base(dir), Dir: dir}
	if err := json.Unmarshal(b, spec); err != nil {
		return nil, fmt.Errorf("jupyter: kernelspec %s: %w", file, err)
	}
	if len(spec.Argv) == 0 {
		return nil, fmt.Errorf("jupyter: kernelspec %s: empty argv", file)
	}
	return spec, nil
}

// command returns argv with {connection_file} and {resource_dir} substituted.
func (s *KernelSpec) command(connFile string) []string {
	r := strings.NewReplacer("{connection_file}", connFile, "{resource_dir}", s.Dir)
	argv := make([]string, len(s.Argv))
	for i, a := range s.Argv {
		argv[i] = r.Replace(a)
	}
	return argv
}

// environ returns base with the kernelspec's env applied; ${VAR} and $VAR in
// values are substituted from base, unknown variables are left as written
// (like Python's Template.safe_substitute).
func (s *KernelSpec) environ(base []string) []string {
	if len(s.Env) == 0 {
		return base
	}
	lookup := map[string]string{}
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok {
			lookup[k] = v
		}
	}
	out := make([]string, 0, len(base)+len(s.Env))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, over := s.Env[k]; !over {
			out = append(out, kv)
		}
	}
	for k, v := range s.Env {
		v = os.Expand(v, func(name string) string {
			if val, ok := lookup[name]; ok {
				return val
			}
			return "${" + name + "}"
		})
		out = append(out, k+"="+v)
	}
	return out
}
