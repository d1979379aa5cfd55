package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dcem-go/dcem/kernel"
	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/widgets"
)

// Options configure a Supervisor.
type Options struct {
	// Path and Args start the worker process, a program that calls Serve
	// with descriptors 3 (requests) and 4 (replies and events); for dcem,
	// the dcem binary itself with its hidden worker subcommand.
	Path string
	Args []string
	// Env is the worker's environment; nil means the kernel's.
	Env []string
	// Stdout and Stderr receive what the worker prints: the kernel's
	// output streams.
	Stdout, Stderr io.Writer
	// Publisher receives what cells show with package display.
	Publisher display.Publisher
	// Comms publishes the comm messages of the worker's widgets, and
	// switches the parent of output for the classic notebook's Output
	// widget; the kernel implements it. Nil drops them.
	Comms CommPublisher
	// Log receives the supervisor's own messages; nil discards them.
	Log *log.Logger
	// StartTimeout bounds the start of a worker; zero means 60 seconds.
	StartTimeout time.Duration
	// InterruptGrace is how long an interrupted worker may take to answer
	// before it is killed and replaced; zero means 5 seconds. (A worker
	// whose compiled code ignores the interrupt answers at once, and holds
	// the next cell instead: see Serve.)
	InterruptGrace time.Duration
}

// CommPublisher publishes what the widgets in the worker send to the
// front end. *kernel.Kernel implements it.
type CommPublisher interface {
	OpenComm(id, target string, data any, metadata map[string]any, buffers [][]byte) error
	SendComm(id string, data any, metadata map[string]any, buffers [][]byte) error
	CloseComm(id string, data any) error
	// SetOutputParent makes published output name msgID as its parent's
	// msg_id; "" ends that.
	SetOutputParent(msgID string)
}

// Supervisor runs cells in a worker process and replaces the worker when
// it dies. It implements the kernel's Interpreter; its methods are safe for
// concurrent use, one request running at a time.
type Supervisor struct {
	opts Options
	log  *log.Logger

	mu     sync.Mutex // one request at a time
	p      *proc
	cur    atomic.Pointer[proc] // p, for Pid
	nextID atomic.Uint64
	// lost describes a worker that died between cells, for the next cell.
	lost string
	// classic is set once the front end asked for the classic widget
	// dialect; a fresh worker is told so.
	classic atomic.Bool
}

// proc is one worker process.
type proc struct {
	cmd            *exec.Cmd
	req            *frameWriter
	reqFile        *os.File
	stdout, stderr *copier
	replies        chan *message
	exited         chan struct{} // closed once the process is gone
	killed         atomic.Bool   // the supervisor killed it

	mu     sync.Mutex
	frames []string         // interpreted frames of a panic in progress
	input  kernel.InputFunc // of the running cell, nil when it may not ask
}

// Start starts a worker and returns its supervisor once the interpreter
// is ready.
func Start(opts Options) (*Supervisor, error) {
	if opts.Path == "" {
		return nil, errors.New("worker: Options.Path is empty")
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = 5 * time.Second
	}
	s := &Supervisor{opts: opts, log: opts.Log}
	if s.log == nil {
		s.log = log.New(io.Discard, "", 0)
	}
	p, err := s.start()
	if err != nil {
		return nil, err
	}
	s.setProc(p)
	return s, nil
}

// start starts a worker process and waits for it to be ready.
func (s *Supervisor) start() (*proc, error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return
	}
	reqR, reqW, err := pipe()
	if err != nil {
		return nil, err
	}
	evR, evW, err := pipe()
	if err != nil {
		closeAll()
		return nil, err
	}
	outR, outW, err := pipe()
	if err != nil {
		closeAll()
		return nil, err
	}
	errR, errW, err := pipe()
	if err != nil {
		closeAll()
		return nil, err
	}
	cmd := exec.Command(s.opts.Path, s.opts.Args...)
	cmd.Env = s.opts.Env
	cmd.Stdout, cmd.Stderr = outW, errW
	cmd.ExtraFiles = []*os.File{reqR, evW}
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, fmt.Errorf("worker: start %s: %w", s.opts.Path, err)
	}
	// The worker holds its ends now.
	for _, f := range []*os.File{reqR, evW, outW, errW} {
		f.Close()
	}
	p := &proc{
		cmd:     cmd,
		req:     &frameWriter{w: reqW},
		reqFile: reqW,
		stdout:  newCopier(outR, s.opts.Stdout, false),
		stderr:  newCopier(errR, s.opts.Stderr, true),
		replies: make(chan *message, 16),
		exited:  make(chan struct{}),
	}
	ready := make(chan struct{})
	go s.events(p, evR, ready)
	go func() {
		cmd.Wait()
		reqW.Close()
		close(p.exited)
	}()
	select {
	case <-ready:
		if s.classic.Load() {
			p.req.write(&message{Op: opDialect, Text: "classic"})
		}
		return p, nil
	case <-p.exited:
		<-p.stderr.done
		return nil, fmt.Errorf("worker: %s ended before it was ready: %v %s", s.opts.Path, cmd.ProcessState,
			strings.Join(p.stderr.lastLines(20), "\n")+p.stderr.crash())
	case <-time.After(s.opts.StartTimeout):
		p.kill()
		return nil, fmt.Errorf("worker: %s was not ready within %v", s.opts.Path, s.opts.StartTimeout)
	}
}

