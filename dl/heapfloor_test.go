//go:build linux

package dl

import (
	"math"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"unsafe"
)

// TestHeapFloorGoal: after a collection, the collector's heap goal counts heapFloor as live.
func TestHeapFloorGoal(t *testing.T) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	if goal := s[0].Value.Uint64(); goal < heapFloorBytes {
		t.Errorf("heap goal %d MiB after a collection, want at least heapFloor's %d MiB", goal>>20, heapFloorBytes>>20)
	}
}

// TestHeapFloorNotResident: heapFloor takes address space, not memory: mincore(2) finds none of
// its pages in RAM (a page would be if anything wrote to it, e.g. zeroed it).
func TestHeapFloorNotResident(t *testing.T) {
	if len(heapFloor) != heapFloorBytes {
		t.Fatalf("heapFloor is %d bytes, want %d", len(heapFloor), heapFloorBytes)
	}
	const page = 4096
	p := uintptr(unsafe.Pointer(&heapFloor[0]))
	start := (p + page - 1) &^ (page - 1) // the pages wholly inside heapFloor
	n := (p + uintptr(len(heapFloor)) - start) / page
	vec := make([]byte, n)
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, start, n*page, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Skip("mincore:", errno)
	}
	resident := 0
	for _, v := range vec {
		resident += int(v & 1)
	}
	if resident > 0 {
		t.Errorf("%d of heapFloor's %d pages are resident, want none", resident, n)
	}
	runtime.KeepAlive(heapFloor)
}

func TestHeapFloorSize(t *testing.T) {
	for _, tc := range []struct {
		limit int64
		want  int
	}{
		{math.MaxInt64, heapFloorBytes}, // no limit: the default
		{1 << 30, 0},
		{64 << 20, 0},
	} {
		if got := heapFloorSize(tc.limit); got != tc.want {
			t.Errorf("heapFloorSize(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}
