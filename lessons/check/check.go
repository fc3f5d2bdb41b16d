// Package check holds what the lessons' exercise checks share: the result a check returns, which
// prints as a one-line pass or as the first failing case with what was expected and a hint, and
// a guard that turns a student's panic into an error.
package check

import (
	"fmt"
	"strings"
)

// Result is the outcome of an exercise check. It prints (String) as a one-line pass, or as the
// first failing case with what was expected and a hint.
type Result struct {
	Name   string // the exercise, e.g. "Bellman backup"
	Passed bool
	Cases  int    // cases run (all of them when Passed)
	Case   string // the failing case, described
	Got    string // what the student's function returned
	Want   string // what the reference returns
	Hint   string // a likely cause
}

// String returns "✓ Bellman backup: 300 cases pass" or the failing case with a hint.
func (r Result) String() string {
	if r.Passed {
		return fmt.Sprintf("✓ %s: %d cases pass", r.Name, r.Cases)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✗ %s: case %d fails\n  case: %s\n  got:  %s\n  want: %s", r.Name, r.Cases, r.Case, r.Got, r.Want)
	if r.Hint != "" {
		fmt.Fprintf(&b, "\n  hint: %s", r.Hint)
	}
	return b.String()
}

// Err returns nil when the check passed, else an error with String's text.
func (r Result) Err() error {
	if r.Passed {
		return nil
	}
	return fmt.Errorf("%s", r.String())
}

// CallSafely runs f, turning a panic (a TODO left in place, an index out of range) into an error.
func CallSafely(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("your function panicked: %v", r)
		}
	}()
	f()
	return nil
}
