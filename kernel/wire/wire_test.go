package wire

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSignMatchesPythonHMAC(t *testing.T) {
	// Reference computed with Python's hmac.new(b"secret", ..., hashlib.sha256).
	const want = "0aade2b613919c135b3893a0875ca7c0efb0b38bd72ef786605464553b3a23e6"
	c := NewCodec([]byte("secret"), "s")
	got := c.Sign([]byte(`{"a":1}`), []byte("{}"), []byte("{}"), []byte(`{"code":"1+1"}`))
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	if NewCodec(nil, "s").Sign([]byte("x"), nil, nil, nil) != "" {
		t.Fatal("Sign without a key must be empty")
	}
}

func TestRoundTrip(t *testing.T) {
	c := NewCodec([]byte("k"), "session-1")
	req, err := c.New("execute_request", nil, map[string]any{"code": "1+1"})
	if err != nil {
		t.Fatal(err)
	}
	req.Identities = [][]byte{[]byte("client")}
	frames, err := c.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header != req.Header {
		t.Errorf("header = %+v, want %+v", got.Header, req.Header)
	}
	if len(got.Identities) != 1 || string(got.Identities[0]) != "client" {
		t.Errorf("identities = %q", got.Identities)
	}
	var content struct{ Code string }
	if err := got.Decode(&content); err != nil || content.Code != "1+1" {
		t.Errorf("content = %+v, %v", content, err)
	}
	reply, _ := c.New("execute_reply", got, map[string]any{"status": "ok"})
	if reply.Parent != got.Header || string(reply.Identities[0]) != "client" {
		t.Errorf("reply does not answer its parent: %+v", reply)
	}
	if reply.Header.Version != ProtocolVersion || reply.Header.Session != "session-1" {
		t.Errorf("reply header = %+v", reply.Header)
	}
}

func TestDecodeRejectsBadSignatures(t *testing.T) {
	c := NewCodec([]byte("right"), "s")
	m, _ := c.New("kernel_info_request", nil, map[string]any{})
	frames, _ := c.Encode(m)
	sigAt := 1 // no identities: delimiter at 0

	forged := NewCodec([]byte("wrong"), "s")
	ff, _ := forged.Encode(m)
	if _, err := c.Decode(ff); !errors.Is(err, ErrSignature) {
		t.Errorf("wrong key: err = %v, want ErrSignature", err)
	}

	missing := append([][]byte(nil), frames...)
	missing[sigAt] = nil
	if _, err := c.Decode(missing); !errors.Is(err, ErrSignature) {
		t.Errorf("missing signature: err = %v, want ErrSignature", err)
	}

	tampered := append([][]byte(nil), frames...)
	tampered[sigAt+4] = []byte(`{"evil":true}`)
	if _, err := c.Decode(tampered); !errors.Is(err, ErrSignature) {
		t.Errorf("tampered content: err = %v, want ErrSignature", err)
	}

	if _, err := c.Decode(frames); err != nil {
		t.Errorf("good message rejected: %v", err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	c := NewCodec(nil, "s")
	cases := map[string][][]byte{
		"no delimiter": {[]byte("a"), []byte("b")},
		"too short":    {delimiter, []byte(""), []byte("{}")},
		"bad header":   {delimiter, nil, []byte("{"), []byte("{}"), []byte("{}"), []byte("{}")},
		"no msg_type":  {delimiter, nil, []byte(`{"msg_id":"x"}`), []byte("{}"), []byte("{}"), []byte("{}")},
		"bad content":  {delimiter, nil, []byte(`{"msg_type":"x"}`), []byte("{}"), []byte("{}"), []byte("{")},
	}
	for name, frames := range cases {
		if _, err := c.Decode(frames); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestEncodeEmptyParentIsEmptyObject(t *testing.T) {
	c := NewCodec(nil, "s")
	m, _ := c.New("status", nil, map[string]string{"execution_state": "idle"})
	frames, _ := c.Encode(m)
	if !bytes.Equal(frames[3], []byte("{}")) || !bytes.Equal(frames[4], []byte("{}")) {
		t.Errorf("parent, metadata = %s, %s; want {} {}", frames[3], frames[4])
	}
}

func TestReadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{"transport":"tcp","ip":"127.0.0.1","shell_port":5001,"control_port":5002,
		"iopub_port":5003,"stdin_port":5004,"hb_port":5005,"key":"abc","signature_scheme":"hmac-sha256"}`), 0o600)
	ci, err := ReadConnectionFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := ci.Endpoint(ci.ShellPort); got != "tcp://127.0.0.1:5001" {
		t.Errorf("Endpoint = %s", got)
	}
	bad := map[string]string{
		"port":   `{"transport":"tcp","ip":"127.0.0.1","shell_port":0,"control_port":1,"iopub_port":1,"stdin_port":1,"hb_port":1,"signature_scheme":"hmac-sha256"}`,
		"scheme": `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"control_port":1,"iopub_port":1,"stdin_port":1,"hb_port":1,"signature_scheme":"hmac-md5"}`,
		"json":   `{"transport":`,
	}
	for name, text := range bad {
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, []byte(text), 0o600)
		if _, err := ReadConnectionFile(p); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestNewIDIsUUID4(t *testing.T) {
	id := NewID()
	if len(id) != 36 || id[14] != '4' || strings.Count(id, "-") != 4 {
		t.Errorf("NewID = %q", id)
	}
	if NewID() == id {
		t.Error("two ids are equal")
	}
}

func BenchmarkEncodeDecode1KB(b *testing.B) {
	c := NewCodec([]byte("0123456789abcdef0123456789abcdef"), "s")
	m, _ := c.New("stream", nil, map[string]string{"name": "stdout", "text": strings.Repeat("x", 1024)})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		frames, _ := c.Encode(m)
		if _, err := c.Decode(frames); err != nil {
			b.Fatal(err)
		}
	}
}
