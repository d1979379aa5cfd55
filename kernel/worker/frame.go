package worker

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/session"
)

// maxFrame bounds one frame (1 GiB), so that a corrupt length cannot make
// the reader allocate without limit. A message over it is refused when
// written (a reply becomes an error reply) and skipped when read. Tests
// lower it, while readers that earlier tests started may still run.
var maxFrame atomic.Int64

func init() { maxFrame.Store(1 << 30) }

func frameLimit() int { return int(maxFrame.Load()) }

// smallFrame is the largest frame the writer assembles in its reused
// buffer; larger ones are written in two parts, so that the writer keeps
// no buffer of the largest message it ever sent.
const smallFrame = 64 << 10

// frameSizeError is the error of a message over maxFrame.
type frameSizeError struct {
	Op   string // the message's operation, "" when read
	Size int
}

func (e *frameSizeError) Error() string {
	what := "a message"
	if e.Op != "" {
		what = "a " + e.Op + " message"
	}
	return fmt.Sprintf("%s of %s is over the limit of %s for one message between the kernel and its interpreter",
		what, byteSize(e.Size), byteSize(frameLimit()))
}

// byteSize formats n bytes for people.
func byteSize(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Operations of the protocol. Requests go from the supervisor to the
// worker and are answered by an opReply with the same ID; the others are
// events the worker sends while a cell runs.
const (
	opReady      = "ready"       // worker → supervisor: the interpreter is up
	opExecute    = "execute"     // run Code
	opComplete   = "complete"    // completions at Cursor
	opInspect    = "inspect"     // documentation at Cursor
	opIsComplete = "is_complete" // is Code a complete cell
	opInterrupt  = "interrupt"   // cancel the running cell
	opReply      = "reply"       // worker → supervisor: the answer to request ID
	opDisplay    = "display"     // worker → supervisor: display_data or update_display_data
	opClear      = "clear"       // worker → supervisor: clear_output
	opFrame      = "frame"       // worker → supervisor: an interpreted frame a panic unwinds
	opNote       = "note"        // worker → supervisor: a line for the kernel's log
	opInput      = "input"       // worker → supervisor: notebook.Input asks for a line (ID, Text = prompt)
	opInputReply = "input_reply" // supervisor → worker: the line (Text) or Err, for input ID
	opComm       = "comm"        // a comm message from the front end (Kind open, msg or close) for the widgets
	opCommInfo   = "comm_info"   // the widget comms that are open (of Target, or all): reply Comms
	opDialect    = "dialect"     // supervisor → worker: speak the classic widget dialect (Text "classic"); no reply
	opCommOut    = "comm_out"    // worker → supervisor: a comm message (Kind open, msg or close) for the front end
	opParent     = "parent"      // worker → supervisor: output's parent msg_id is Text from now on ("" ends it)
	opStream     = "stream"      // worker → supervisor: Text written to the stream Kind ("stdout" or "stderr"), in order with the other events
)

// message is one frame of the protocol; each operation uses some fields.
type message struct {
	Op string `json:"op"`
	ID uint64 `json:"id,omitempty"`

	// Requests.
	Code       string `json:"code,omitempty"`
	Cursor     int    `json:"cursor,omitempty"`
	AllowStdin bool   `json:"allow_stdin,omitempty"`

	// Replies.
	Result  display.Bundle `json:"result,omitempty"`
	Err     *cellError     `json:"err,omitempty"`
	Matches []string       `json:"matches,omitempty"`
	Start   int            `json:"start,omitempty"`
	End     int            `json:"end,omitempty"`
	Doc     string         `json:"doc,omitempty"`
	Found   bool           `json:"found,omitempty"`
	Status  string         `json:"status,omitempty"`
	Indent  string         `json:"indent,omitempty"`

	// Events.
	Data      display.Bundle `json:"data,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	DisplayID string         `json:"display_id,omitempty"`
	Update    bool           `json:"update,omitempty"`
	Wait      bool           `json:"wait,omitempty"`
	Text      string         `json:"text,omitempty"`
	Password  bool           `json:"password,omitempty"`

	// Comms, both ways.
	Kind     string            `json:"kind,omitempty"` // "open", "msg" or "close"
	CommID   string            `json:"comm_id,omitempty"`
	Target   string            `json:"target,omitempty"`
	CommData json.RawMessage   `json:"comm_data,omitempty"`
	CommMeta map[string]any    `json:"comm_meta,omitempty"`
	Buffers  [][]byte          `json:"buffers,omitempty"`
	Comms    map[string]string `json:"comms,omitempty"`
}

// cellError is a *session.Error on the wire.
type cellError struct {
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	Traceback []string `json:"traceback"`
	Code      int      `json:"code,omitempty"`
	// Restart asks the supervisor to replace the worker: the cell's
	// compiled code did not stop after an interrupt.
	Restart bool `json:"restart,omitempty"`
}

func toWire(err error) *cellError {
	if err == nil {
		return nil
	}
	var se *session.Error
	if errors.As(err, &se) {
		return &cellError{Name: se.Name, Value: se.Value, Traceback: se.Traceback, Code: se.Code}
	}
	return &cellError{Name: "Error", Value: err.Error(), Traceback: []string{"Error: " + err.Error()}}
}

func (e *cellError) toError() *session.Error {
	tb := e.Traceback
	if tb == nil {
		tb = []string{}
	}
	return &session.Error{Name: e.Name, Value: e.Value, Traceback: tb, Code: e.Code}
}

// frameWriter writes messages; it is safe for concurrent use.
type frameWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	// refused is the last message refused for its size, for the cell
	// that sent it (see takeRefused).
	refused *frameSizeError
}

// write sends m. A message over maxFrame is not sent: a reply becomes an
// error reply that says so, and any other message is a *frameSizeError,
// also kept for takeRefused.
func (fw *frameWriter) write(m *message) error {
	body, err := json.Marshal(m)
	if err != nil {
		// A value that does not encode (a NaN in JSON data): say so rather
		// than lose the message.
		body, _ = json.Marshal(&message{Op: opNote, Text: fmt.Sprintf("cannot encode %s: %v", m.Op, err)})
		if m.Op == opReply {
			body = errorReply(m.ID, "the result cannot be sent: "+err.Error())
		}
	}
	if len(body) > frameLimit() {
		big := &frameSizeError{Op: m.Op, Size: len(body)}
		if m.Op != opReply {
			fw.mu.Lock()
			fw.refused = big
			fw.mu.Unlock()
			return big
		}
		body = errorReply(m.ID, "the result cannot be sent: "+big.Error())
	}
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if len(body) <= smallFrame {
		fw.buf = binary.BigEndian.AppendUint32(fw.buf[:0], uint32(len(body)))
		fw.buf = append(fw.buf, body...)
		_, err = fw.w.Write(fw.buf)
		return err
	}
	head := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	if _, err := fw.w.Write(head); err != nil {
		return err
	}
	_, err = fw.w.Write(body)
	return err
}

// takeRefused returns the last message refused for its size since the
// last call, or nil.
func (fw *frameWriter) takeRefused() *frameSizeError {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	r := fw.refused
	fw.refused = nil
	return r
}

// errorReply is the frame body of a reply to request id that failed with
// text.
func errorReply(id uint64, text string) []byte {
	body, _ := json.Marshal(&message{Op: opReply, ID: id, Err: &cellError{
		Name: "Error", Value: text, Traceback: []string{"Error: " + text}}})
	return body
}

// readFrame reads one message. A frame over maxFrame is skipped, and the
// error is a *frameSizeError: the next call reads the next frame.
func readFrame(r io.Reader, m *message) error {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(head[:])
	if int64(n) > maxFrame.Load() {
		if _, err := io.CopyN(io.Discard, r, int64(n)); err != nil {
			return io.ErrUnexpectedEOF
		}
		return &frameSizeError{Size: int(n)}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	*m = message{}
	return json.Unmarshal(body, m)
}
