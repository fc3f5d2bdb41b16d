//go:build !unix

package proc

import (
	"os"
	"time"
)

// alive reports whether process pid exists.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p != nil
}

// Watchdog does nothing on systems without POSIX sessions.
type Watchdog struct{}

// Watch returns a watchdog that does nothing: on this system a kernel may outlive a killed
// starter.
func Watch(sid int, dir string, grace time.Duration) (*Watchdog, error) { return &Watchdog{}, nil }

// Stop does nothing.
func (*Watchdog) Stop() {}
