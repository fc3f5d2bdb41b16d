package runner

import (
	"testing"
	"time"
)

func TestStamp(t *testing.T) {
	t.Parallel()
	recv := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600))
	for i, tc := range []struct {
		kernel string
		recv   time.Time
		want   string
	}{
		// Finer than a second: the kernel's date is kept as written.
		{"2026-01-02T02:04:05.987654Z", recv, "2026-01-02T02:04:05.987654Z"},
		{"2026-01-02T02:04:05.5+00:00", recv, "2026-01-02T02:04:05.5+00:00"},
		// To the second (GoNB), missing or malformed: the local clock, in UTC, to the µs.
		{"2026-01-02T02:04:05Z", recv, "2026-01-02T02:04:05.123456Z"},
		{"2026-01-02T02:04:05.000000Z", recv, "2026-01-02T02:04:05.123456Z"},
		{"", recv, "2026-01-02T02:04:05.123456Z"},
		{"yesterday", recv, "2026-01-02T02:04:05.123456Z"},
		// No local time to offer: the kernel's date, whatever it is.
		{"2026-01-02T02:04:05Z", time.Time{}, "2026-01-02T02:04:05Z"},
	} {
		if got := stamp(tc.kernel, tc.recv); got != tc.want {
			t.Errorf("case %d: stamp(%q, %v): got %q, want %q", i, tc.kernel, tc.recv, got, tc.want)
		}
	}
}
