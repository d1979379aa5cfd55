package worker

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/notebook"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/widgets"
)

// Serve is the worker's side: it starts an interpreter configured by opts
// (its Stdout, Stderr and OnFrame are set here: output goes to the
// process's descriptors 1 and 2), reads requests from in and writes
// replies and events to out, until in ends. The process that calls it
// should do nothing else: it is the one that a cell may crash.
func Serve(in io.Reader, out io.Writer, opts session.Options) error {
	fw := &frameWriter{w: out}
	stdout := &switchWriter{def: os.Stdout}
	stderr := &switchWriter{def: os.Stderr}
	opts.Stdout = stdout
	opts.Stderr = stderr
	opts.OnFrame = func(line string) { fw.write(&message{Op: opFrame, Text: line}) }
	w := &server{fw: fw, noStdin: closedStdin("stdin: this front end does not accept input (allow_stdin is false)"),
		inputs: map[uint64]chan *message{}}
	if err := stdinWatchable(); err != nil {
		// Reads could not be seen, so they would wait for ever: make them
		// fail at once and say why.
		w.unwatched = closedStdin("stdin: " + err.Error() + "; use notebook.Input")
		fw.write(&message{Op: opNote, Text: err.Error() + ": reads of standard input in cells fail; notebook.Input works"})
	} else {
		w.in, _ = newStdinPipe()
	}
	opts.OnInterrupt = w.endStdin
	sess, err := session.New(opts)
	if err != nil {
		return err
	}
	w.sess = sess
	display.SetPublisher(publisher{fw})
	notebook.SetInput(w.input)
	mg := widgets.Default()
	mg.SetTransport(commTransport{fw})
	mg.SetCapturer(&capturer{fw: fw, stdout: stdout, stderr: stderr, pub: publisher{fw}})
	if err := fw.write(&message{Op: opReady}); err != nil {
		return err
	}
	for {
		var m message
		if err := readFrame(in, &m); err != nil {
			var big *frameSizeError
			if errors.As(err, &big) {
				fw.write(&message{Op: opNote, Text: "request skipped: " + err.Error()})
				continue
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch m.Op {
		case opInterrupt:
			w.interrupt(m.ID)
		case opInputReply:
			w.mu.Lock()
			ch := w.inputs[m.ID]
			delete(w.inputs, m.ID)
			w.mu.Unlock()
			if ch != nil {
				mm := m
				ch <- &mm
			}
		case opDialect:
			if m.Text == "classic" {
				mg.SetDialect(widgets.DialectClassic)
			}
		case opComm:
			go w.comm(m)
		case opExecute:
			ctx, cancel := context.WithCancel(context.Background())
			w.mu.Lock()
			w.running, w.cancel, w.ctx, w.allow = m.ID, cancel, ctx, m.AllowStdin
			w.mu.Unlock()
			go w.execute(ctx, m)
		default:
			go w.answer(m)
		}
	}
}

// server holds the worker's state between requests.
type server struct {
	sess *session.Session
	fw   *frameWriter

	// in is the standard input of cells that may ask for input (nil
	// where that is not supported); noStdin fails every read, for cells
	// whose front end does not accept input.
	in      *stdinPipe
	noStdin *os.File
	// unwatched fails every read, saying why, where reads of the stdin
	// pipe cannot be seen (no /proc/self/task/*/syscall).
	unwatched *os.File

	mu      sync.Mutex
	running uint64 // ID of the running execute request
	cancel  context.CancelFunc
	ctx     context.Context // of the running cell
	allow   bool            // the running cell may ask for input
	// inputs holds the notebook.Input calls waiting for their line.
	inputs    map[uint64]chan *message
	nextInput uint64
}

// errNoInput is the error of notebook.Input when the front end does not
// accept input.
var errNoInput = errors.New("notebook.Input: this front end does not accept input (allow_stdin is false)")

// input answers notebook.Input: it asks the supervisor, which asks the
// front end.
func (w *server) input(prompt string, password bool) (string, error) {
	w.mu.Lock()
	if !w.allow || w.ctx == nil {
		w.mu.Unlock()
		return "", errNoInput
	}
	ctx := w.ctx
	w.nextInput++
	id := w.nextInput
	ch := make(chan *message, 1)
	w.inputs[id] = ch
	w.mu.Unlock()
	w.fw.write(&message{Op: opInput, ID: id, Text: prompt, Password: password})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", errors.New(r.Err.Value)
		}
		return r.Text, nil
	case <-ctx.Done():
		w.mu.Lock()
		delete(w.inputs, id)
		w.mu.Unlock()
		return "", ctx.Err()
	}
}

