package check_test

import (
	"testing"

	"github.com/deepnb/deepnb/lessons/check"
)

func TestResult(t *testing.T) {
	for i, tc := range []struct {
		r    check.Result
		want string
	}{
		{check.Result{Name: "step", Passed: true, Cases: 3}, "✓ step: 3 cases pass"},
		{check.Result{Name: "step", Cases: 2, Case: "x = 1", Got: "0", Want: "1"}, "✗ step: case 2 fails\n  case: x = 1\n  got:  0\n  want: 1"},
		{check.Result{Name: "step", Cases: 2, Case: "x = 1", Got: "0", Want: "1", Hint: "add"}, "✗ step: case 2 fails\n  case: x = 1\n  got:  0\n  want: 1\n  hint: add"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("case %d: String = %q, want %q", i, got, tc.want)
		}
		if (tc.r.Err() == nil) != tc.r.Passed {
			t.Errorf("case %d: Err = %v with Passed %v", i, tc.r.Err(), tc.r.Passed)
		}
	}
}

func TestCallSafely(t *testing.T) {
	if err := check.CallSafely(func() {}); err != nil {
		t.Errorf("CallSafely(no panic) = %v", err)
	}
	if err := check.CallSafely(func() { panic("TODO") }); err == nil || err.Error() != "your function panicked: TODO" {
		t.Errorf("CallSafely(panic) = %v", err)
	}
}
