package install

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeTwoCommands checks that the README's two commands are, word for word, Makefile
// targets doing what the README says on a fresh machine: `make notebook` installs (downloading the
// modules) before starting Jupyter, `make test` starts with the fresh-machine check, and .ci/run
// runs `make test`.
func TestReadmeTwoCommands(t *testing.T) {
	t.Parallel()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	readme, makefile, ci := read("README.md"), read("Makefile"), read(".ci/run")
	_, section, _ := strings.Cut(readme, "## Two commands\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var cmds []string
	for _, m := range regexp.MustCompile(`(?m)^    (make \S+)`).FindAllStringSubmatch(section, -1) {
		cmds = append(cmds, m[1])
	}
	if !slices.Equal(cmds, []string{"make notebook", "make test"}) {
		t.Fatalf("README's two commands are %q, want [make notebook, make test]", cmds)
	}
	prereqs := func(target string) []string {
		m := regexp.MustCompile(`(?m)^` + target + `:(.*)$`).FindStringSubmatch(makefile)
		if m == nil {
			t.Fatalf("Makefile has no target %q", target)
		}
		return strings.Fields(m[1])
	}
	if p := prereqs("notebook"); !slices.Contains(p, "install") {
		t.Errorf("make notebook: prerequisites %q lack install", p)
	}
	if !strings.Contains(makefile, "\n\t$(GO) run ./kernel/cmd/deepnb install\n") {
		t.Errorf("make install does not run `go run ./kernel/cmd/deepnb install`")
	}
	if p := prereqs("test"); len(p) == 0 || p[0] != "test-fresh" {
		t.Errorf("make test: prerequisites %q, want test-fresh first", p)
	}
	if p := prereqs("test-fresh"); len(p) != 0 {
		t.Errorf("make test-fresh: unexpected prerequisites %q", p)
	}
	if !regexp.MustCompile(`(?m)^\s*make test\s*$`).MatchString(ci) {
		t.Errorf(".ci/run does not run `make test`")
	}
	for _, s := range []string{"GOMODCACHE=$tmp/", "GOCACHE=$tmp/", "deepnb install", "deepnb run notebooks/00-welcome.ipynb"} {
		if !strings.Contains(read("scripts/test-fresh.sh"), s) {
			t.Errorf("scripts/test-fresh.sh lacks %q", s)
		}
	}
}
