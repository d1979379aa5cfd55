// Package wire is the transport layer of the dcem Jupyter kernel: it reads
// connection files, and encodes, signs, verifies and decodes the multipart
// messages of the Jupyter messaging protocol (version 5.3).
//
// Nothing here knows about sockets or the Go interpreter; the message loop in
// package kernel and the tests use it alone.
package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ConnectionInfo is the content of a Jupyter connection file: where the five
// sockets bind and how messages are signed.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates the connection file at path.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("connection file: %w", err)
	}
	var ci ConnectionInfo
	if err := json.Unmarshal(b, &ci); err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	if err := ci.Validate(); err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	return &ci, nil
}

// Validate reports the first problem with the connection information: an
// unknown transport or signature scheme, a missing address or a port out of
// range.
func (ci *ConnectionInfo) Validate() error {
	switch ci.Transport {
	case "tcp":
		for _, p := range []struct {
			name string
			port int
		}{{"shell_port", ci.ShellPort}, {"control_port", ci.ControlPort}, {"iopub_port", ci.IOPubPort}, {"stdin_port", ci.StdinPort}, {"hb_port", ci.HBPort}} {
			if p.port <= 0 || p.port > 65535 {
				return fmt.Errorf("%s is %d, want 1..65535", p.name, p.port)
			}
		}
	case "ipc":
	default:
		return fmt.Errorf("transport %q is not supported (want tcp or ipc)", ci.Transport)
	}
	if ci.IP == "" {
		return errors.New("ip is empty")
	}
	switch ci.SignatureScheme {
	case "hmac-sha256":
	case "":
		if ci.Key != "" {
			return errors.New("key is set but signature_scheme is empty")
		}
	default:
		return fmt.Errorf("signature_scheme %q is not supported (want hmac-sha256)", ci.SignatureScheme)
	}
	return nil
}

// Endpoint returns the ZeroMQ address of the socket on port: tcp://ip:port, or
// ipc://ip-port for the ipc transport.
func (ci *ConnectionInfo) Endpoint(port int) string {
	if ci.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", ci.IP, port)
	}
	ip := ci.IP
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("tcp://%s:%d", ip, port)
}
