package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/wire"
)

// Interpreter is the language layer the message loop drives.
type Interpreter interface {
	// Execute runs a cell and returns its final value as a MIME bundle
	// (nil for none) or an error; errors with a Parts method give the
	// name, value and traceback shown to the user.
	Execute(ctx context.Context, code string) (display.Bundle, error)
	// Complete returns the completions of the identifier that ends at
	// cursor (a rune offset), and the rune range that they replace.
	Complete(code string, cursor int) (matches []string, start, end int)
	// Inspect returns the documentation of the name at cursor.
	Inspect(code string, cursor int) (doc string, found bool)
	// IsComplete says whether code is "complete", "incomplete" (with the
	// indent of the next line) or "invalid".
	IsComplete(code string) (status, indent string)
}

// History stores executed cells, across kernel restarts.
type History interface {
	// Append records one cell of the current session.
	Append(line int, input, output string) error
	// Session is the number of the current session.
	Session() int
	// Tail returns the last n entries of all sessions.
	Tail(n int) ([]HistoryEntry, error)
	// Range returns entries [start, stop) of a session; stop <= 0 means to
	// the end. Session 0 and below count back from the current one.
	Range(session, start, stop int) ([]HistoryEntry, error)
	// Search returns the last n (all when n <= 0) entries whose input
	// matches the glob pattern; unique keeps the latest of equal inputs.
	Search(pattern string, n int, unique bool) ([]HistoryEntry, error)
}

// HistoryEntry is one executed cell.
type HistoryEntry struct {
	Session, Line int
	Input, Output string
}

// errorParts is implemented by errors that carry what the user sees.
type errorParts interface {
	Parts() (name, value string, traceback []string)
}

// Options configure a Kernel.
type Options struct {
	// Interpreter runs the cells; required.
	Interpreter Interpreter
	// History, if set, keeps executed cells.
	History History
	// Log receives the kernel's own messages (bad signatures, socket
	// errors); nil discards them.
	Log *log.Logger
	// Banner is shown by front ends in kernel_info.
	Banner string
	// Version is the implementation version.
	Version string
}

// Kernel is one running Jupyter kernel.
type Kernel struct {
	conn  *wire.ConnectionInfo
	codec *wire.Codec
	opts  Options
	log   *log.Logger

	shell, control, stdin, iopub, hb zmq4.Socket

	pubMu sync.Mutex // serializes iopub sends

	// The running cell.
	runMu  sync.Mutex
	cancel context.CancelFunc
	parent *wire.Message // request whose output is being streamed
	// outputParent, when set, replaces the parent's msg_id in what is
	// published (SetOutputParent).
	outputParent string
	execCount    int

	stdout, stderr *Stream

	commMu sync.Mutex
	comms  map[string]string // comm_id → target_name
	// targets handle comm_open for a target name.
	targets map[string]CommTarget

	shellQ chan *wire.Message
	// inputReplies carries input_reply messages from the stdin channel.
	inputReplies chan *wire.Message
	done         chan struct{}
	// exit is closed with restart set when a shutdown is requested.
	exitOnce sync.Once
	restart  bool
}

// New binds the sockets named in conn and returns a kernel ready to Run.
func New(conn *wire.ConnectionInfo, opts Options) (*Kernel, error) {
	if opts.Interpreter == nil {
		return nil, errors.New("kernel: Options.Interpreter is nil")
	}
	if err := conn.Validate(); err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	lg := opts.Log
	if lg == nil {
		lg = log.New(io.Discard, "", 0)
	}
	k := &Kernel{
		conn:    conn,
		codec:   wire.NewCodec([]byte(conn.Key), wire.NewID()),
		opts:    opts,
		log:     lg,
		comms:   map[string]string{},
		targets: map[string]CommTarget{},
		shellQ:  make(chan *wire.Message, 64),
		done:    make(chan struct{}),

		inputReplies: make(chan *wire.Message, 1),
	}
	k.stdout = newStream(k, "stdout")
	k.stderr = newStream(k, "stderr")
	k.targets[EchoTarget] = echoTarget{}

	ctx := context.Background()
	k.shell = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("shell")))
	k.control = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("control")))
	k.stdin = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("stdin")))
	k.iopub = zmq4.NewPub(ctx)
	k.hb = zmq4.NewRouter(ctx)
	binds := []struct {
		name string
		s    zmq4.Socket
		port int
	}{
		{"shell", k.shell, conn.ShellPort},
		{"control", k.control, conn.ControlPort},
		{"stdin", k.stdin, conn.StdinPort},
		{"iopub", k.iopub, conn.IOPubPort},
		{"heartbeat", k.hb, conn.HBPort},
	}
	for _, b := range binds {
		if err := b.s.Listen(conn.Endpoint(b.port)); err != nil {
			k.closeSockets()
			return nil, fmt.Errorf("kernel: bind %s socket to %s: %w", b.name, conn.Endpoint(b.port), err)
		}
	}
	return k, nil
}