// events reads what the worker sends: replies go to p.replies, displays to
// the publisher, after the output that came before them.
func (s *Supervisor) events(p *proc, r *os.File, ready chan struct{}) {
	defer r.Close()
	var m message
	for {
		if err := readFrame(r, &m); err != nil {
			var big *frameSizeError
			if errors.As(err, &big) {
				s.log.Printf("worker events: %v: skipped", err)
				continue
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				s.log.Printf("worker events: %v", err)
			}
			return
		}
		switch m.Op {
		case opReady:
			close(ready)
		case opReply:
			mm := m
			p.replies <- &mm
		case opDisplay:
			p.syncOutput()
			if s.opts.Publisher != nil {
				s.opts.Publisher.Display(m.Data, m.Metadata, m.DisplayID, m.Update)
			}
		case opClear:
			p.syncOutput()
			if s.opts.Publisher != nil {
				s.opts.Publisher.Clear(m.Wait)
			}
		case opFrame:
			p.mu.Lock()
			p.frames = append(p.frames, m.Text)
			p.mu.Unlock()
		case opNote:
			s.log.Printf("worker: %s", m.Text)
		case opCommOut:
			s.publishComm(&m)
		case opStream:
			p.syncOutput()
			w := s.opts.Stdout
			if m.Kind == "stderr" {
				w = s.opts.Stderr
			}
			if w != nil {
				w.Write([]byte(m.Text))
			}
		case opParent:
			p.syncOutput()
			if s.opts.Comms != nil {
				s.opts.Comms.SetOutputParent(m.Text)
			}
		case opInput:
			p.mu.Lock()
			input := p.input
			p.mu.Unlock()
			go p.answerInput(input, m.ID, m.Text, m.Password)
		}
	}
}

// answerInput asks the front end for the line that notebook.Input wants
// in the worker, and sends it back.
func (p *proc) answerInput(input kernel.InputFunc, id uint64, prompt string, password bool) {
	reply := &message{Op: opInputReply, ID: id}
	if input == nil {
		reply.Err = &cellError{Name: "Error", Value: errNoInput.Error()}
	} else {
		p.syncOutput()
		line, err := input(prompt, password)
		if err != nil {
			reply.Err = &cellError{Name: "Error", Value: err.Error()}
		}
		reply.Text = line
	}
	p.req.write(reply)
}

