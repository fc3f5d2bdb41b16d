package jupyterhttp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
)

// serverFrame encodes a frame as a server sends it (unmasked unless mask is given).
func serverFrame(fin bool, op byte, payload []byte, mask []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	m := byte(0)
	if mask != nil {
		m = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		out = append(out, m|byte(n))
	case n <= 0xFFFF:
		out = append(out, m|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, m|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	if mask != nil {
		out = append(out, mask...)
		p := bytes.Clone(payload)
		for i := range p {
			p[i] ^= mask[i%4]
		}
		return append(out, p...)
	}
	return append(out, payload...)
}

// readClientFrame decodes one masked client frame.
func readClientFrame(t *testing.T, r io.Reader) (op byte, payload []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatal(err)
	}
	if h[1]&0x80 == 0 {
		t.Fatal("client frame is not masked")
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var b [2]byte
		io.ReadFull(r, b[:])
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		io.ReadFull(r, b[:])
		n = binary.BigEndian.Uint64(b[:])
	}
	var mask [4]byte
	io.ReadFull(r, mask[:])
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		t.Fatal(err)
	}
	for i := range payload {
		payload[i] ^= mask[i%4]
	}
	return h[0] & 0x0F, payload
}

// TestWebSocketFrames checks the client's framing against RFC 6455: masked writes of each length
// encoding, fragmented and masked reads joined, pings answered with pongs, a close reported.
func TestWebSocketFrames(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	c := &wsConn{conn: client, r: bufio.NewReader(client)}

	for _, n := range []int{5, 300, 70000} {
		msg := bytes.Repeat([]byte{'x'}, n)
		go c.writeFrame(opText, msg)
		op, got := readClientFrame(t, server)
		if op != opText || !bytes.Equal(got, msg) {
			t.Errorf("write of %d bytes: server read op %d, %d bytes", n, op, len(got))
		}
	}

	big := bytes.Repeat([]byte("0123456789"), 7000)
	go func() {
		server.Write(serverFrame(false, opText, []byte(`{"a":`), nil))
		server.Write(serverFrame(true, opPing, []byte("hi"), nil))
		server.Write(serverFrame(true, opContinuation, []byte(`1}`), []byte{1, 2, 3, 4}))
		server.Write(serverFrame(true, opBinary, big, nil))
		server.Write(serverFrame(true, opClose, nil, nil))
	}()
	pong := make(chan []byte, 1)
	readErr := make(chan error, 1)
	go func() {
		op, p := readClientFrame(t, server)
		if op != opPong {
			readErr <- io.ErrUnexpectedEOF
			return
		}
		pong <- p
		readClientFrame(t, server) // the close echo
		readErr <- nil
	}()

	op, msg, err := c.readMessage()
	if err != nil || op != opText || string(msg) != `{"a":1}` {
		t.Fatalf("fragmented message: op %d %q %v, want text {\"a\":1}", op, msg, err)
	}
	if p := <-pong; string(p) != "hi" {
		t.Errorf("pong payload %q, want hi", p)
	}
	op, msg, err = c.readMessage()
	if err != nil || op != opBinary || !bytes.Equal(msg, big) {
		t.Fatalf("64-bit length frame: op %d, %d bytes, %v", op, len(msg), err)
	}
	if _, _, err := c.readMessage(); err != errClosed {
		t.Errorf("after a close frame: %v, want errClosed", err)
	}
	if err := <-readErr; err != nil {
		t.Error("the client did not answer the ping with a pong")
	}
}