// Stdout and Stderr are the streams that a cell's output should be written
// to; they publish to the notebook of the running cell.
func (k *Kernel) Stdout() *Stream { return k.stdout }

// Stderr is the stream for a cell's error output.
func (k *Kernel) Stderr() *Stream { return k.stderr }

func (k *Kernel) closeSockets() {
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// Run serves requests until a shutdown request arrives or ctx is done. It
// reports whether the shutdown asked for a restart.
func (k *Kernel) Run(ctx context.Context) (restart bool, err error) {
	defer k.closeSockets()
	k.publish("status", nil, map[string]any{"execution_state": "starting"})
	go k.heartbeat()
	go k.receive(k.shell, "shell", func(m *wire.Message) {
		select {
		case k.shellQ <- m:
		case <-k.done:
		}
	})
	go k.receive(k.control, "control", k.handleControl)
	go k.receive(k.stdin, "stdin", func(m *wire.Message) {
		if m.Header.MsgType != "input_reply" {
			return
		}
		select {
		case k.inputReplies <- m:
		default:
			k.log.Printf("stdin: dropped an input_reply nobody waits for")
		}
	})
	go func() {
		for {
			select {
			case m := <-k.shellQ:
				k.handleShell(m)
			case <-k.done:
				return
			}
		}
	}()
	select {
	case <-ctx.Done():
		k.stop(false)
		return false, ctx.Err()
	case <-k.done:
	}
	// Let the last replies and iopub messages leave.
	time.Sleep(50 * time.Millisecond)
	return k.restart, nil
}

// stop ends Run.
func (k *Kernel) stop(restart bool) {
	k.exitOnce.Do(func() {
		k.restart = restart
		k.Interrupt()
		close(k.done)
	})
}

// Interrupt cancels the running cell, if any.
func (k *Kernel) Interrupt() {
	k.runMu.Lock()
	if k.cancel != nil {
		k.cancel()
	}
	k.runMu.Unlock()
}

// heartbeat echoes every ping.
func (k *Kernel) heartbeat() {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			select {
			case <-k.done:
				return
			default:
			}
			k.log.Printf("heartbeat: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if err := k.hb.Send(msg); err != nil {
			k.log.Printf("heartbeat echo: %v", err)
		}
	}
}

// receive reads messages from a socket, drops those that fail to decode or
// whose signature is wrong, and hands the rest to handle.
func (k *Kernel) receive(s zmq4.Socket, name string, handle func(*wire.Message)) {
	for {
		raw, err := s.Recv()
		if err != nil {
			select {
			case <-k.done:
				return
			default:
			}
			k.log.Printf("%s: receive: %v", name, err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		m, err := k.codec.Decode(raw.Frames)
		if err != nil {
			if errors.Is(err, wire.ErrSignature) {
				k.log.Printf("%s: dropped a message with an invalid signature", name)
			} else {
				k.log.Printf("%s: dropped a malformed message: %v", name, err)
			}
			continue
		}
		handle(m)
	}
}

// send writes a message to a router socket.
func (k *Kernel) send(s zmq4.Socket, m *wire.Message) {
	frames, err := k.codec.Encode(m)
	if err != nil {
		k.log.Printf("encode %s: %v", m.Header.MsgType, err)
		return
	}
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		k.log.Printf("send %s: %v", m.Header.MsgType, err)
	}
}

// reply answers req on socket s.
func (k *Kernel) reply(s zmq4.Socket, req *wire.Message, msgType string, content any) {
	m, err := k.codec.New(msgType, req, content)
	if err != nil {
		k.log.Print(err)
		return
	}
	k.send(s, m)
}

// publish sends a message on iopub, as a child of parent (may be nil).
func (k *Kernel) publish(msgType string, parent *wire.Message, content any) {
	if err := k.publishWith(msgType, parent, content, nil, nil); err != nil {
		k.log.Print(err)
	}
}

// publishWith sends a message with metadata and binary buffers on iopub,
// as a child of parent (may be nil).
func (k *Kernel) publishWith(msgType string, parent *wire.Message, content any, metadata map[string]any, buffers [][]byte) error {
	m, err := k.codec.New(msgType, parent, content)
	if err != nil {
		return err
	}
	m.Identities = [][]byte{[]byte("kernel." + k.codec.Session() + "." + msgType)}
	m.Metadata = metadata
	m.Buffers = buffers
	frames, err := k.codec.Encode(m)
	if err != nil {
		return fmt.Errorf("encode %s: %w", msgType, err)
	}
	k.pubMu.Lock()
	defer k.pubMu.Unlock()
	if err := k.iopub.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("publish %s: %w", msgType, err)
	}
	return nil
}

