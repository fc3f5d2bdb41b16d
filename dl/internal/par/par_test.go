package par

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestForPanicReachesCaller: a panic in a worker goroutine is re-raised in the caller's
// goroutine (so dl.Try and a notebook cell see it), with the original value when it is an
// error and the worker's stack in the message of a runtime error.
func TestForPanicReachesCaller(t *testing.T) {
	old := Workers
	Workers = 4
	defer func() { Workers = old }()
	sentinel := errors.New("boom in a worker")
	for _, c := range []struct {
		name  string
		panic func(lo int)
		check func(r any) string
	}{
		{"error value", func(lo int) { panic(sentinel) }, func(r any) string {
			if r != sentinel {
				return "not the value the worker panicked with"
			}
			return ""
		}},
		{"runtime error", func(lo int) {
			var s []int
			_ = s[lo]
		}, func(r any) string {
			e, ok := r.(error)
			var re runtime.Error
			if !ok || !errors.As(e, &re) {
				return "not a runtime.Error"
			}
			if !strings.Contains(e.Error(), "index out of range") || !strings.Contains(e.Error(), "par_test.go") {
				return "message lacks the runtime error or the worker's stack: " + e.Error()
			}
			return ""
		}},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: For did not panic in the caller", c.name)
				} else if msg := c.check(r); msg != "" {
					t.Errorf("%s: %s (recovered %T %v)", c.name, msg, r, r)
				}
			}()
			For(100, 10, func(lo, hi int) {
				if lo > 0 { // only in a worker goroutine, never in the caller's chunk
					c.panic(lo)
				}
			})
		}()
	}
}
