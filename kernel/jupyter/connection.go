package jupyter

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
)

// ConnectionInfo is the content of a kernel connection file
// (https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files).
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"`
	Key             string `json:"key"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// NewConnectionInfo returns connection info for a kernel on five free TCP
// ports of 127.0.0.1, signed with HMAC-SHA256 under a fresh random key.
func NewConnectionInfo() (*ConnectionInfo, error) {
	var ports [5]int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("jupyter: find a free loopback port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return &ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		ShellPort:       ports[0],
		IOPubPort:       ports[1],
		StdinPort:       ports[2],
		ControlPort:     ports[3],
		HBPort:          ports[4],
		SignatureScheme: "hmac-sha256",
		Key:             NewKey(),
	}, nil
}

// Addr returns the ZeroMQ endpoint of port, e.g. "tcp://127.0.0.1:5555".
func (ci *ConnectionInfo) Addr(port int) string {
	return fmt.Sprintf("%s://%s:%d", ci.Transport, ci.IP, port)
}

// WriteFile writes the connection file at path, readable by its owner only
// (it holds the signing key).
func (ci *ConnectionInfo) WriteFile(path string) error {
	b, err := json.MarshalIndent(ci, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("jupyter: write connection file: %w", err)
	}
	return nil
}

// ReadConnectionInfo reads a connection file.
func ReadConnectionInfo(path string) (*ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ci := new(ConnectionInfo)
	if err := json.Unmarshal(b, ci); err != nil {
		return nil, fmt.Errorf("jupyter: connection file %s: %w", path, err)
	}
	if ci.SignatureScheme != "" && ci.SignatureScheme != "hmac-sha256" {
		return nil, fmt.Errorf("jupyter: connection file %s: unsupported signature_scheme %q", path, ci.SignatureScheme)
	}
	return ci, nil
}
