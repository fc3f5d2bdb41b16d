// Package proc keeps the processes and temporary folders of a kernel from outliving the
// program that started it: a watchdog that cleans up after the starter even when it is killed
// with SIGKILL, and a sweep of the folders such a kill left behind, at the next start.
package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// TempDir creates a new private temporary folder named prefix-PID-RANDOM, PID being this
// process's id, so that [CleanStale] can tell when its owner is gone.
func TempDir(prefix string) (string, error) {
	return os.MkdirTemp("", fmt.Sprintf("%s-%d-", prefix, os.Getpid()))
}

// CleanStale removes the folders [TempDir] made with prefix, in the temporary folder, whose
// owner process is no longer running (killed before it could remove them). It returns the
// folders removed. Folders of live processes, and folders it cannot attribute, are left alone.
func CleanStale(prefix string) []string {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix+"-")
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || alive(pid) {
			continue
		}
		dir := filepath.Join(tmp, e.Name())
		if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}
