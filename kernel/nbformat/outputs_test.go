package nbformat

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func apply(t *testing.T, r *Recorder, c *Cell, msgType, content string) {
	t.Helper()
	if err := r.Apply(c, msgType, []byte(content)); err != nil {
		t.Fatalf("Apply(%s, %s): %v", msgType, content, err)
	}
	r.Flush()
}

func TestRecorderStreams(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		chunks []string // name:text
		want   []string // name:text of the outputs
	}{
		{[]string{"stdout:a\n", "stdout:b\n"}, []string{"stdout:a\nb\n"}},
		{[]string{"stdout:a\n", "stderr:e\n", "stdout:b\n"}, []string{"stdout:a\n", "stderr:e\n", "stdout:b\n"}},
		{[]string{"stdout:10%\r", "stdout:50%\r", "stdout:100%\n", "stdout:done\n"}, []string{"stdout:100%\ndone\n"}},
		{[]string{"stdout:keep\nab\rc", "stdout:d\n"}, []string{"stdout:keep\ncd\n"}},
		{[]string{"stdout:abc\b\bX\n"}, []string{"stdout:aX\n"}},
		{[]string{"stdout:win\r\n"}, []string{"stdout:win\r\n"}},
	} {
		var r Recorder
		c := NewCodeCell("")
		for _, ch := range tc.chunks {
			name, text := ch[:6], ch[7:]
			b, _ := json.Marshal(map[string]string{"name": name, "text": text})
			apply(t, &r, c, "stream", string(b))
		}
		var got []string
		for _, o := range c.Outputs {
			got = append(got, o.Name+":"+o.Text)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("case %d: streams: got %q, want %q", i, got, tc.want)
		}
	}
}

func TestRecorderUpdateDisplayData(t *testing.T) {
	t.Parallel()
	var r Recorder
	c1, c2 := NewCodeCell("a"), NewCodeCell("b")
	apply(t, &r, c1, "display_data", `{"data": {"text/plain": "v1"}, "metadata": {}, "transient": {"display_id": "d1"}}`)
	apply(t, &r, c1, "display_data", `{"data": {"text/plain": "other"}, "metadata": {}}`)
	apply(t, &r, c1, "execute_result", `{"execution_count": 1, "data": {"text/plain": "r"}, "metadata": {}}`)
	// The same display shown again in a later cell; then updated from it.
	apply(t, &r, c2, "display_data", `{"data": {"text/plain": "v1"}, "metadata": {}, "transient": {"display_id": "d1"}}`)
	apply(t, &r, c2, "update_display_data", `{"data": {"text/html": ["<b>", "v2</b>"]}, "metadata": {"m": 1}, "transient": {"display_id": "d1"}}`)
	apply(t, &r, c2, "update_display_data", `{"data": {"text/plain": "nobody"}, "metadata": {}, "transient": {"display_id": "unknown"}}`)

	if len(c1.Outputs) != 3 || len(c2.Outputs) != 1 {
		t.Fatalf("outputs: got %d and %d, want 3 and 1 (updates add none)", len(c1.Outputs), len(c2.Outputs))
	}
	for i, o := range []*Output{c1.Outputs[0], c2.Outputs[0]} {
		if o.Data["text/html"] != "<b>v2</b>" || o.Data["text/plain"] != nil || o.Metadata["m"] == nil {
			t.Errorf("case %d: updated display: got %v %v", i, o.Data, o.Metadata)
		}
	}
	if c1.Outputs[1].Data["text/plain"] != "other" {
		t.Errorf("display without id changed: %v", c1.Outputs[1].Data)
	}
	if o := c1.Outputs[2]; o.OutputType != "execute_result" || o.ExecutionCount == nil || *o.ExecutionCount != 1 {
		t.Errorf("execute_result: got %+v", o)
	}
	// The transient display_id is not written to the notebook.
	nb := New()
	nb.Cells = []*Cell{c1, c2}
	b, _ := nb.Marshal()
	if strings.Contains(string(b), "transient") || strings.Contains(string(b), `"d1"`) {
		t.Errorf("Marshal wrote transient data:\n%s", b)
	}
}

func TestRecorderClearOutputAndError(t *testing.T) {
	t.Parallel()
	var r Recorder
	c := NewCodeCell("")
	apply(t, &r, c, "stream", `{"name": "stdout", "text": "old\n"}`)
	apply(t, &r, c, "clear_output", `{"wait": true}`)
	if len(c.Outputs) != 1 {
		t.Fatalf("clear_output(wait): cleared at once")
	}
	apply(t, &r, c, "stream", `{"name": "stdout", "text": "new\n"}`)
	apply(t, &r, c, "error", `{"ename": "panic", "evalue": "boom", "traceback": ["line 1"]}`)
	apply(t, &r, c, "status", `{"execution_state": "idle"}`)
	if len(c.Outputs) != 2 || c.Outputs[0].Text != "new\n" || c.Outputs[1].EValue != "boom" {
		t.Errorf("outputs: got %+v %+v", c.Outputs[0], c.Outputs[1])
	}
	apply(t, &r, c, "clear_output", `{"wait": false}`)
	if len(c.Outputs) != 0 {
		t.Errorf("clear_output: %d outputs left", len(c.Outputs))
	}
	if err := r.Apply(c, "stream", []byte(`{"name": 1}`)); err == nil {
		t.Error("Apply(bad content): no error")
	}
}
