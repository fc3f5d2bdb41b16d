package jupyter

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ProtocolVersion is the version of the Jupyter messaging protocol this
// client speaks.
const ProtocolVersion = "5.3"

// Delimiter separates the routing identities from the message proper.
const Delimiter = "<IDS|MSG>"

// TimeFormat is how message header dates are written: ISO 8601 in UTC with
// microseconds, as jupyter_client writes them.
const TimeFormat = "2006-01-02T15:04:05.000000Z07:00"

// ErrBadSignature is reported for a received message whose HMAC signature does
// not match the connection key.
var ErrBadSignature = errors.New("jupyter: invalid message signature (HMAC-SHA256 does not match the connection key)")

// Header is a message header (also used for parent_header).
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Time parses Date; it returns the zero time if Date is empty or malformed.
func (h Header) Time() time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05.999999Z0700"} {
		if t, err := time.Parse(layout, h.Date); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Message is one Jupyter message. Content and Metadata are kept as raw JSON
// so that no field is lost; decode Content with [Message.Decode].
type Message struct {
	Identities   [][]byte
	Header       Header
	ParentHeader Header
	Metadata     json.RawMessage
	Content      json.RawMessage
	Buffers      [][]byte
	// Received is when the [Client] read the message off its socket, by
	// the local clock (zero for messages not received by a Client). Kernels
	// may date their headers to the second only (GoNB does); Received has
	// the local clock's resolution.
	Received time.Time
}

// NewMessage returns a message of type msgType in session with a fresh
// msg_id, the current time and content marshalled to JSON. It panics if
// content cannot be marshalled (a programmer error).
func NewMessage(session, msgType string, content any) *Message {
	c, err := json.Marshal(content)
	if err != nil {
		panic(fmt.Sprintf("jupyter: marshal %s content: %v", msgType, err))
	}
	return &Message{
		Header: Header{
			MsgID:    NewID(),
			Session:  session,
			Username: "deepnb",
			Date:     time.Now().UTC().Format(TimeFormat),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Content: c,
	}
}

// Decode unmarshals the message content into v.
func (m *Message) Decode(v any) error {
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("jupyter: decode %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// NewID returns a random UUID-4 string, as used for msg_id and session.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("jupyter: crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// NewKey returns a fresh random signing key: 64 hex digits (256 bits).
func NewKey() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("jupyter: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Sign returns the hex HMAC-SHA256 of the frames under key, the signature of
// the wire protocol (frames are header, parent_header, metadata, content).
// An empty key means signing is disabled and Sign returns "".
func Sign(key []byte, frames ...[]byte) string {
	if len(key) == 0 {
		return ""
	}
	mac := hmac.New(sha256.New, key)
	for _, f := range frames {
		mac.Write(f)
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// Frames serializes m into signed wire frames:
// identities, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers.
func (m *Message) Frames(key []byte) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, err
	}
	parent := []byte("{}")
	if m.ParentHeader != (Header{}) {
		if parent, err = json.Marshal(m.ParentHeader); err != nil {
			return nil, err
		}
	}
	meta := []byte(m.Metadata)
	if len(meta) == 0 {
		meta = []byte("{}")
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter), []byte(Sign(key, header, parent, meta, content)), header, parent, meta, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// ParseFrames decodes wire frames into a message, verifying the signature
// under key (unless key is empty). A signature mismatch returns an error
// wrapping [ErrBadSignature].
func ParseFrames(frames [][]byte, key []byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], []byte(Delimiter)) {
		i++
	}
	if i == len(frames) {
		return nil, fmt.Errorf("jupyter: malformed message: no %s delimiter in %d frames", Delimiter, len(frames))
	}
	if len(frames) < i+6 {
		return nil, fmt.Errorf("jupyter: malformed message: %d frames after the delimiter, want at least 5", len(frames)-i-1)
	}
	sig, header, parent, meta, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if len(key) > 0 {
		want := Sign(key, header, parent, meta, content)
		got := make([]byte, hex.DecodedLen(len(sig)))
		if _, err := hex.Decode(got, sig); err != nil {
			return nil, fmt.Errorf("%w: signature %.16q is not hex", ErrBadSignature, sig)
		}
		w, _ := hex.DecodeString(want)
		if !hmac.Equal(got, w) {
			return nil, ErrBadSignature
		}
	}
	m := &Message{Identities: frames[:i], Metadata: meta, Content: content}
	if i+6 < len(frames) {
		m.Buffers = frames[i+6:]
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("jupyter: malformed header: %w", err)
	}
	if err := json.Unmarshal(parent, &m.ParentHeader); err != nil {
		return nil, fmt.Errorf("jupyter: malformed parent_header: %w", err)
	}
	return m, nil
}
