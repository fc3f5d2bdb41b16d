package nbformat

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Recorder applies kernel output messages to notebook cells as a Jupyter
// front end (or nbclient) does. One Recorder serves a whole notebook run, so
// that update_display_data reaches displays made by earlier cells. The zero
// value is ready to use.
type Recorder struct {
	displays     map[string][]*Output // transient display_id → outputs showing it
	pendingClear map[*Cell]bool       // clear_output(wait=True) not yet applied
}

// Apply records one iopub message of type msgType with JSON content into
// cell c:
//
//   - stream: appended; consecutive streams of the same name are merged into
//     one output, and carriage returns and backspaces are applied within
//     lines (so progress bars keep their last state);
//   - display_data, execute_result, error: appended (a display_data with a
//     transient display_id is remembered);
//   - update_display_data: replaces data and metadata of every output shown
//     with the same display_id, in this or earlier cells (nothing if none);
//   - clear_output: clears c's outputs, at once or, with wait, just before
//     the next output arrives.
//
// Other message types (status, execute_input, comm_*) are ignored.
func (r *Recorder) Apply(c *Cell, msgType string, content []byte) error {
	var m struct {
		Name           string          `json:"name"`
		Text           string          `json:"text"`
		Data           json.RawMessage `json:"data"`
		Metadata       json.RawMessage `json:"metadata"`
		ExecutionCount *int            `json:"execution_count"`
		EName          string          `json:"ename"`
		EValue         string          `json:"evalue"`
		Traceback      []string        `json:"traceback"`
		Wait           bool            `json:"wait"`
		Transient      struct {
			DisplayID string `json:"display_id"`
		} `json:"transient"`
	}
	switch msgType {
	case "stream", "display_data", "execute_result", "error", "update_display_data", "clear_output":
	default:
		return nil
	}
	if err := json.Unmarshal(content, &m); err != nil {
		return fmt.Errorf("nbformat: %s content: %w", msgType, err)
	}
	if msgType == "clear_output" {
		if m.Wait {
			if r.pendingClear == nil {
				r.pendingClear = map[*Cell]bool{}
			}
			r.pendingClear[c] = true
		} else {
			c.Outputs = nil
		}
		return nil
	}
	data, err := decodeMap(m.Data)
	if err != nil {
		return fmt.Errorf("nbformat: %s data: %w", msgType, err)
	}
	meta, err := decodeMap(m.Metadata)
	if err != nil {
		return fmt.Errorf("nbformat: %s metadata: %w", msgType, err)
	}
	if data, err = joinData(data); err != nil {
		return fmt.Errorf("nbformat: %s data: %w", msgType, err)
	}
	if msgType == "update_display_data" {
		for _, o := range r.displays[m.Transient.DisplayID] {
			o.Data, o.Metadata = data, meta
			if o.Data == nil {
				o.Data = map[string]any{}
			}
		}
		return nil
	}
	if r.pendingClear[c] {
		c.Outputs = nil
		delete(r.pendingClear, c)
	}
	switch msgType {
	case "stream":
		if n := len(c.Outputs); n > 0 && c.Outputs[n-1].OutputType == "stream" && c.Outputs[n-1].Name == m.Name {
			last := c.Outputs[n-1]
			last.Text = appendStream(last.Text, m.Text)
			return nil
		}
		c.Outputs = append(c.Outputs, &Output{OutputType: "stream", Name: m.Name, Text: appendStream("", m.Text)})
	case "display_data", "execute_result":
		if data == nil {
			data = map[string]any{}
		}
		o := &Output{OutputType: msgType, Data: data, Metadata: meta}
		if msgType == "execute_result" {
			o.ExecutionCount = m.ExecutionCount
		} else if id := m.Transient.DisplayID; id != "" {
			if r.displays == nil {
				r.displays = map[string][]*Output{}
			}
			r.displays[id] = append(r.displays[id], o)
		}
		c.Outputs = append(c.Outputs, o)
	case "error":
		c.Outputs = append(c.Outputs, &Output{OutputType: "error", EName: m.EName, EValue: m.EValue, Traceback: m.Traceback})
	}
	return nil
}

func decodeMap(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	m, err := decodeObject(raw, "object")
	return m, err
}

// appendStream appends text to a stream's text, then applies carriage
// returns ("\r" not followed by "\n" drops what precedes it on the line) and
// backspaces (erase the previous character on the line) to the last line of
// the old text and the new text; earlier lines are final already.
func appendStream(old, text string) string {
	keep := strings.LastIndexByte(old, '\n') + 1
	tail := old[keep:] + text
	if !strings.ContainsAny(tail, "\r\b") {
		return old + text
	}
	var sb strings.Builder
	sb.WriteString(old[:keep])
	lines := strings.SplitAfter(tail, "\n")
	for _, line := range lines {
		body, nl := strings.CutSuffix(line, "\n")
		// Carriage return: keep what follows the last "\r" that has
		// something after it on this line.
		if i := strings.LastIndexByte(body[:max(len(body)-1, 0)], '\r'); i >= 0 {
			body = body[i+1:]
		}
		if strings.IndexByte(body, '\b') >= 0 {
			out := make([]rune, 0, len(body))
			for _, r := range body {
				if r == '\b' && len(out) > 0 && out[len(out)-1] != '\b' {
					out = out[:len(out)-1]
					continue
				}
				out = append(out, r)
			}
			body = string(out)
		}
		sb.WriteString(body)
		if nl {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}
