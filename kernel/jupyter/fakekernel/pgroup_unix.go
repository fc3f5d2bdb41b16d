//go:build unix

package fakekernel

import (
	"os/exec"
	"syscall"
)

// setOwnProcessGroup puts cmd in a process group of its own, out of reach of signals sent to
// the kernel's group, as GoNB does for gopls.
func setOwnProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
