package runner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

// TestRunKeepsLargeOutput: a cell's large output is kept whole, however it is timed against
// the reply, with the idle status recorded, and late output beyond any queue size still
// reaches its cell; with MaxOutput the head and tail are kept and the cut is reported
// (issue 16, case 1).
func TestRunKeepsLargeOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	t.Parallel()
	const lines, size = 6000, 512
	var late strings.Builder
	for i := range 5000 { // more than the old 4096-message queue that dropped
		fmt.Fprintf(&late, "late print late %d\n", i)
	}
	src := []string{"print first\nreply\nflood 6000 512\nprint end", late.String(), "sleep 300\nprint next"}

	nb := notebook(src...)
	res, err := runner.Run(context.Background(), nb, runner.Options{Spec: fakeSpec(t, nil)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := nb.Cells[0].Outputs
	if len(out) != 1 || strings.Count(out[0].Text, "\n") != lines+2 || len(out[0].Text) != lines*size+len("first\nend\n") {
		t.Fatalf("cell 1: %d outputs, %d lines, want 1 output of %d lines", len(out), strings.Count(out[0].Text, "\n"), lines+2)
	}
	if ex, _ := nb.Cells[0].Metadata["execution"].(map[string]any); ex["iopub.status.idle"] == nil {
		t.Errorf("cell 1: no iopub.status.idle in %v", ex)
	}
	if got := strings.Count(nb.Cells[1].Outputs[0].Text, "\n"); got != 5000 {
		t.Errorf("cell 2: %d late lines, want 5000", got)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings without MaxOutput: %q", res.Warnings)
	}

	nb = notebook(src...)
	var warned strings.Builder
	res, err = runner.Run(context.Background(), nb, runner.Options{Spec: fakeSpec(t, nil), MaxOutput: 100_000, Warnings: &warned})
	if err != nil {
		t.Fatalf("Run with MaxOutput: %v", err)
	}
	text := nb.Cells[0].Outputs[0].Text
	omitted := lines*size + len("first\nend\n") - len(text) + len(fmt.Sprintf(nbformat.TruncatedFormat, 0))
	if !strings.HasPrefix(text, "first\nline 000000 ") || !strings.HasSuffix(text, "x\nend\n") || len(text) > 100_100 {
		t.Errorf("MaxOutput: kept %d bytes, head %q, tail %q", len(text), text[:30], text[len(text)-30:])
	}
	w := "cell 1: output truncated: "
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], w) || !strings.Contains(warned.String(), w) {
		t.Fatalf("MaxOutput: warnings %q, printed %q", res.Warnings, warned.String())
	}
	var n int
	fmt.Sscanf(strings.TrimPrefix(res.Warnings[0], w), "%d", &n)
	if !strings.Contains(text, fmt.Sprintf(nbformat.TruncatedFormat, n)) || n < omitted-10 || n > omitted+10 {
		t.Errorf("MaxOutput: warning says %d bytes omitted, the text lacks %d", n, omitted)
	}
}
