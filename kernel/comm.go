package kernel

import (
	"encoding/json"

	"github.com/dcem-go/dcem/kernel/wire"
)

// EchoTarget is the name of a built-in comm target that sends every message
// it receives back to the front end, for testing front ends and the comm
// plumbing.
const EchoTarget = "dcem.echo"

// CommTarget handles the comms that front ends open for one target name.
type CommTarget interface {
	// Open is called on comm_open with the message data.
	Open(c *Comm, data json.RawMessage)
	// Message is called on each comm_msg.
	Message(c *Comm, data json.RawMessage)
	// Closed is called when the front end closes the comm.
	Closed(c *Comm, data json.RawMessage)
}

// Comm is one open comm between the kernel and a front end.
type Comm struct {
	ID, Target string
	k          *Kernel
	parent     *wire.Message
}

// Send sends a comm_msg with data to the front end.
func (c *Comm) Send(data any) {
	c.k.publish("comm_msg", c.parent, map[string]any{"comm_id": c.ID, "data": data})
}

// Close closes the comm from the kernel's side.
func (c *Comm) Close(data any) {
	c.k.commMu.Lock()
	delete(c.k.comms, c.ID)
	c.k.commMu.Unlock()
	c.k.publish("comm_close", c.parent, map[string]any{"comm_id": c.ID, "data": data})
}

// RegisterCommTarget makes t handle comms opened for target name.
func (k *Kernel) RegisterCommTarget(name string, t CommTarget) {
	k.commMu.Lock()
	k.targets[name] = t
	k.commMu.Unlock()
}

type commContent struct {
	CommID     string          `json:"comm_id"`
	TargetName string          `json:"target_name"`
	Data       json.RawMessage `json:"data"`
}

func (k *Kernel) commOpen(m *wire.Message) {
	var c commContent
	if err := m.Decode(&c); err != nil || c.CommID == "" {
		k.log.Printf("comm_open: bad content: %v", err)
		return
	}
	k.commMu.Lock()
	t, ok := k.targets[c.TargetName]
	if ok {
		k.comms[c.CommID] = c.TargetName
	}
	k.commMu.Unlock()
	comm := &Comm{ID: c.CommID, Target: c.TargetName, k: k, parent: m}
	if !ok {
		k.log.Printf("comm_open: no target %q", c.TargetName)
		k.publish("comm_close", m, map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
		return
	}
	t.Open(comm, c.Data)
}

func (k *Kernel) commFor(m *wire.Message) (*Comm, CommTarget, json.RawMessage) {
	var c commContent
	if err := m.Decode(&c); err != nil {
		k.log.Printf("%s: bad content: %v", m.Header.MsgType, err)
		return nil, nil, nil
	}
	k.commMu.Lock()
	defer k.commMu.Unlock()
	target, ok := k.comms[c.CommID]
	if !ok {
		k.log.Printf("%s: no comm %q", m.Header.MsgType, c.CommID)
		return nil, nil, nil
	}
	return &Comm{ID: c.CommID, Target: target, k: k, parent: m}, k.targets[target], c.Data
}

func (k *Kernel) commMsg(m *wire.Message) {
	if c, t, data := k.commFor(m); c != nil {
		t.Message(c, data)
	}
}

func (k *Kernel) commClose(m *wire.Message) {
	c, t, data := k.commFor(m)
	if c == nil {
		return
	}
	k.commMu.Lock()
	delete(k.comms, c.ID)
	k.commMu.Unlock()
	t.Closed(c, data)
}

func (k *Kernel) commInfo(m *wire.Message) {
	var req struct {
		TargetName string `json:"target_name"`
	}
	m.Decode(&req)
	comms := map[string]any{}
	k.commMu.Lock()
	for id, target := range k.comms {
		if req.TargetName == "" || req.TargetName == target {
			comms[id] = map[string]any{"target_name": target}
		}
	}
	k.commMu.Unlock()
	k.reply(k.shell, m, "comm_info_reply", map[string]any{"status": "ok", "comms": comms})
}

// echoTarget answers each message with the same data.
type echoTarget struct{}

func (echoTarget) Open(c *Comm, data json.RawMessage) {
	c.Send(map[string]any{"opened": data})
}

func (echoTarget) Message(c *Comm, data json.RawMessage) {
	c.Send(data)
}

func (echoTarget) Closed(*Comm, json.RawMessage) {}
