//go:build unix

package jupyter

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the kernel in a new session (and so a new process
// group), so that signals reach the programs it runs (GoNB runs each cell
// as a child) and everything it starts can be found and killed on close,
// even helpers it puts in process groups of their own (GoNB's gopls). On
// Linux the kernel is also killed if the client process dies.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	setDeathSignal(cmd.SysProcAttr)
}

func interruptProcess(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
}

// killProcess kills the kernel, its process group and (on Linux) every
// process left in its session.
func killProcess(cmd *exec.Cmd) {
	pid := cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGKILL)
	cmd.Process.Kill()
	killSession(pid)
}
