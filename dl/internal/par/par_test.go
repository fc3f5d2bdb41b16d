package par

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
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

// TestForWorkersCoversOnce: ForWorkers visits every index exactly once, in contiguous ranges,
// with part indexes below Parts, for sizes below, at and above the grain; and its ranges are
// the same whatever Workers is (results that add per-range accumulators must not depend on
// the core count).
func TestForWorkersCoversOnce(t *testing.T) {
	for _, tc := range []struct{ n, grain int }{{0, 4}, {1, 4}, {7, 4}, {100, 1}, {1000, 16}} {
		hits := make([]int32, tc.n)
		var bad atomic.Int32
		ForWorkers(tc.n, tc.grain, func(wk, lo, hi int) {
			if wk < 0 || wk >= Parts || lo > hi {
				bad.Add(1)
			}
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&hits[i], 1)
			}
		})
		if bad.Load() != 0 {
			t.Errorf("n=%d grain=%d: %d calls with a bad worker index or range", tc.n, tc.grain, bad.Load())
		}
		for i, h := range hits {
			if h != 1 {
				t.Errorf("n=%d grain=%d: index %d visited %d times", tc.n, tc.grain, i, h)
				break
			}
		}
	}
}

func TestForWorkersRangesIgnoreWorkers(t *testing.T) {
	old := Workers
	defer func() { Workers = old }()
	ranges := func(w int) [][3]int {
		Workers = w
		out := make([][3]int, Parts)
		ForWorkers(1000, 16, func(part, lo, hi int) { out[part] = [3]int{1, lo, hi} })
		return out
	}
	want := ranges(1)
	for _, w := range []int{2, 3, 8, 64} {
		if got := ranges(w); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Workers=%d: ranges %v, with Workers=1 %v", w, got, want)
		}
	}
}

// TestScratchLength: GetScratch returns a buffer of the length asked for, also when it reuses
// one that PutScratch returned.
func TestScratchLength(t *testing.T) {
	for _, n := range []int{0, 1, 5, 64, 1000} {
		p := GetScratch(n)
		if len(*p) != n {
			t.Errorf("GetScratch(%d) has length %d", n, len(*p))
		}
		PutScratch(p)
		if q := GetScratch(n); len(*q) != n {
			t.Errorf("GetScratch(%d) after PutScratch has length %d", n, len(*q))
		}
	}
}

// TestScratchClasses: every size maps to a class whose capacity holds it, wastes at most 1/8
// of that capacity above 16 floats (the cnn workload's 20 MB im2col matrix must not take
// 32 MB), and larger sizes never map to smaller classes or capacities.
func TestScratchClasses(t *testing.T) {
	var sizes []int
	for n := range 5000 {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 1<<20, 1<<20+1, 5017600, 1<<40+3)
	prevC, prevSize := -1, 0
	for _, n := range sizes {
		c, size := class(n)
		if size < max(n, 1) {
			t.Errorf("class(%d) capacity %d is too small", n, size)
		}
		if n > 16 && 8*(size-n) > size {
			t.Errorf("class(%d) capacity %d wastes more than 1/8", n, size)
		}
		if c >= len(pools) {
			t.Errorf("class(%d) = %d, out of range", n, c)
		}
		if c2, size2 := class(size); c2 != c || size2 != size {
			t.Errorf("class(%d) = %d, %d but class(%d) = %d, %d", n, c, size, size, c2, size2)
		}
		if c < prevC || size < prevSize || (c == prevC) != (size == prevSize) {
			t.Errorf("class(%d) = %d, %d after class %d, %d", n, c, size, prevC, prevSize)
		}
		prevC, prevSize = c, size
	}
}
