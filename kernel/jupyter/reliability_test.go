package jupyter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
)

// TestExecuteWaitsForIdle: output that lags behind the execute_reply by more than 10 s (a
// cell printing faster than the runner reads, on a loaded machine) is still the cell's, and
// Execute returns only at the idle status (issue 16, case 1): the wait is bounded by the
// cell's timeout, not by a fixed IOPubTimeout.
func TestExecuteWaitsForIdle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process and waits 11 s")
	}
	t.Parallel()
	c := start(t, "message", nil, jupyter.Options{})
	_, seen, err := run(c, "print before\nreply\nsleep 10500\nprint after", jupyter.ExecuteOptions{Timeout: time.Minute})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	want := "status:busy,execute_input,stream:before,stream:after,status:idle"
	if got := strings.Join(seen, ","); got != want {
		t.Errorf("iopub: got %s, want %s", got, want)
	}
}

// TestExecuteBackpressure: a flood of output (about 8 MB in 64 KiB messages) reaches the
// handler in full and in order, however slowly the handler takes it.
func TestExecuteBackpressure(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel process")
	}
	t.Parallel()
	c := start(t, "message", nil, jupyter.Options{})
	var n, bytes int
	_, err := c.Execute(t.Context(), "flood 8000 1024\nprint end", jupyter.ExecuteOptions{
		Timeout: time.Minute,
		OnIOPub: func(m *jupyter.Message) {
			var st struct {
				Text string `json:"text"`
			}
			m.Decode(&st)
			if m.Header.MsgType == "stream" {
				n += strings.Count(st.Text, "\n")
				bytes += len(st.Text)
				time.Sleep(time.Millisecond) // a slow consumer
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 8001 || bytes != 8000*1024+4 {
		t.Errorf("got %d lines, %d bytes; want 8001 lines, %d bytes", n, bytes, 8000*1024+4)
	}
}
