package widgets

import (
	"encoding/json"
	"sync"
	"testing"
)

// sent is one message a fakeTransport recorded, decoded back from JSON as
// a kernel would put it on the wire.
type sent struct {
	kind     string // "open", "msg" or "close"
	id       string
	target   string
	data     map[string]any
	metadata map[string]any
	buffers  [][]byte
}

// fakeTransport records what the widgets send.
type fakeTransport struct {
	mu   sync.Mutex
	msgs []sent
}

func roundTrip(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

func (f *fakeTransport) OpenComm(id, target string, data any, md map[string]any, bufs [][]byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, sent{"open", id, target, roundTrip(data), roundTrip(md), bufs})
	return nil
}

func (f *fakeTransport) SendComm(id string, data any, md map[string]any, bufs [][]byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, sent{kind: "msg", id: id, data: roundTrip(data), metadata: roundTrip(md), buffers: bufs})
	return nil
}

func (f *fakeTransport) CloseComm(id string, data any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, sent{kind: "close", id: id, data: roundTrip(data)})
	return nil
}

// take returns the messages recorded since the last call.
func (f *fakeTransport) take() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.msgs
	f.msgs = nil
	return out
}

// setup makes a fresh default manager with a fake transport for one test.
func setup(t *testing.T, d Dialect) (*Manager, *fakeTransport) {
	t.Helper()
	ft := &fakeTransport{}
	m := NewManager(ft)
	m.SetDialect(d)
	old := SetDefault(m)
	t.Cleanup(func() { SetDefault(old) })
	return m, ft
}

// frontend sends a comm_msg from the front end with data.
func frontend(t *testing.T, m *Manager, id string, data any, bufs ...[]byte) {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.HandleMessage(Message{CommID: id, Data: raw, Buffers: bufs}); err != nil {
		t.Fatal(err)
	}
}
