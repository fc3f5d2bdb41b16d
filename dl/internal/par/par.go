// Package par runs loops on all cores and lends scratch buffers: the one place dl decides how
// work is split and where its ops' temporaries are reused.
package par

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync/atomic"
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
	chunk := (n + w - 1) / w
	chunks := (n + chunk - 1) / chunk
	// The chunks are fixed by n, grain and Workers; the goroutines of Run take them in turn
	// (the caller too), so all of them run even when fewer goroutines than chunks are free.
	var next atomic.Int32
	Run(chunks, func(_, _ int) {
		for c := int(next.Add(1)) - 1; c < chunks; c = int(next.Add(1)) - 1 {
			f(c*chunk, min((c+1)*chunk, n))
		}
	})
}

// Panic is what For re-raises in the caller for a worker's panic that is not a plain error
// value (a runtime error such as an index out of range, or a non-error value): the value and
// the worker's stack, which the caller's own stack would not show.
type Panic struct {
	Value any    // what the worker panicked with
	Stack []byte // the worker goroutine's stack at the panic
}

// Error gives the value and the worker's stack.
func (p *Panic) Error() string {
	return fmt.Sprintf("%v [in a worker goroutine]\n\nworker goroutine stack:\n%s", p.Value, p.Stack)
}

// Unwrap returns the value if it is an error (a runtime.Error, say).
func (p *Panic) Unwrap() error {
	e, _ := p.Value.(error)
	return e
}

// workerPanic returns the value For re-raises for r: r itself if it is an error of the program
// (dl's *ShapeError, say), else a *Panic holding r and the worker's stack.
func workerPanic(r any) any {
	if e, ok := r.(error); ok {
		if _, rt := e.(runtime.Error); !rt {
			return r
		}
	}
	return &Panic{Value: r, Stack: debug.Stack()}
}

// Parts is the most ranges ForWorkers splits a loop into: a constant, not the core count, so
// that per-range accumulators, added in range order, give the same bits on any machine
// whatever GOMAXPROCS is. Up to Parts goroutines share such a loop.
const Parts = 8

// ForWorkers splits [0, n) into contiguous ranges of at least grain items, at most Parts of
// them, and runs f(part, lo, hi) on each, in parallel on up to Workers goroutines; part indexes
// the range (for per-range accumulators) and is below Parts. The ranges depend only on n and
// grain, never on Workers or on scheduling.
func ForWorkers(n, grain int, f func(part, lo, hi int)) {
	nw := min(Parts, n/max(1, grain))
	if nw <= 1 {
		if n > 0 {
			f(0, 0, n)
		}
		return
	}
	For(nw, 1, func(lo, hi int) {
		for wk := lo; wk < hi; wk++ {
			f(wk, wk*n/nw, (wk+1)*n/nw)
		}
	})
}
