//go:build unix && !linux

package jupyter

import "syscall"

func setDeathSignal(*syscall.SysProcAttr) {}

func killSession(int) {}