func (w *server) interrupt(id uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil && (id == 0 || id == w.running) {
		w.cancel()
	}
}

func (w *server) execute(ctx context.Context, m message) {
	w.mu.Lock()
	in := w.in
	w.mu.Unlock()
	switch {
	case m.AllowStdin && in != nil:
		os.Stdin = in.r
		go w.serveStdin(ctx)
	case m.AllowStdin && w.unwatched != nil:
		os.Stdin = w.unwatched
	default:
		os.Stdin = w.noStdin
	}
	// Cells take turns with the widgets' callbacks and redraws, which
	// read and write the same fields.
	var res display.Bundle
	var err error
	w.fw.takeRefused()
	widgets.Default().Do(func() { res, err = w.sess.Execute(ctx, m.Code) })
	if big := w.fw.takeRefused(); big != nil && err == nil {
		// Output of the cell that could not be sent (a display over the
		// frame limit) makes the cell fail.
		text := "output of this cell was not sent: " + big.Error()
		err = &session.Error{Name: "OutputTooLarge", Value: text, Traceback: []string{"OutputTooLarge: " + text}}
	}
	w.mu.Lock()
	w.cancel()
	w.cancel, w.ctx, w.allow = nil, nil, false
	w.mu.Unlock()
	reply := &message{Op: opReply, ID: m.ID, Result: res, Err: toWire(err)}
	var se *session.Error
	if errors.As(err, &se) && se.Name == "Busy" {
		reply.Err.Restart = true
	}
	w.fw.write(reply)
}

// endStdin ends the standard input pipe of an interrupted cell, so that a
// read that waits in it returns (io.EOF), and puts a fresh pipe in place
// for later cells.
func (w *server) endStdin() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.in == nil {
		return
	}
	w.in.w.Close()
	if fresh, err := newStdinPipe(); err == nil {
		w.in = fresh
	} else {
		w.in = nil
	}
}

// answer serves the requests other than execute and interrupt.
func (w *server) answer(m message) {
	reply := &message{Op: opReply, ID: m.ID}
	switch m.Op {
	case opComplete:
		reply.Matches, reply.Start, reply.End = w.sess.Complete(m.Code, m.Cursor)
	case opInspect:
		// Inspect reads the values of variables: it takes its turn with
		// the widgets' callbacks and redraws, which write them.
		widgets.Default().Do(func() { reply.Doc, reply.Found = w.sess.Inspect(m.Code, m.Cursor) })
	case opIsComplete:
		reply.Status, reply.Indent = w.sess.IsComplete(m.Code)
	case opCommInfo:
		reply.Comms = widgets.Default().Comms(m.Target)
	default:
		reply.Err = &cellError{Name: "Error", Value: "unknown request " + m.Op}
	}
	w.fw.write(reply)
}

// publisher sends what package display shows to the supervisor.
type publisher struct{ fw *frameWriter }

func (p publisher) Display(data display.Bundle, metadata map[string]any, id string, update bool) {
	p.fw.write(&message{Op: opDisplay, Data: data, Metadata: metadata, DisplayID: id, Update: update})
}

func (p publisher) Clear(wait bool) { p.fw.write(&message{Op: opClear, Wait: wait}) }

// closedStdin is a standard input whose reads fail at once with an error
// that says why: its name.
func closedStdin(why string) *os.File {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return nil
	}
	syscall.Close(p[1])
	f := os.NewFile(uintptr(p[0]), why)
	f.Close()
	return f
}
