package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// watch returns a context that is cancelled when ctx is, just after the
// goroutines that run interpreted code were counted (the interrupt stops
// them all). Call done when the cell ends.
func (s *Session) watch(ctx context.Context) (inner context.Context, done func()) {
	inner, cancel := context.WithCancel(context.WithoutCancel(ctx))
	end := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			s.others.Store(int64(interpretedGoroutines()))
			cancel()
		case <-end:
		}
	}()
	return inner, func() { close(end); cancel() }
}

// noteInterrupt completes the message of an interrupted cell: whether
// compiled code it called still runs, and which other goroutines the
// interrupt stopped.
func (s *Session) noteInterrupt(err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		return err
	}
	// Give the chunk's goroutine a moment to see the interrupt.
	deadline := time.Now().Add(100 * time.Millisecond)
	for s.runningEvals() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var notes []string
	if s.runningEvals() > 0 {
		s.pending = true
		notes = append(notes, fmt.Sprintf("Compiled code that the cell called is still running: it does not watch the cell's context "+
			"(pass notebook.Context() to long calls). No statement of this cell will run after it returns; the next cell waits for it "+
			"(at most %v), and an interrupt while it waits restarts the interpreter.", s.interruptWait))
	}
	if n := s.others.Swap(0); n > 0 {
		notes = append(notes, fmt.Sprintf("The interrupt also stopped %d goroutine(s) running interpreted code, "+
			"started by this cell or earlier ones: the interpreter stops all interpreted code at once.", n))
	}
	if len(notes) > 0 {
		e.Value += "\n" + strings.Join(notes, "\n")
		e.Traceback = append(e.Traceback, notes...)
	}
	return e
}

// awaitInterrupted waits until compiled code of an interrupted cell has
// returned, so that the interpreter stops what is left of that cell before
// a new one runs.
func (s *Session) awaitInterrupted(ctx context.Context) error {
	if !s.pending {
		return nil
	}
	if s.runningEvals() == 0 {
		s.pending = false
		return nil
	}
	fmt.Fprintf(s.stderr.w, "Waiting for compiled code of the interrupted cell to return (at most %v; interrupt to give up)...\n", s.interruptWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	limit := time.NewTimer(s.interruptWait)
	defer limit.Stop()
	for {
		select {
		case <-tick.C:
			if s.runningEvals() == 0 {
				s.pending = false
				return nil
			}
		case <-ctx.Done():
			msg := "compiled code of an interrupted cell is still running; this cell did not run"
			return &Error{Name: "Busy", Value: msg, Traceback: []string{"Busy: " + msg}}
		case <-limit.C:
			msg := fmt.Sprintf("compiled code of an interrupted cell is still running after %v; this cell did not run", s.interruptWait)
			return &Error{Name: "Busy", Value: msg, Traceback: []string{"Busy: " + msg}}
		}
	}
}
