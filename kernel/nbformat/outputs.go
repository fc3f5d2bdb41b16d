package nbformat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Recorder applies kernel output messages to notebook cells as a Jupyter
// front end (or nbclient) does. One Recorder serves a whole notebook run, so
// that update_display_data reaches displays made by earlier cells. The zero
// value is ready to use.
//
// Stream text is collected in buffers, in time and memory linear in its
// size however many messages bring it; call [Recorder.Flush] before reading
// the Text of stream outputs.
type Recorder struct {
	// MaxOutput, if positive, bounds the text kept of each stream output
	// (a runaway print): its first MaxOutput/2 and last MaxOutput/2 bytes
	// are kept, cut at line ends where possible, with a line between them
	// saying how many bytes were left out (see [Recorder.Omitted]).
	MaxOutput int

	displays     map[string][]*Output // transient display_id → outputs showing it
	pendingClear map[*Cell]bool       // clear_output(wait=True) not yet applied
	streams      map[*Output]*streamBuf
	omitted      map[*Output]int64
}

// streamBuf collects the text of one stream output.
type streamBuf struct {
	head    []byte // the text, or its first part once over MaxOutput
	tail    []byte // once over MaxOutput: the latest text
	capped  bool
	omitted int64 // bytes dropped between head and tail
}

// TruncatedFormat is the line a stream output cut by Recorder.MaxOutput
// holds where text was left out.
const TruncatedFormat = "\n… output truncated: %d bytes omitted …\n"

// Flush brings the Text of every stream output up to date with what Apply
// collected.
func (r *Recorder) Flush() {
	for o, b := range r.streams {
		if !b.capped {
			// The buffer is dropped below and never written again: the text
			// can share it instead of being copied (a large output would
			// otherwise be in memory twice).
			o.Text = unsafe.String(unsafe.SliceData(b.head), len(b.head))
		} else {
			b.trimTail(r.MaxOutput - len(b.head))
			o.Text = string(b.head) + fmt.Sprintf(TruncatedFormat, b.omitted) + string(b.tail)
			if r.omitted == nil {
				r.omitted = map[*Output]int64{}
			}
			r.omitted[o] = b.omitted
		}
		delete(r.streams, o)
	}
}

// Omitted returns how many bytes of c's stream outputs MaxOutput left out
// (as of the last Flush).
func (r *Recorder) Omitted(c *Cell) int64 {
	var n int64
	for _, o := range c.Outputs {
		n += r.omitted[o]
	}
	return n
}

// appendText appends a stream's text to b, applying carriage returns and
// backspaces to its last line (see appendStream) and MaxOutput.
func (b *streamBuf) appendText(text string, maxOutput int) {
	if !b.capped {
		b.head = appendStreamBytes(b.head, text)
		if maxOutput <= 0 || len(b.head) <= maxOutput {
			return
		}
		// Over the limit: keep the head up to a line end within half of it.
		half := maxOutput / 2
		cut := half
		if i := bytes.LastIndexByte(b.head[:half], '\n'); i >= 0 {
			cut = i + 1
		} else {
			cut = runeStart(b.head, cut)
		}
		b.tail = append([]byte(nil), b.head[cut:]...)
		b.head = b.head[:cut:cut]
		b.capped = true
	} else {
		b.tail = appendStreamBytes(b.tail, text)
	}
	// Drop from the tail's front once it is twice the size it keeps (so that
	// the copying stays linear); Flush trims it to size.
	if keep := maxOutput - len(b.head); len(b.tail) > 2*keep {
		b.trimTail(keep)
	}
}

// trimTail drops text from the front of the tail, at a line start where
// possible, to leave at most keep bytes.
func (b *streamBuf) trimTail(keep int) {
	if len(b.tail) <= keep {
		return
	}
	drop := len(b.tail) - keep
	if i := bytes.IndexByte(b.tail[drop:], '\n'); i >= 0 && i < keep/2 {
		drop += i + 1
	} else {
		drop = runeStart(b.tail, drop)
	}
	b.omitted += int64(drop)
	b.tail = append(b.tail[:0], b.tail[drop:]...)
}

// runeStart moves i back to the start of the UTF-8 sequence it falls in.
func runeStart(b []byte, i int) int {
	for i > 0 && i < len(b) && !utf8.RuneStart(b[i]) {
		i--
	}
	return i
}

// appendStreamBytes is appendStream on a byte buffer: the earlier lines are
// not copied again.
func appendStreamBytes(buf []byte, text string) []byte {
	keep := bytes.LastIndexByte(buf, '\n') + 1
	if !strings.ContainsAny(text, "\r\b") && bytes.IndexAny(buf[keep:], "\r\b") < 0 {
		return append(buf, text...)
	}
	last := appendStream("", string(buf[keep:])+text)
	return append(buf[:keep], last...)
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
		var o *Output
		if n := len(c.Outputs); n > 0 && c.Outputs[n-1].OutputType == "stream" && c.Outputs[n-1].Name == m.Name {
			o = c.Outputs[n-1]
		} else {
			o = &Output{OutputType: "stream", Name: m.Name}
			c.Outputs = append(c.Outputs, o)
		}
		if r.streams == nil {
			r.streams = map[*Output]*streamBuf{}
		}
		b := r.streams[o]
		if b == nil {
			b = &streamBuf{head: []byte(o.Text)}
			r.streams[o] = b
		}
		b.appendText(m.Text, r.MaxOutput)
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
