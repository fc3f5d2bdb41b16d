package jupyter_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/jupyter"
)

// frameSep separates the frames of a fuzz input.
var frameSep = []byte{0xff, 0x00, 0xff}

// FuzzParseFrames: the wire-protocol decoder never panics on any frames and key; a message it
// accepts encodes again to frames it accepts, with the same header.
func FuzzParseFrames(f *testing.F) {
	key := []byte("secret")
	m := jupyter.NewMessage("s", "execute_request", map[string]any{"code": "1"})
	m.Identities = [][]byte{[]byte("id")}
	frames, _ := m.Frames(key)
	f.Add(bytes.Join(frames, frameSep), key)
	unsigned, _ := m.Frames(nil)
	f.Add(bytes.Join(unsigned, frameSep), []byte{})
	f.Add([]byte("<IDS|MSG>"), key)
	f.Add(bytes.Join([][]byte{[]byte(jupyter.Delimiter), []byte("zz"), []byte("{}"), []byte("{}"), []byte("{}"), []byte("{}")}, frameSep), key)
	f.Fuzz(func(t *testing.T, data, key []byte) {
		m, err := jupyter.ParseFrames(bytes.Split(data, frameSep), key)
		if err != nil {
			return
		}
		again, err := m.Frames(key)
		if err != nil {
			return // a header that cannot be re-encoded (invalid UTF-8 is replaced)
		}
		m2, err := jupyter.ParseFrames(again, key)
		if err != nil {
			t.Fatalf("frames encoded from a parsed message do not parse: %v", err)
		}
		if m2.Header != m.Header {
			t.Fatalf("header changed: %+v → %+v", m.Header, m2.Header)
		}
	})
}

// FuzzReadConnectionInfo: a connection file of any content gives a ConnectionInfo or an error
// naming the file, never a panic.
func FuzzReadConnectionInfo(f *testing.F) {
	ci, _ := jupyter.NewConnectionInfo()
	dir := f.TempDir()
	good := filepath.Join(dir, "good.json")
	ci.WriteFile(good)
	b, _ := os.ReadFile(good)
	f.Add(b)
	f.Add([]byte(`{"signature_scheme": "hmac-md5"}`))
	f.Add([]byte(`{"shell_port": "x"}`))
	path := filepath.Join(f.TempDir(), "kernel.json") // one per fuzzing process
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := jupyter.ReadConnectionInfo(path); err != nil && !strings.Contains(err.Error(), path) {
			t.Errorf("error does not name the file: %v", err)
		}
	})
}

// FuzzReadKernelSpec: a kernel.json of any content gives a spec with an argv or an error naming
// the file, never a panic.
func FuzzReadKernelSpec(f *testing.F) {
	f.Add([]byte(`{"argv": ["gonb", "--kernel", "{connection_file}"], "display_name": "Go", "language": "go", "env": {"PATH": "/x:${PATH}"}, "interrupt_mode": "message", "metadata": {"a": 1}}`))
	f.Add([]byte(`{"argv": []}`))
	f.Add([]byte(`{"argv": "gonb"}`))
	dir := f.TempDir() // one per fuzzing process
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, "kernel.json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		spec, err := jupyter.ReadKernelSpec(dir)
		if err != nil {
			if !strings.Contains(err.Error(), filepath.Join(dir, "kernel.json")) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if len(spec.Argv) == 0 {
			t.Errorf("a spec with an empty argv was accepted")
		}
	})
}
