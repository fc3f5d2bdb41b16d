package jupyter

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// setDeathSignal has the kernel sent SIGTERM when the client process dies,
// so that it can stop its helpers and remove its folders (GoNB does); the
// watchdog (see proc.Watch) kills what is left after a grace period.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }

// killSession SIGKILLs every process whose session id is sid (the kernel's
// pid: it was started with Setsid).
func killSession(sid int) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == sid {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp session ...; comm may hold spaces or ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		if len(f) < 4 {
			continue
		}
		if s, err := strconv.Atoi(string(f[3])); err == nil && s == sid {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
