package install

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// ModulePath is the deepnb project's module path.
const ModulePath = "github.com/deepnb/deepnb"

// RootEnv names an environment variable that, when set, overrides [FindRoot]'s search.
const RootEnv = "DEEPNB_ROOT"

// ErrNoRoot is returned (wrapped) by [FindRoot] when no deepnb project root is found.
var ErrNoRoot = errors.New("install: deepnb project root not found")

// FindRoot returns the absolute path of the deepnb project root: $DEEPNB_ROOT if set, else the
// nearest directory at or above the working directory whose go.mod declares module
// github.com/deepnb/deepnb. Tests in any package of the project can call it.
func FindRoot() (string, error) {
	if r := os.Getenv(RootEnv); r != "" {
		abs, err := filepath.Abs(r)
		if err != nil {
			return "", err
		}
		if !IsRoot(abs) {
			return "", fmt.Errorf("%w: $%s=%s has no go.mod for module %s", ErrNoRoot, RootEnv, r, ModulePath)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return findRootFrom(wd)
}

func findRootFrom(dir string) (string, error) {
	start := dir
	for {
		if IsRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w at or above %s (run from inside the checkout or set $%s)", ErrNoRoot, start, RootEnv)
		}
		dir = parent
	}
}

// IsRoot reports whether dir/go.mod declares module github.com/deepnb/deepnb.
func IsRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !bytes.Contains(b, []byte(ModulePath)) {
		return false
	}
	return modfile.ModulePath(b) == ModulePath
}
