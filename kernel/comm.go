package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"time"

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

// CommMessage is a comm message from the front end (comm_open, comm_msg or
// comm_close) that the kernel hands to a CommRelay.
type CommMessage struct {
	// ID is the comm_id; Target the target_name (comm_open only).
	ID, Target string
	// Data is the content's data.
	Data json.RawMessage
	// Metadata is the message's metadata.
	Metadata map[string]any
	// Buffers are the message's binary buffers.
	Buffers [][]byte
}

// CommRelay is implemented by an Interpreter that serves comms itself:
// the worker process, whose widgets own their comms. Comm messages for
// targets not registered with RegisterCommTarget, and for comms that such
// targets did not open, go to the relay, each with a busy and an idle
// status around it. While the relay handles a message, what the
// interpreter prints, shows and sends on comms has that message as its
// parent.
type CommRelay interface {
	// HandleCommOpen handles a comm_open; false means no such target, and
	// the kernel closes the comm.
	HandleCommOpen(ctx context.Context, msg CommMessage) (handled bool, err error)
	// HandleCommMsg handles a comm_msg.
	HandleCommMsg(ctx context.Context, msg CommMessage) error
	// HandleCommClose handles a comm_close.
	HandleCommClose(ctx context.Context, msg CommMessage) error
	// CommInfo lists the open comms, id → target name, of target (all
	// when target is empty), for comm_info_reply.
	CommInfo(ctx context.Context, target string) (map[string]string, error)
}

// ObserverError is the error of a comm message whose handler in the
// interpreter (a widget's observer) failed, or that the interpreter
// refused (a widget update with a value of the wrong type); the kernel
// shows it on the standard error stream of the message's output (the
// front end shows it under the widget's cell), as well as logging it.
type ObserverError struct {
	// Text describes the failure (the panic and where it happened).
	Text string
}

func (e *ObserverError) Error() string { return e.Text }

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
	if ok {
		t.Open(comm, c.Data)
		return
	}
	if r := k.relay(); r != nil {
		handled := false
		k.relayed(m, func(ctx context.Context) error {
			var err error
			handled, err = r.HandleCommOpen(ctx, commMessage(m, c))
			return err
		})
		if handled {
			return
		}
	}
	k.log.Printf("comm_open: no target %q", c.TargetName)
	k.publish("comm_close", m, map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
}

func commMessage(m *wire.Message, c commContent) CommMessage {
	return CommMessage{ID: c.CommID, Target: c.TargetName, Data: c.Data, Metadata: m.Metadata, Buffers: m.Buffers}
}

// relay returns the interpreter's comm relay, if it has one.
func (k *Kernel) relay() CommRelay {
	r, _ := k.opts.Interpreter.(CommRelay)
	return r
}

// relayed runs f, which hands comm message m to the relay, with m as the
// parent of what is published meanwhile and a context that an interrupt
// cancels. An error is logged; an ObserverError is also shown on the
// standard error stream, as the output of m.
func (k *Kernel) relayed(m *wire.Message, f func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k.runMu.Lock()
	k.cancel = cancel
	k.parent = m
	k.outputParent = ""
	k.runMu.Unlock()
	defer func() {
		k.runMu.Lock()
		k.cancel = nil
		k.runMu.Unlock()
	}()
	err := f(ctx)
	k.flushStreams()
	if err == nil {
		return
	}
	k.log.Printf("%s: %v", m.Header.MsgType, err)
	var oe *ObserverError
	if errors.As(err, &oe) {
		k.stderr.Write([]byte(oe.Error() + "\n"))
		k.flushStreams()
	}
}

func (k *Kernel) commFor(m *wire.Message) (*Comm, CommTarget, commContent, bool) {
	var c commContent
	if err := m.Decode(&c); err != nil {
		k.log.Printf("%s: bad content: %v", m.Header.MsgType, err)
		return nil, nil, c, false
	}
	k.commMu.Lock()
	defer k.commMu.Unlock()
	target, ok := k.comms[c.CommID]
	if !ok {
		return nil, nil, c, true
	}
	return &Comm{ID: c.CommID, Target: target, k: k, parent: m}, k.targets[target], c, true
}

func (k *Kernel) commMsg(m *wire.Message) {
	c, t, content, ok := k.commFor(m)
	switch {
	case !ok:
	case c != nil:
		t.Message(c, content.Data)
	case k.relay() != nil:
		k.relayed(m, func(ctx context.Context) error { return k.relay().HandleCommMsg(ctx, commMessage(m, content)) })
	default:
		k.log.Printf("comm_msg: no comm %q", content.CommID)
	}
}

func (k *Kernel) commClose(m *wire.Message) {
	c, t, content, ok := k.commFor(m)
	switch {
	case !ok:
	case c != nil:
		k.commMu.Lock()
		delete(k.comms, c.ID)
		k.commMu.Unlock()
		t.Closed(c, content.Data)
	case k.relay() != nil:
		k.relayed(m, func(ctx context.Context) error { return k.relay().HandleCommClose(ctx, commMessage(m, content)) })
	default:
		k.log.Printf("comm_close: no comm %q", content.CommID)
	}
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
	if r := k.relay(); r != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		open, err := r.CommInfo(ctx, req.TargetName)
		cancel()
		if err != nil {
			k.log.Printf("comm_info: %v", err)
		}
		for id, target := range open {
			comms[id] = map[string]any{"target_name": target}
		}
	}
	k.reply(k.shell, m, "comm_info_reply", map[string]any{"status": "ok", "comms": comms})
}

// OpenComm publishes a comm_open that the kernel's side starts, as a
// child of the request being handled. With the kernel's SendComm and
// CloseComm it carries the messages of comms that live in the
// interpreter (the widgets of a worker process).
func (k *Kernel) OpenComm(id, target string, data any, metadata map[string]any, buffers [][]byte) error {
	if data == nil {
		data = map[string]any{}
	}
	return k.publishWith("comm_open", k.currentParent(), map[string]any{"comm_id": id, "target_name": target, "data": data}, metadata, buffers)
}

// SendComm publishes a comm_msg on comm id.
func (k *Kernel) SendComm(id string, data any, metadata map[string]any, buffers [][]byte) error {
	if data == nil {
		data = map[string]any{}
	}
	return k.publishWith("comm_msg", k.currentParent(), map[string]any{"comm_id": id, "data": data}, metadata, buffers)
}

// CloseComm publishes a comm_close for comm id.
func (k *Kernel) CloseComm(id string, data any) error {
	if data == nil {
		data = map[string]any{}
	}
	return k.publishWith("comm_close", k.currentParent(), map[string]any{"comm_id": id, "data": data}, nil, nil)
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
