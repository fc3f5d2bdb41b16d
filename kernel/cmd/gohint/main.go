// Command gohint is the go command as the deepnb kernel runs it: `deepnb install` builds it as
// <root>/.bin/go, first on GoNB's PATH. It runs the real go ($DEEPNB_GO, else the next go on PATH)
// with the same arguments and, when a build fails because a module is missing from the Go module
// cache (the kernel runs with GOPROXY=off), adds a line naming the module and the command that
// downloads it (see package gohint).
package main

import (
	"fmt"
	"os"

	"github.com/deepnb/deepnb/kernel/gohint"
)

func main() {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	realGo, err := gohint.RealGo(self)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(gohint.Run(realGo, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
