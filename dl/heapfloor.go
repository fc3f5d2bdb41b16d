package dl

import (
	"math"
	"runtime/debug"
)

// heapFloorBytes is the least live heap the garbage collector sees in a program that uses dl.
const heapFloorBytes = 64 << 20

// heapFloor raises the garbage collector's heap goal in a program that holds few tensors.
//
// The collector runs whenever the heap has grown by GOGC percent of what it held live after
// the last collection, its goal never below 4 MiB × GOGC/100. Tensors are large and short-lived: a
// 256×256 product is 256 KiB, a training step allocates megabytes, and most of it is garbage
// at the next step. With a small live heap (a few weights, a sequence model, a style
// transfer's two images) the collector then runs every few steps, and each collection costs
// far more than its marking: two stop-the-world pauses that wait for goroutines in the
// assembly kernels to reach a safe point, and a mark worker that takes a core from a
// two-goroutine product. Measured on a 2-core AMD EPYC (Zen 4), GOGC=50 as scripts/dlbench
// runs: dl.MatMul at 256×256 ran a collection every 4 products, 38 µs of pauses per
// product, 92–129 GFLOP/s against 205 for MatMulInto into one result.
//
// heapFloor is a pointer-free allocation the collector counts as live and never scans, so
// its goal never drops below (1 + GOGC/100) × 64 MiB. Nothing writes to it: its pages are
// never touched and take address space, not memory (TestHeapFloorNotResident). It lets a
// small-heap program accumulate up to GOGC percent of 64 MiB of garbage between collections
// (64 MiB more peak memory at the default GOGC=100); a large one collects less often by the
// floor's share of its live heap (a CNN on MNIST, 220 MiB of data, about a quarter less
// often). Measured the same way, best of 3 runs, without → with: dl.MatMul 256² 129 → 199
// GFLOP/s, 512² 186 → 205; the style iteration 14.2 → 12.7 ms, LSTM training 104 → 117
// steps/s, RNN 218 → 327; the MLP and CNN epochs unchanged (0.46 s, 7.3–7.6 s), the CNN's
// peak RSS 393–399 → 415–418 MiB.
//
// A program that sets a memory limit (GOMEMLIMIT, debug.SetMemoryLimit) gets no floor: the
// runtime would count it against the limit.
var heapFloor = make([]byte, heapFloorSize(debug.SetMemoryLimit(-1)))

// heapFloorSize returns the size of heapFloor under the runtime's memory limit.
func heapFloorSize(memoryLimit int64) int {
	if memoryLimit != math.MaxInt64 {
		return 0
	}
	return heapFloorBytes
}
