package proctest

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func TestBitIdentical(t *testing.T) {
	calls := 0
	for i, tc := range []struct {
		name        string
		fingerprint func() string
		fails       bool
	}{
		{"same everywhere", func() string { return "a1b2" }, false},
		{"depends on GOMAXPROCS", func() string { return strconv.Itoa(runtime.GOMAXPROCS(0)) }, true},
		{"changes between calls", func() string { calls++; return strconv.Itoa(calls) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			BitIdentical(r, tc.fingerprint) // ends the subtest here in a child process
			if r.failed != tc.fails {
				t.Errorf("case %d: %s: failed=%v (%q), want %v", i, tc.name, r.failed, r.msg, tc.fails)
			}
		})
	}
}

func TestRunPattern(t *testing.T) {
	for i, tc := range []struct{ name, want string }{
		{"TestA", "^TestA$"},
		{"TestA/sub_case", "^TestA$/^sub_case$"},
		{"TestA/x+y", `^TestA$/^x\+y$`},
	} {
		if got := runPattern(tc.name); got != tc.want {
			t.Errorf("case %d: runPattern(%q): got %q, want %q", i, tc.name, got, tc.want)
		}
	}
}
