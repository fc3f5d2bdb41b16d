package install_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/deepnb/deepnb/kernel/install"
)

func ExampleNewKernelSpec() {
	spec := install.NewKernelSpec("/src/deepnb", "/usr/local/go/bin")
	fmt.Println(strings.Join(spec.Argv, " "))
	fmt.Println(spec.DisplayName, spec.Language)
	env := spec.Environ([]string{"PATH=/usr/bin:/bin", "GOPROXY=https://proxy.golang.org"})
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "GOPROXY=") {
			fmt.Println(kv)
		}
	}
	// Unordered output:
	// /src/deepnb/.bin/gonb --kernel {connection_file} -go_work=/src/deepnb
	// Go (deepnb) go
	// PATH=/src/deepnb/.bin:/usr/local/go/bin:/usr/bin:/bin
	// GOPROXY=off
}

func ExampleParsePins() {
	gomod := `module example.com/tools

go 1.26

tool golang.org/x/tools/gopls

require golang.org/x/tools/gopls v0.21.0
`
	tools, err := install.ParsePins("go.mod", []byte(gomod))
	if err != nil {
		panic(err)
	}
	for _, t := range tools {
		fmt.Println(t.Name, t.Module, t.Version)
	}
	// Output:
	// gopls golang.org/x/tools/gopls v0.21.0
}

func ExampleOptions_SpecDir() {
	opts := install.Options{Prefix: "/tmp/prefix"}
	dir, _ := opts.SpecDir(context.Background())
	fmt.Println(dir)
	fmt.Println("JUPYTER_PATH=" + opts.JupyterPath())
	// Output:
	// /tmp/prefix/share/jupyter/kernels/deepnb
	// JUPYTER_PATH=/tmp/prefix/share/jupyter
}
