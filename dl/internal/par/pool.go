package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The pool: GOMAXPROCS−1 long-lived worker goroutines that Run hands parts of a loop to.
//
// Starting a goroutine per part and waiting for it with a WaitGroup costs little CPU, but on a
// 2-core virtual machine most of a product of 256×256 matrices went into wake-ups: a new
// goroutine waits for an idle thread to be woken (tens of µs when its virtual CPU has halted),
// and the caller, done first, sleeps and is woken again. Measured on an AMD EPYC (2 vCPUs,
// quiet), two goroutines made 256×256 products at 102 GFLOP/s, barely more than one core's 100,
// while OpenBLAS's threads, which spin while they wait, reached 177. So a worker here spins
// for a while after each part before it sleeps, and the caller spins while it waits for the
// parts: back-to-back operations (a training step is thousands of them) find their workers
// awake. A spinning goroutine yields its thread to other goroutines regularly, and it sleeps
// after spinFor, so an idle program uses no CPU.

// spinFor is how long a worker or a waiting caller spins before it sleeps.
const spinFor = 100 * time.Microsecond

// spinCheck is how many loads a spinning goroutine makes between looks at the clock, when it
// also lets other goroutines run (runtime.Gosched).
const spinCheck = 256

const (
	idle     int32 = iota // spinning or about to sleep; free to be claimed
	asleep                // blocked on wake; free to be claimed
	claimed               // taken by a caller that is filling in the part
	assigned              // has a part to run
)

type worker struct {
	state atomic.Int32
	wake  chan struct{} // a claimer sends here when it claimed a sleeping worker
	g     *group        // the part to run: g.f(id, g.n)
	id    int
}

// group is one call of Run: n parts, run by the caller (part 0) and n−1 workers.
type group struct {
	f        func(id, n int)
	n        int
	pending  atomic.Int32 // workers' parts not yet finished
	waiter   atomic.Int32 // idle, asleep (the caller blocks on done), or assigned (all finished)
	done     chan struct{}
	once     sync.Once
	panicked any
}

var (
	poolMu  sync.Mutex
	workers atomic.Pointer[[]*worker] // the pool, grown up to GOMAXPROCS−1
	groups  = sync.Pool{New: func() any { return &group{done: make(chan struct{}, 1)} }}
)

// pool returns at least n workers, starting more if needed.
func pool(n int) []*worker {
	if p := workers.Load(); p != nil && len(*p) >= n {
		return *p
	}
	poolMu.Lock()
	defer poolMu.Unlock()
	var ws []*worker
	if p := workers.Load(); p != nil {
		ws = *p
	}
	for len(ws) < n {
		w := &worker{wake: make(chan struct{}, 1)}
		ws = append(ws[:len(ws):len(ws)], w)
		go w.loop()
	}
	workers.Store(&ws)
	return ws
}

// Run calls f(id, n) for id = 0, …, n−1 at the same time, each on its own goroutine — the
// caller runs id 0 — and returns when all have returned. n is at most w: the caller and as many
// of the pool's idle workers as it could claim, up to w−1 and GOMAXPROCS−1 (so n is 1 when every
// worker is busy, as inside another Run). The parts run concurrently, so they may wait for each
// other (Barrier). When w > 1, a panic in any part, the caller's included, is re-raised in the
// caller after every part has returned, as For describes.
func Run(w int, f func(id, n int)) {
	if w <= 1 {
		f(0, 1)
		return
	}
	var got [8]*worker
	claimedWs := got[:0]
	if w = min(w, runtime.GOMAXPROCS(0)); w > 1 {
		claimedWs = claim(claimedWs, w-1)
	}
	n := len(claimedWs) + 1
	if n == 1 {
		// Alone, but still a parallel loop: its panic reads as one from a part.
		defer func() {
			if r := recover(); r != nil {
				panic(workerPanic(r))
			}
		}()
		f(0, 1)
		return
	}
	g := groups.Get().(*group)
	g.f, g.n, g.panicked, g.once = f, n, nil, sync.Once{}
	g.pending.Store(int32(n - 1))
	g.waiter.Store(idle)
	for i, wk := range claimedWs {
		wk.assign(g, i+1)
	}
	g.run(0) // a panic in the caller's part, too, is kept until the workers have finished
	g.wait()
	p := g.panicked
	g.f, g.panicked = nil, nil
	groups.Put(g)
	if p != nil {
		panic(p)
	}
}

