package runner

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

// Job is one notebook to run with [RunAll].
type Job struct {
	Path string
	Opts Options
}

// RunAll runs the jobs with up to n at a time (n < 1 means 1), each in its
// own kernel, and returns their results in the order of jobs. Failures are
// in each Result's Err.
func RunAll(ctx context.Context, jobs []Job, n int) []*Result {
	if n < 1 {
		n = 1
	}
	results := make([]*Result, len(jobs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := ctx.Err(); err != nil {
				results[i] = &Result{Name: j.Path, Err: fmt.Errorf("%s: not run: %w", j.Path, err)}
				return
			}
			t0 := time.Now()
			res, err := RunFile(ctx, j.Path, j.Opts)
			if res == nil {
				res = &Result{Name: j.Path}
			}
			if res.Name == "" {
				res.Name = j.Path
			}
			if res.Duration == 0 {
				res.Duration = time.Since(t0)
			}
			res.Err = err
			results[i] = res
		}()
	}
	wg.Wait()
	return results
}

// Status is "ok" or "FAILED: <summary>".
func (r *Result) Status() string {
	if r.Err == nil {
		return "ok"
	}
	var e *Error
	if errors.As(r.Err, &e) {
		return "FAILED: " + e.Summary()
	}
	return "FAILED: " + firstLine(r.Err.Error())
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// WriteSummary prints a table of the results: notebook, cells executed out
// of code cells, seconds and status, then a totals line.
func WriteSummary(w io.Writer, results []*Result) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NOTEBOOK\tCELLS\tSECONDS\tSTATUS")
	failed := 0
	var total time.Duration
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
		total += r.Duration
		status := r.Status()
		if len(status) > 120 {
			status = status[:117] + "..."
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%.1f\t%s\n", r.Name, r.Cells, r.Total, r.Duration.Seconds(), status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d notebooks, %d failed, %.1fs of notebook time\n", len(results), failed, total.Seconds())
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit returns a JUnit XML report of the results: one test suite
// "deepnb run", one test case per notebook (classname its directory, name
// its file name), failures carrying the full error report.
func JUnit(results []*Result, started time.Time) ([]byte, error) {
	s := junitSuite{Name: "deepnb run", Timestamp: started.UTC().Format("2006-01-02T15:04:05")}
	var total time.Duration
	for _, r := range results {
		total += r.Duration
		c := junitCase{Classname: filepath.ToSlash(filepath.Dir(r.Name)), Name: filepath.Base(r.Name), Time: secs(r.Duration)}
		if r.Err != nil {
			s.Failures++
			typ := "error"
			var e *Error
			if errors.As(r.Err, &e) {
				typ = e.Kind
			}
			c.Failure = &junitFailure{Message: strings.TrimPrefix(r.Status(), "FAILED: "), Type: typ, Text: r.Err.Error()}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests, s.Time = len(results), secs(total)
	doc := junitSuites{Name: s.Name, Tests: s.Tests, Failures: s.Failures, Time: s.Time, Suites: []junitSuite{s}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// WriteJUnit writes [JUnit]'s report to path atomically.
func WriteJUnit(path string, results []*Result, started time.Time) error {
	b, err := JUnit(results, started)
	if err != nil {
		return err
	}
	return nbformat.WriteFileAtomic(path, b)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