// syncOutput waits (at most 200 ms) until what the worker wrote to its
// standard output and error so far has been copied to the streams.
func (p *proc) syncOutput() {
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) {
		if p.stdout.idle() && p.stderr.idle() {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func (p *proc) kill() {
	p.killed.Store(true)
	p.cmd.Process.Kill()
}

func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// live returns a running worker, starting a fresh one if the last died.
func (s *Supervisor) live() (*proc, error) {
	if s.p != nil && s.p.alive() {
		return s.p, nil
	}
	if s.p != nil {
		// It died between requests.
		old := s.p
		s.setProc(nil)
		s.lost = "The interpreter process ended between cells, so all variables, functions and imports " +
			"of earlier cells are lost; this cell runs in a fresh interpreter.\n" + strings.Join(s.report(old), "\n")
		s.log.Printf("worker ended between cells: %v", old.cmd.ProcessState)
	}
	p, err := s.start()
	if err != nil {
		return nil, err
	}
	s.setProc(p)
	return p, nil
}

func (s *Supervisor) setProc(p *proc) {
	s.p = p
	s.cur.Store(p)
}

// request sends m and waits for its reply, the worker's end or ctx.
func (s *Supervisor) request(ctx context.Context, m *message) (*message, *proc, error) {
	p, err := s.live()
	if err != nil {
		return nil, nil, err
	}
	m.ID = s.nextID.Add(1)
	if err := p.req.write(m); err != nil {
		var big *frameSizeError
		if errors.As(err, &big) {
			return nil, p, big
		}
		<-p.exited
		return nil, p, errDied
	}
	for {
		select {
		case r := <-p.replies:
			if r.ID == m.ID {
				return r, p, nil
			}
		case <-p.exited:
			return nil, p, errDied
		case <-ctx.Done():
			return nil, p, ctx.Err()
		}
	}
}

var errDied = errors.New("the interpreter process ended")

// Execute runs a cell in the worker. When the worker dies meanwhile, the
// error carries its crash report and a fresh worker is started. When ctx
// is cancelled, the worker is asked to interrupt the cell; a worker that
// does not answer within Options.InterruptGrace is replaced. When ctx
// carries a kernel.InputFunc, reading standard input in the cell asks
// the front end for a line.
func (s *Supervisor) Execute(ctx context.Context, code string) (display.Bundle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.live()
	if err != nil {
		return nil, err
	}
	if s.lost != "" {
		fmt.Fprintln(s.opts.Stderr, s.lost)
		s.lost = ""
	}
	input := kernel.InputFrom(ctx)
	p.mu.Lock()
	p.frames = nil
	p.input = input
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.input = nil
		p.mu.Unlock()
	}()
	p.stderr.resetTail()

	id := s.nextID.Add(1)
	if err := p.req.write(&message{Op: opExecute, ID: id, Code: code, AllowStdin: input != nil}); err != nil {
		var big *frameSizeError
		if errors.As(err, &big) {
			return nil, big
		}
		<-p.exited
		return nil, s.died(p, "")
	}
	done := ctx.Done()
	var kill <-chan time.Time
	for {
		select {
		case r := <-p.replies:
			if r.ID != id {
				continue
			}
			p.syncOutput()
			p.stderr.releaseOlder(50 * time.Millisecond)
			if r.Err == nil {
				return r.Result, nil
			}
			if r.Err.Restart {
				p.kill()
				<-p.exited
				return nil, s.replaced(p, r.Err.toError())
			}
			return nil, r.Err.toError()
		case <-p.exited:
			reason := ""
			if p.killed.Load() {
				reason = fmt.Sprintf("The interpreter did not answer the interrupt within %v, so it was stopped.", s.opts.InterruptGrace)
			}
			return nil, s.died(p, reason)
		case <-done:
			done = nil
			p.req.write(&message{Op: opInterrupt, ID: id})
			kill = time.After(s.opts.InterruptGrace)
		case <-kill:
			p.kill()
		}
	}
}

// lostState ends each report of a replaced worker.
const lostState = "All variables, functions and imports of earlier cells are lost; a fresh interpreter is ready."

// replaced restarts the worker after it gave up waiting for an
// interrupted cell, and returns the cell's error.
func (s *Supervisor) replaced(p *proc, e *session.Error) error {
	s.restart(p)
	e.Name = "Interrupted"
	e.Value += "; the interpreter was restarted to stop it. " + lostState
	e.Traceback = append(e.Traceback, "The interpreter was restarted to stop that code.", lostState)
	return e
}

// died returns the error of a cell whose worker ended, with the crash
// report, and starts a fresh worker.
func (s *Supervisor) died(p *proc, reason string) error {
	tb := s.report(p)
	if reason != "" {
		tb = append(tb, reason)
	}
	tb = append(tb, lostState)
	s.restart(p)
	value := tb[0]
	return &session.Error{Name: "InterpreterDied", Value: value + " — " + lostState, Traceback: tb}
}

// restart replaces the dead worker p with a fresh one.
func (s *Supervisor) restart(p *proc) {
	if s.p != p {
		return
	}
	s.setProc(nil)
	np, err := s.start()
	if err != nil {
		s.log.Printf("restart: %v", err)
		return
	}
	s.setProc(np)
}

// report describes how worker p ended: the runtime's crash text, trimmed
// to the lines that help, the interpreted frames of the panic, or the exit
// status and the last lines of standard error.
func (s *Supervisor) report(p *proc) []string {
	// Let the pipes drain.
	timeout := time.After(2 * time.Second)
	for _, c := range []*copier{p.stdout, p.stderr} {
		select {
		case <-c.done:
		case <-timeout:
		}
	}
	p.mu.Lock()
	frames := append([]string(nil), p.frames...)
	p.mu.Unlock()
	return crashReport(p.cmd.ProcessState, p.stderr.crash(), frames, p.stderr.lastLines(5))
}

// Complete returns completions from the worker (none when it fails).
func (s *Supervisor) Complete(code string, cursor int) (matches []string, start, end int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.ask(&message{Op: opComplete, Code: code, Cursor: cursor})
	if err != nil {
		return nil, cursor, cursor
	}
	return r.Matches, r.Start, r.End
}

// Inspect returns documentation from the worker.
func (s *Supervisor) Inspect(code string, cursor int) (doc string, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.ask(&message{Op: opInspect, Code: code, Cursor: cursor})
	if err != nil {
		return "", false
	}
	return r.Doc, r.Found
}

// IsComplete asks the worker whether code is a complete cell.
func (s *Supervisor) IsComplete(code string) (status, indent string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.ask(&message{Op: opIsComplete, Code: code})
	if err != nil {
		return "unknown", ""
	}
	return r.Status, r.Indent
}

// ask sends a request other than execute, for at most 30 seconds.
func (s *Supervisor) ask(m *message) (*message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, _, err := s.request(ctx, m)
	return r, err
}

// Close stops the worker.
func (s *Supervisor) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return nil
	}
	p := s.p
	s.setProc(nil)
	p.reqFile.Close() // the worker ends when its requests end
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
		p.kill()
		<-p.exited
	}
	return nil
}

