//go:build !unix

package fakekernel

import "os/exec"

func setOwnProcessGroup(*exec.Cmd) {}
