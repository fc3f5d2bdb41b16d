package proctest

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestBitIdentical(t *testing.T) {
	calls := 0
	differs := 1 // a child whose GOMAXPROCS differs from this process's
	if runtime.GOMAXPROCS(0) == 1 {
		differs = 3
	}
	for i, tc := range []struct {
		name        string
		fingerprint func() string
		want        string // in the error; "" for none
	}{
		{"same everywhere", func() string { return "a1b2" }, ""},
		{"depends on GOMAXPROCS", func() string { return "p" + strconv.Itoa(runtime.GOMAXPROCS(0)) }, fmt.Sprintf("process on %d cores: fingerprint p%d", differs, differs)},
		{"changes between calls", func() string { calls++; return strconv.Itoa(calls) }, "second run in the same process: fingerprint 2, first 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := bitIdentical(t, tc.fingerprint, nil) // ends the subtest here in a child process
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("case %d: %s: error %v, want one saying %q", i, tc.name, err, tc.want)
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