// Pid is the process ID of the current worker, 0 when none runs.
func (s *Supervisor) Pid() int {
	if p := s.cur.Load(); p != nil {
		return p.cmd.Process.Pid
	}
	return 0
}

// publishComm publishes a comm message that the worker's widgets send.
func (s *Supervisor) publishComm(m *message) {
	c := s.opts.Comms
	if c == nil {
		return
	}
	var data any = m.CommData
	if len(m.CommData) == 0 {
		data = map[string]any{}
	}
	var err error
	switch m.Kind {
	case "open":
		err = c.OpenComm(m.CommID, m.Target, data, m.CommMeta, m.Buffers)
	case "msg":
		err = c.SendComm(m.CommID, data, m.CommMeta, m.Buffers)
	case "close":
		err = c.CloseComm(m.CommID, data)
	default:
		err = fmt.Errorf("unknown comm message kind %q", m.Kind)
	}
	if err != nil {
		s.log.Printf("comm %s %s: %v", m.Kind, m.CommID, err)
	}
}

// HandleCommOpen hands a comm_open from the front end to the widgets in
// the worker; it implements kernel.CommRelay.
func (s *Supervisor) HandleCommOpen(ctx context.Context, msg kernel.CommMessage) (bool, error) {
	r, err := s.commRequest(ctx, "open", msg)
	if r == nil {
		return false, err
	}
	if r.Found && msg.Target == widgets.VersionTarget {
		// Fresh workers speak the classic dialect from now on.
		s.classic.Store(true)
	}
	return r.Found, err
}

// HandleCommMsg hands a comm_msg to the widgets in the worker.
func (s *Supervisor) HandleCommMsg(ctx context.Context, msg kernel.CommMessage) error {
	_, err := s.commRequest(ctx, "msg", msg)
	return err
}

// HandleCommClose hands a comm_close to the widgets in the worker.
func (s *Supervisor) HandleCommClose(ctx context.Context, msg kernel.CommMessage) error {
	_, err := s.commRequest(ctx, "close", msg)
	return err
}

// CommInfo lists the widget comms open in the worker.
func (s *Supervisor) CommInfo(ctx context.Context, target string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, _, err := s.request(ctx, &message{Op: opCommInfo, Target: target})
	if err != nil {
		return nil, err
	}
	return r.Comms, nil
}

// commRequest sends a comm message to the worker and waits until its
// observers have run. A panic in an observer, an update that the widgets
// refused (a value of the wrong type, null where None is not allowed), or
// a crash of the worker meanwhile, is a *kernel.ObserverError, which the
// kernel shows in the notebook; other failures (a message for a widget
// that does not exist) are plain errors. The reply is nil when none came.
func (s *Supervisor) commRequest(ctx context.Context, kind string, msg kernel.CommMessage) (*message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p, err := s.request(ctx, &message{Op: opComm, Kind: kind, CommID: msg.ID, Target: msg.Target,
		CommData: msg.Data, CommMeta: msg.Metadata, Buffers: msg.Buffers})
	switch {
	case errors.Is(err, errDied):
		died := s.died(p, "").(*session.Error)
		return nil, &kernel.ObserverError{Text: "The interpreter process ended while a widget callback ran:\n" +
			strings.Join(died.Traceback, "\n")}
	case err != nil:
		return nil, err
	}
	p.syncOutput()
	if r.Err == nil {
		return r, nil
	}
	if r.Err.Name == errObserver || r.Err.Name == errRefused {
		return r, &kernel.ObserverError{Text: r.Err.Value}
	}
	return r, errors.New(r.Err.Value)
}
