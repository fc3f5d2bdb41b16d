package jupyter

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"testing"
)

func TestSignKnownAnswer(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		key    string
		frames []string
		want   string
	}{
		// RFC 4231 test case 2; the frames are concatenated.
		{"Jefe", []string{"what do ya want for nothing?"}, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"Jefe", []string{"what do ya ", "want ", "for nothing?"}, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		// RFC 4231 test case 1.
		{string(bytes.Repeat([]byte{0x0b}, 20)), []string{"Hi There"}, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"", []string{"anything"}, ""}, // signing disabled
	} {
		fr := make([][]byte, len(tc.frames))
		for j, f := range tc.frames {
			fr[j] = []byte(f)
		}
		if got := Sign([]byte(tc.key), fr...); got != tc.want {
			t.Errorf("case %d: Sign: got %q, want %q", i, got, tc.want)
		}
	}
}

func TestFramesWireFormat(t *testing.T) {
	t.Parallel()
	key := []byte("secret")
	m := NewMessage("sess-1", "execute_request", map[string]any{"code": "x := 1"})
	m.Identities = [][]byte{[]byte("id-a"), []byte("id-b")}
	m.ParentHeader = Header{MsgID: "p1", Session: "s0", MsgType: "kernel_info_request", Version: "5.3"}
	m.Metadata = json.RawMessage(`{"k":1}`)
	m.Buffers = [][]byte{{1, 2, 3}}
	frames, err := m.Frames(key)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2+6+1 {
		t.Fatalf("Frames: got %d frames, want 9", len(frames))
	}
	if string(frames[0]) != "id-a" || string(frames[1]) != "id-b" || string(frames[2]) != "<IDS|MSG>" {
		t.Errorf("Frames: identities/delimiter: got %q", frames[:3])
	}
	if got, want := string(frames[3]), Sign(key, frames[4], frames[5], frames[6], frames[7]); got != want {
		t.Errorf("Frames: signature: got %q, want %q", got, want)
	}
	var hdr map[string]any
	if err := json.Unmarshal(frames[4], &hdr); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"msg_id", "session", "username", "date", "msg_type", "version"} {
		if _, ok := hdr[f]; !ok {
			t.Errorf("Frames: header lacks %q: %s", f, frames[4])
		}
	}
	if hdr["msg_type"] != "execute_request" || hdr["version"] != "5.3" || hdr["session"] != "sess-1" {
		t.Errorf("Frames: header: got %s", frames[4])
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(hdr["date"].(string)) {
		t.Errorf("Frames: date %q is not ISO 8601 UTC with microseconds", hdr["date"])
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(hdr["msg_id"].(string)) {
		t.Errorf("Frames: msg_id %q is not a UUID-4", hdr["msg_id"])
	}
	if string(frames[6]) != `{"k":1}` || string(frames[7]) != `{"code":"x := 1"}` || !bytes.Equal(frames[8], []byte{1, 2, 3}) {
		t.Errorf("Frames: metadata/content/buffer: got %q %q %v", frames[6], frames[7], frames[8])
	}

	got, err := ParseFrames(frames, key)
	if err != nil {
		t.Fatalf("ParseFrames: %v", err)
	}
	if got.Header != m.Header || got.ParentHeader != m.ParentHeader || len(got.Identities) != 2 || len(got.Buffers) != 1 {
		t.Errorf("ParseFrames: round trip: got %+v, want %+v", got, m)
	}
	var content struct{ Code string }
	if err := got.Decode(&content); err != nil || content.Code != "x := 1" {
		t.Errorf("Decode: got %q, %v", content.Code, err)
	}
}

func TestEmptyParentHeaderAndMetadata(t *testing.T) {
	t.Parallel()
	m := NewMessage("s", "kernel_info_request", struct{}{})
	frames, err := m.Frames(nil)
	if err != nil {
		t.Fatal(err)
	}
	// No identities: delimiter first; signing disabled: empty signature.
	if string(frames[0]) != "<IDS|MSG>" || len(frames[1]) != 0 || string(frames[3]) != "{}" || string(frames[4]) != "{}" || string(frames[5]) != "{}" {
		t.Errorf("Frames: got %q", frames)
	}
}

func TestParseFramesRejects(t *testing.T) {
	t.Parallel()
	key := []byte("k")
	good, _ := NewMessage("s", "status", map[string]string{"execution_state": "idle"}).Frames(key)
	tamper := func(i int, v string) [][]byte {
		f := append([][]byte(nil), good...)
		f[i] = []byte(v)
		return f
	}
	for i, tc := range []struct {
		frames [][]byte
		key    []byte
		badSig bool
	}{
		{good, []byte("other key"), true},
		{tamper(5, `{"execution_state":"busy"}`), key, true},          // content changed
		{tamper(1, "zz"+string(good[1][2:])), key, true},              // signature not hex
		{tamper(1, string(good[1][:len(good[1])-2])+"00"), key, true}, // signature off by a byte
		{good[:4], key, false},                                        // too few frames
		{good[1:], key, false},                                        // no delimiter
	} {
		_, err := ParseFrames(tc.frames, tc.key)
		if err == nil {
			t.Errorf("case %d: ParseFrames: no error", i)
			continue
		}
		if errors.Is(err, ErrBadSignature) != tc.badSig {
			t.Errorf("case %d: ParseFrames: got %v, want bad signature = %v", i, err, tc.badSig)
		}
	}
}

func TestKernelSpecEnvAndArgv(t *testing.T) {
	t.Parallel()
	s := &KernelSpec{Dir: "/k/deepnb", Argv: []string{"gonb", "--kernel", "{connection_file}", "-r={resource_dir}"},
		Env: map[string]string{"PATH": "/root/.bin:${PATH}", "GOPROXY": "off", "X": "$UNSET_VAR_FOR_TEST"}}
	argv := s.command("/tmp/c.json")
	if want := []string{"gonb", "--kernel", "/tmp/c.json", "-r=/k/deepnb"}; !slices.Equal(argv, want) {
		t.Errorf("command: got %q, want %q", argv, want)
	}
	env := s.environ([]string{"PATH=/usr/bin", "HOME=/h", "GOPROXY=direct"})
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := bytes.Cut([]byte(kv), []byte("="))
		got[string(k)] = string(v)
	}
	want := map[string]string{"PATH": "/root/.bin:/usr/bin", "HOME": "/h", "GOPROXY": "off", "X": "${UNSET_VAR_FOR_TEST}"}
	if len(got) != len(want) || len(env) != len(want) {
		t.Errorf("environ: got %q, want %v", env, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("environ: %s: got %q, want %q", k, got[k], v)
		}
	}
}

// TestLatch: the first set fixes the error and closes the channel; later sets change nothing.
func TestLatch(t *testing.T) {
	l := newLatch()
	if l.fired() {
		t.Fatal("a new latch has fired")
	}
	first, second := errors.New("first"), errors.New("second")
	l.set(func() error { return first })
	calls := 0
	l.set(func() error { calls++; return second })
	select {
	case <-l.done():
	default:
		t.Fatal("done not closed after set")
	}
	if !l.fired() || l.err != first || calls != 0 {
		t.Errorf("after two sets: fired %v, err %v, later mk called %d times", l.fired(), l.err, calls)
	}
}
