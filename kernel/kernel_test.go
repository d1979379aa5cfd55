package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/wire"
)

// fakeInterp runs a tiny command language, so that the message loop can be
// tested without the Go interpreter.
type fakeInterp struct {
	k     *Kernel
	mu    sync.Mutex
	codes []string
}

type fakeErr struct{ name string }

func (e fakeErr) Error() string { return e.name }
func (e fakeErr) Parts() (string, string, []string) {
	return e.name, "it failed", []string{"line 1"}
}

func (f *fakeInterp) Execute(ctx context.Context, code string) (display.Bundle, error) {
	f.mu.Lock()
	f.codes = append(f.codes, code)
	f.mu.Unlock()
	switch code {
	case "print":
		fmt.Fprint(f.k.Stdout(), "hello")
		return nil, nil
	case "value":
		return display.Bundle{"text/plain": "42"}, nil
	case "widget":
		return display.Bundle{"text/plain": "", widgetViewMIME: map[string]any{"model_id": "m1"}}, nil
	case "fail":
		return nil, fakeErr{"Boom"}
	case "panic":
		panic("fake interpreter panics")
	case "block":
		<-ctx.Done()
		return nil, fakeErr{"Interrupted"}
	}
	return nil, nil
}

func (f *fakeInterp) ran() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.codes...)
}

func (f *fakeInterp) Complete(code string, cursor int) ([]string, int, int) {
	return []string{"Println"}, cursor - 2, cursor
}
func (f *fakeInterp) Inspect(code string, cursor int) (string, bool) { return "doc of " + code, true }
func (f *fakeInterp) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "\t"
	}
	return "complete", ""
}

