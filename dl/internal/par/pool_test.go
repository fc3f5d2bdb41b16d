package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunPartsRunTogether: Run calls each id in [0, n) once, n ≤ w and GOMAXPROCS, and the parts
// run at the same time (they pass a barrier that needs all n) — whether the pool's workers are
// spinning (back-to-back calls) or asleep (after a pause longer than spinFor), and whatever w.
func TestRunPartsRunTogether(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS ≥ 2")
	}
	for _, pause := range []time.Duration{0, 3 * spinFor} {
		for _, w := range []int{1, 2, 3, 8} {
			for range 20 {
				time.Sleep(pause)
				var b Barrier
				var calls [8]atomic.Int32
				got := -1
				Run(w, func(id, n int) {
					calls[id].Add(1)
					b.Wait(n)
					b.Wait(n) // a barrier is reusable at once
					if id == 0 {
						got = n
					}
				})
				if got < 1 || got > min(w, runtime.GOMAXPROCS(0)) {
					t.Fatalf("w = %d: Run gave n = %d", w, got)
				}
				if w > 1 && got == 1 {
					t.Fatalf("w = %d, pause %v: no worker was free for a lone caller", w, pause)
				}
				for id := range calls {
					if want := int32(0); id < got {
						want = 1
						if c := calls[id].Load(); c != want {
							t.Fatalf("w = %d: part %d ran %d times", w, id, c)
						}
					} else if c := calls[id].Load(); c != 0 {
						t.Fatalf("w = %d, n = %d: part %d ran", w, got, id)
					}
				}
			}
		}
	}
}

// TestRunNestedAndConcurrent: Runs from many goroutines at once, and Runs inside a part, all
// complete with every part run once (the parts of a Run that finds no free worker run on the
// caller alone).
func TestRunNestedAndConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	var total atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 200 {
				Run(4, func(id, n int) {
					For(64, 4, func(lo, hi int) { total.Add(int64(hi - lo)) })
				})
			}
		})
	}
	wg.Wait()
	// Each Run has n parts, each running a For over 64 items: count per part.
	if total.Load()%64 != 0 || total.Load() < 8*200*64 {
		t.Fatalf("items visited %d: not whole loops of 64, or fewer than one per Run", total.Load())
	}
}

// TestBarrierSleepers: a barrier whose parts arrive far apart (past spinFor, so that the early
// ones sleep) still lets every part see what every other part wrote before it.
func TestBarrierSleepers(t *testing.T) {
	const rounds = 6
	var b Barrier
	var seen [8][rounds]int32
	var wrote [8][rounds]atomic.Int32
	parts := 0
	Run(4, func(id, n int) {
		if id == 0 {
			parts = n
		}
		for r := range rounds {
			if r%n == id {
				time.Sleep(2 * spinFor)
			}
			wrote[id][r].Store(1)
			b.Wait(n)
			for j := range n {
				seen[id][r] += wrote[j][r].Load()
			}
			b.Wait(n)
		}
	})
	for id := range parts {
		for r := range rounds {
			if s := seen[id][r]; int(s) != parts {
				t.Errorf("part %d, round %d saw %d of %d writes", id, r, s, parts)
			}
		}
	}
}
