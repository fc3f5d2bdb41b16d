//go:build linux

package dl

import (
	"runtime"
	"syscall"
	"testing"
)

// TestZerosFaultsOncePerPage: a zero tensor that is read before it is written (as backward
// functions do with the gradients they add into) costs at most one page fault per page. Without
// touchPages, a fresh page read first maps the shared zero page and faults again on the write.
func TestZerosFaultsOncePerPage(t *testing.T) {
	faults := func() int64 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
			t.Skip("getrusage:", err)
		}
		return ru.Minflt
	}
	const n = 64 << 20 / 4 // 64 MiB: fresh pages in a test binary's small heap
	pages := int64(n / 1024)
	// Read then write every element on one thread (the faults are counted per thread), as an
	// accumulating kernel does.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f0 := faults()
	z := Zeros(n).data
	for i := range z {
		z[i] += 1
	}
	if got := faults() - f0; got > pages+pages/4 {
		t.Errorf("%d page faults for %d pages of a read-then-written Zeros tensor, want at most one per page", got, pages)
	}
}
