// Package par runs loops on all cores: the one place dl decides how work is split.
package par

import (
	"runtime"
	"sync"
)

// Workers is the number of goroutines For uses at most; it defaults to GOMAXPROCS.
var Workers = runtime.GOMAXPROCS(0)

// For calls f on consecutive chunks [lo, hi) that cover [0, n), in parallel when n is at least
// 2·grain, and waits for all of them. Each chunk holds at least grain items (the last may hold
// fewer); choose grain so that a chunk is worth a goroutine (roughly ≥ 10µs of work).
func For(n, grain int, f func(lo, hi int)) {
	if grain < 1 {
		grain = 1
	}
	w := min(Workers, n/grain)
	if w <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	// The caller runs the first chunk itself: one goroutine fewer to start and wake.
	for lo := chunk; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	f(0, min(chunk, n))
	wg.Wait()
}