func (k *Kernel) status(parent *wire.Message, state string) {
	k.publish("status", parent, map[string]any{"execution_state": state})
}

// guard turns a panic in a handler into a log line, so that no request can
// end the kernel.
func (k *Kernel) guard(m *wire.Message) {
	if r := recover(); r != nil {
		k.log.Printf("handling %s: panic: %v\n%s", m.Header.MsgType, r, debug.Stack())
	}
}

func (k *Kernel) handleControl(m *wire.Message) {
	defer k.guard(m)
	k.status(m, "busy")
	defer k.status(m, "idle")
	switch m.Header.MsgType {
	case "interrupt_request":
		k.Interrupt()
		k.reply(k.control, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "shutdown_request":
		k.shutdown(k.control, m)
	case "kernel_info_request":
		k.reply(k.control, m, "kernel_info_reply", k.kernelInfo())
	default:
		k.unknown(k.control, m)
	}
}

func (k *Kernel) handleShell(m *wire.Message) {
	defer k.guard(m)
	k.status(m, "busy")
	defer k.status(m, "idle")
	switch m.Header.MsgType {
	case "kernel_info_request":
		k.reply(k.shell, m, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		k.execute(m)
	case "complete_request":
		k.complete(m)
	case "inspect_request":
		k.inspect(m)
	case "is_complete_request":
		k.isComplete(m)
	case "history_request":
		k.history(m)
	case "comm_info_request":
		k.commInfo(m)
	case "comm_open":
		k.commOpen(m)
	case "comm_msg":
		k.commMsg(m)
	case "comm_close":
		k.commClose(m)
	case "shutdown_request":
		k.shutdown(k.shell, m)
	default:
		k.unknown(k.shell, m)
	}
}

// unknown answers a request type the kernel does not serve with an error
// reply, and ignores other unknown messages.
func (k *Kernel) unknown(s zmq4.Socket, m *wire.Message) {
	t := m.Header.MsgType
	k.log.Printf("unsupported message type %q", t)
	if len(t) > len("_request") && t[len(t)-len("_request"):] == "_request" {
		k.reply(s, m, t[:len(t)-len("_request")]+"_reply", map[string]any{
			"status": "error", "ename": "UnsupportedRequest",
			"evalue": "the dcem kernel does not serve " + t, "traceback": []string{},
		})
	}
}

func (k *Kernel) kernelInfo() map[string]any {
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       wire.ProtocolVersion,
		"implementation":         "dcem",
		"implementation_version": k.opts.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            runtime.Version(),
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner":     k.opts.Banner,
		"help_links": []any{},
		"debugger":   false,
	}
}

func (k *Kernel) shutdown(s zmq4.Socket, m *wire.Message) {
	var req struct {
		Restart bool `json:"restart"`
	}
	m.Decode(&req)
	content := map[string]any{"status": "ok", "restart": req.Restart}
	k.reply(s, m, "shutdown_reply", content)
	k.publish("shutdown_reply", m, content)
	k.stop(req.Restart)
}

// decode fills v from m's content, answering with an error reply when the
// content does not fit.
func (k *Kernel) decode(m *wire.Message, replyType string, v any) bool {
	if err := m.Decode(v); err != nil {
		k.reply(k.shell, m, replyType, map[string]any{
			"status": "error", "ename": "BadRequest", "evalue": err.Error(), "traceback": []string{err.Error()},
		})
		return false
	}
	return true
}
