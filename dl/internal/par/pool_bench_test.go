package par

import (
	"sync"
	"testing"
	"time"
)

// BenchmarkForkJoin: one parallel loop of two parts of about 10 µs each, on the pool (back to
// back, and after a pause that lets the workers fall asleep) and, for comparison, with a
// goroutine started per part and a WaitGroup, as For worked before the pool. A part alone
// ("serial") gives the time without any split.
func BenchmarkForkJoin(b *testing.B) {
	var data [2][4096]float32
	var sink [2][16]float32 // a cache line each
	work := func(id int) {
		var s float32
		for range 2 {
			for i, v := range data[id] {
				s += v * float32(i)
			}
		}
		sink[id][0] = s
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			work(0)
		}
	})
	b.Run("pool", func(b *testing.B) {
		for b.Loop() {
			Run(2, func(id, _ int) { work(id) })
		}
	})
	b.Run("pool-asleep", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			time.Sleep(3 * spinFor)
			b.StartTimer()
			Run(2, func(id, _ int) { work(id) })
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Go(func() { work(1) })
			work(0)
			wg.Wait()
		}
	})
}
