// Package proctest holds the determinism tests' harness: it runs the same computation in this
// process and again in child processes of the test binary with other GOMAXPROCS (how many cores
// share an op's work), and requires the same bits from every run. dl/nn and lessons/unsup use
// it; it lives at the module root so that packages under dl/ and lessons/ may both import it.
package proctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// childEnv names the test a child process was started to fingerprint.
const childEnv = "PROCTEST_FINGERPRINT"

// marker starts the line on which a child prints its fingerprint.
const marker = "proctest fingerprint "

// DefaultProcs are the GOMAXPROCS of the child processes when BitIdentical is given none: one
// core, and an odd count that splits work into uneven chunks.
var DefaultProcs = []int{1, 3}

// BitIdentical fails t unless fingerprint (typically a hash of the bits of a training run's
// weights and losses) returns the same string twice in this process and once in each of the
// child processes it starts, one per entry of procs (DefaultProcs if none), running the test
// binary again, restricted to t's test, with that GOMAXPROCS. No result may depend on how
// goroutines happen to be scheduled or on how many cores share the work.
//
// In a child process, BitIdentical prints the fingerprint and ends the test at once (as
// t.SkipNow does), so the code after it runs only in the parent; call it last. A fingerprint
// that fails t (say, data that cannot be read) makes the child fail, and the parent reports
// the child's output.
func BitIdentical(t testing.TB, fingerprint func() string, procs ...int) {
	t.Helper()
	if err := bitIdentical(t, fingerprint, procs); err != nil {
		t.Error(err)
	}
}

// bitIdentical is BitIdentical returning what differed as an error.
func bitIdentical(t testing.TB, fingerprint func() string, procs []int) error {
	if os.Getenv(childEnv) == t.Name() {
		fmt.Println(marker + fingerprint())
		t.SkipNow()
	}
	if len(procs) == 0 {
		procs = DefaultProcs
	}
	first := fingerprint()
	if got := fingerprint(); got != first {
		return fmt.Errorf("second run in the same process: fingerprint %s, first %s", got, first)
	}
	var errs []error
	for _, p := range procs {
		cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()))
		cmd.Env = append(os.Environ(), childEnv+"="+t.Name(), "GOMAXPROCS="+strconv.Itoa(p))
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("process on %d cores: %v\n%s", p, err, out)
		}
		_, after, ok := strings.Cut(string(out), marker)
		if !ok {
			return fmt.Errorf("process on %d cores printed no fingerprint:\n%s", p, out)
		}
		if got := strings.Fields(after)[0]; got != first {
			errs = append(errs, fmt.Errorf("process on %d cores: fingerprint %s, this process %s", p, got, first))
		}
	}
	return errors.Join(errs...)
}

// runPattern returns the -test.run pattern that selects exactly the test (or subtest) name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
