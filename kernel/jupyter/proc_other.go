//go:build !unix

package jupyter

import (
	"os"
	"os/exec"
)

func setProcessGroup(cmd *exec.Cmd) {}

func interruptProcess(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Interrupt) }

func killProcess(cmd *exec.Cmd) { cmd.Process.Kill() }