func freePorts(t testing.TB, n int) []int {
	var ports []int
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

type client struct {
	t              testing.TB
	codec          *wire.Codec
	shell, control zmq4.Socket
	iopub          zmq4.Socket
	queues         map[zmq4.Socket]chan *wire.Message
}

func (c *client) send(s zmq4.Socket, codec *wire.Codec, msgType string, content any) string {
	c.t.Helper()
	m, err := codec.New(msgType, nil, content)
	if err != nil {
		c.t.Fatal(err)
	}
	frames, err := codec.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return m.Header.MsgID
}

// recv reads one message from s within d.
func (c *client) recv(s zmq4.Socket, d time.Duration) (*wire.Message, error) {
	select {
	case m := <-c.queues[s]:
		return m, nil
	case <-time.After(d):
		return nil, fmt.Errorf("nothing within %v", d)
	}
}

// listen queues the messages that arrive on s.
func (c *client) listen(s zmq4.Socket) {
	q := make(chan *wire.Message, 100)
	c.queues[s] = q
	go func() {
		for {
			raw, err := s.Recv()
			if err != nil {
				return
			}
			m, err := c.codec.Decode(raw.Frames)
			if err != nil {
				continue
			}
			q <- m
		}
	}()
}

// iopubUntilIdle returns the iopub message types of request id, up to idle.
func (c *client) iopubUntilIdle(id string) []*wire.Message {
	c.t.Helper()
	var out []*wire.Message
	for {
		m, err := c.recv(c.iopub, 5*time.Second)
		if err != nil {
			c.t.Fatalf("iopub: %v (so far %d messages)", err, len(out))
		}
		if m.Parent.MsgID != id {
			continue
		}
		out = append(out, m)
		if m.Header.MsgType == "status" && strings.Contains(string(m.Content), "idle") {
			return out
		}
	}
}

func types(ms []*wire.Message) string {
	var ts []string
	for _, m := range ms {
		t := m.Header.MsgType
		if t == "status" {
			var st struct {
				ExecutionState string `json:"execution_state"`
			}
			json.Unmarshal(m.Content, &st)
			t = st.ExecutionState
		}
		ts = append(ts, t)
	}
	return strings.Join(ts, " ")
}

func startKernel(t testing.TB) (*Kernel, *fakeInterp, *client, chan bool) {
	t.Helper()
	ports := freePorts(t, 5)
	conn := &wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: ports[0], ControlPort: ports[1],
		IOPubPort: ports[2], StdinPort: ports[3], HBPort: ports[4], Key: "secret", SignatureScheme: "hmac-sha256"}
	fi := &fakeInterp{}
	k, err := New(conn, Options{Interpreter: fi, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	fi.k = k
	done := make(chan bool, 1)
	go func() {
		restart, _ := k.Run(context.Background())
		done <- restart
	}()
	ctx := context.Background()
	c := &client{t: t, codec: wire.NewCodec([]byte("secret"), "client-session"), queues: map[zmq4.Socket]chan *wire.Message{}}
	c.shell = zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("client-shell")))
	c.control = zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("client-control")))
	c.iopub = zmq4.NewSub(ctx)
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, ports[0]}, {c.control, ports[1]}, {c.iopub, ports[2]}} {
		if err := d.s.Dial(conn.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	c.iopub.SetOption(zmq4.OptionSubscribe, "")
	for _, s := range []zmq4.Socket{c.shell, c.control, c.iopub} {
		c.listen(s)
	}
	t.Cleanup(func() {
		c.shell.Close()
		c.control.Close()
		c.iopub.Close()
	})
	// Wait until the subscription is live: send kernel_info until iopub
	// carries a status of any of them.
	deadline := time.Now().Add(20 * time.Second)
	sent := map[string]bool{}
	for live := false; !live; {
		sent[c.send(c.shell, c.codec, "kernel_info_request", map[string]any{})] = true
		if _, err := c.recv(c.shell, 5*time.Second); err != nil {
			t.Fatalf("kernel_info: %v", err)
		}
		for {
			m, err := c.recv(c.iopub, 200*time.Millisecond)
			if err != nil {
				break
			}
			if sent[m.Parent.MsgID] {
				live = true
			}
		}
		if !live && time.Now().After(deadline) {
			t.Fatal("iopub never delivered a status")
		}
	}
	return k, fi, c, done
}

func execReq(code string) map[string]any {
	return map[string]any{"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false}
}

func TestExecuteMessages(t *testing.T) {
	_, _, c, _ := startKernel(t)
	id := c.send(c.shell, c.codec, "execute_request", execReq("print"))
	reply, err := c.recv(c.shell, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Header.MsgType != "execute_reply" || reply.Parent.MsgID != id || reply.Header.Version != "5.3" {
		t.Fatalf("reply = %+v", reply.Header)
	}
	if got := types(c.iopubUntilIdle(id)); got != "busy execute_input stream idle" {
		t.Errorf("iopub = %s", got)
	}

	id = c.send(c.shell, c.codec, "execute_request", execReq("value"))
	reply, _ = c.recv(c.shell, 5*time.Second)
	var content struct {
		Status         string `json:"status"`
		ExecutionCount int    `json:"execution_count"`
	}
	json.Unmarshal(reply.Content, &content)
	if content.Status != "ok" || content.ExecutionCount != 2 {
		t.Errorf("reply content = %s", reply.Content)
	}
	if got := types(c.iopubUntilIdle(id)); got != "busy execute_input execute_result idle" {
		t.Errorf("iopub = %s", got)
	}
	// A widget view as the cell's value is display_data, which the
	// classic notebook shows again after a reload.
	id = c.send(c.shell, c.codec, "execute_request", execReq("widget"))
	c.recv(c.shell, 5*time.Second)
	if got := types(c.iopubUntilIdle(id)); got != "busy execute_input display_data idle" {
		t.Errorf("widget view: iopub = %s", got)
	}

	for _, code := range []string{"fail", "panic"} {
		id = c.send(c.shell, c.codec, "execute_request", execReq(code))
		reply, _ = c.recv(c.shell, 5*time.Second)
		if !strings.Contains(string(reply.Content), `"status":"error"`) {
			t.Errorf("%s: reply = %s", code, reply.Content)
		}
		if got := types(c.iopubUntilIdle(id)); got != "busy execute_input error idle" {
			t.Errorf("%s: iopub = %s", code, got)
		}
	}
}

func TestBadSignatureIsDropped(t *testing.T) {
	_, fi, c, _ := startKernel(t)
	forged := wire.NewCodec([]byte("wrong"), "intruder")
	c.send(c.shell, forged, "execute_request", execReq("forged"))
	c.send(c.shell, wire.NewCodec(nil, "unsigned"), "execute_request", execReq("unsigned"))
	if m, err := c.recv(c.shell, 500*time.Millisecond); err == nil {
		t.Fatalf("got a reply to a forged message: %s", m.Header.MsgType)
	}
	c.send(c.shell, c.codec, "execute_request", execReq("good"))
	if _, err := c.recv(c.shell, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(fi.ran(), ","); got != "good" {
		t.Errorf("ran %q, want only the signed cell", got)
	}
}

func TestInterruptAndShutdown(t *testing.T) {
	_, _, c, done := startKernel(t)
	id := c.send(c.shell, c.codec, "execute_request", execReq("block"))
	time.Sleep(100 * time.Millisecond)
	c.send(c.control, c.codec, "interrupt_request", map[string]any{})
	if m, err := c.recv(c.control, 5*time.Second); err != nil || m.Header.MsgType != "interrupt_reply" {
		t.Fatalf("interrupt reply: %v %v", m, err)
	}
	reply, err := c.recv(c.shell, 5*time.Second)
	if err != nil || reply.Parent.MsgID != id || !strings.Contains(string(reply.Content), "Interrupted") {
		t.Fatalf("execute reply after interrupt: %v %v", reply, err)
	}

	c.send(c.shell, c.codec, "complete_request", map[string]any{"code": "fmt.Pr", "cursor_pos": 6})
	reply, _ = c.recv(c.shell, 5*time.Second)
	if !strings.Contains(string(reply.Content), `"cursor_start":4`) {
		t.Errorf("complete_reply = %s", reply.Content)
	}
	c.send(c.shell, c.codec, "is_complete_request", map[string]any{"code": "for {"})
	reply, _ = c.recv(c.shell, 5*time.Second)
	if !strings.Contains(string(reply.Content), `"incomplete"`) || !strings.Contains(string(reply.Content), `"indent"`) {
		t.Errorf("is_complete_reply = %s", reply.Content)
	}

	c.send(c.control, c.codec, "shutdown_request", map[string]any{"restart": true})
	if m, err := c.recv(c.control, 5*time.Second); err != nil || m.Header.MsgType != "shutdown_reply" {
		t.Fatalf("shutdown reply: %v %v", m, err)
	}
	select {
	case restart := <-done:
		if !restart {
			t.Error("Run did not report the restart")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
}
