package runner_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/runner"
)

// The runner's overhead per cell, beyond the kernel's own time, is the
// difference between the cell/ns figures of BenchmarkRunner* and
// BenchmarkBareClient* for the same kernel: the bare loop only sends
// execute_request and waits for idle; the runner also records outputs,
// counts and timings into the notebook.

const benchCells = 20

func benchRun(b *testing.B, spec *jupyter.KernelSpec, code string) {
	sources := make([]string, benchCells)
	for i := range sources {
		sources[i] = fmt.Sprintf(code, i)
	}
	var cellTime, startTime time.Duration
	for b.Loop() {
		nb := notebook(sources...)
		res, err := runner.Run(context.Background(), nb, runner.Options{Spec: spec})
		if err != nil {
			b.Fatal(err)
		}
		var sum time.Duration
		for _, d := range res.CellTimes {
			sum += d
		}
		cellTime += sum
		startTime += res.Duration - sum
	}
	b.ReportMetric(float64(cellTime.Nanoseconds())/float64(b.N*benchCells), "ns/cell")
	b.ReportMetric(float64(startTime.Nanoseconds())/float64(b.N), "ns/start+close")
}

func benchBare(b *testing.B, spec *jupyter.KernelSpec, code string) {
	c, err := jupyter.Start(context.Background(), spec, jupyter.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	i := 0
	t0 := time.Now()
	for b.Loop() {
		if _, err := c.Execute(context.Background(), fmt.Sprintf(code, i), jupyter.ExecuteOptions{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(b.N), "ns/cell")
}

func BenchmarkRunnerFakeKernel(b *testing.B)     { benchRun(b, fakeSpec(b, nil), "print cell %d") }
func BenchmarkBareClientFakeKernel(b *testing.B) { benchBare(b, fakeSpec(b, nil), "print cell %d") }

const gonbCell = "import \"fmt\"\n\n%%%%\nfmt.Println(\"cell\", %d)"

func BenchmarkRunnerGoNB(b *testing.B)     { benchRun(b, kerneltest.Spec(b), gonbCell) }
func BenchmarkBareClientGoNB(b *testing.B) { benchBare(b, kerneltest.Spec(b), gonbCell) }