// claim appends up to n free workers of the pool to ws, claimed.
func claim(ws []*worker, n int) []*worker {
	for _, wk := range pool(n) {
		if len(ws) == n {
			break
		}
		if wk.claim() {
			ws = append(ws, wk)
		}
	}
	return ws
}

// claim takes the worker if it is free.
func (wk *worker) claim() bool {
	return wk.state.CompareAndSwap(idle, claimed) || wk.state.CompareAndSwap(asleep, claimed|4)
}

// assign gives a claimed worker part id of g.
func (wk *worker) assign(g *group, id int) {
	wk.g, wk.id = g, id
	sleeping := wk.state.Load()&4 != 0
	wk.state.Store(assigned)
	if sleeping {
		wk.wake <- struct{}{}
	}
}

func (wk *worker) loop() {
	for {
		wk.waitForPart()
		g, id := wk.g, wk.id
		wk.g = nil
		g.run(id)
		wk.state.Store(idle) // free again before the caller can return and claim it anew
		if g.pending.Add(-1) == 0 && g.waiter.Swap(assigned) == asleep {
			g.done <- struct{}{}
		}
	}
}

// waitForPart spins until the worker is assigned a part, and sleeps if none comes within spinFor
// (unless a caller has claimed it meanwhile and is filling in the part).
func (wk *worker) waitForPart() {
	for !spin(func() bool { return wk.state.Load() == assigned }) {
		if wk.state.CompareAndSwap(idle, asleep) {
			<-wk.wake
			return
		}
	}
}

// spin polls done until it reports true, for at most spinFor, letting other goroutines run every
// spinCheck polls; it reports whether done did.
func spin(done func() bool) bool {
	start := time.Now()
	for i := 1; !done(); i++ {
		if i%spinCheck == 0 {
			if time.Since(start) > spinFor {
				return false
			}
			runtime.Gosched()
		}
	}
	return true
}

// run runs part id, keeping a panic for the caller.
func (g *group) run(id int) {
	defer func() {
		if r := recover(); r != nil {
			g.once.Do(func() { g.panicked = workerPanic(r) })
		}
	}()
	g.f(id, g.n)
}

// wait returns when every worker's part has finished: it spins, then sleeps after spinFor.
func (g *group) wait() {
	if !spin(func() bool { return g.waiter.Load() == assigned }) && g.waiter.CompareAndSwap(idle, asleep) {
		<-g.done // the last worker's Swap found the caller asleep
	}
}

// Barrier makes the n parts of a Run wait for each other: Wait(n) returns once all n parts
// have called it. The zero value is ready, and it can be used again right away (for the next
// round, with the same n).
type Barrier struct {
	count atomic.Int32
	gen   atomic.Uint32
	mu    sync.Mutex
	cond  *sync.Cond
}

// Wait blocks until n parts have called Wait. It spins, then sleeps after spinFor: a part whose
// thread the operating system has taken off its core (on a busy machine) may take a while.
func (b *Barrier) Wait(n int) {
	gen := b.gen.Load()
	if b.count.Add(1) == int32(n) {
		b.count.Store(0)
		b.mu.Lock()
		b.gen.Add(1)
		if b.cond != nil {
			b.cond.Broadcast()
		}
		b.mu.Unlock()
		return
	}
	if spin(func() bool { return b.gen.Load() != gen }) {
		return
	}
	b.mu.Lock()
	if b.cond == nil {
		b.cond = sync.NewCond(&b.mu)
	}
	for b.gen.Load() == gen {
		b.cond.Wait()
	}
	b.mu.Unlock()
}
