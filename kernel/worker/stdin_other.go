//go:build !linux

package worker

import (
	"context"
	"errors"
	"os"
)

// stdinPipe is unused where blocked reads cannot be seen.
type stdinPipe struct{ r, w *os.File }

func newStdinPipe() (*stdinPipe, error) {
	return nil, errors.New("reading standard input in a cell needs Linux")
}

// serveStdin does nothing where blocked reads cannot be seen: use
// notebook.Input there.
func (w *server) serveStdin(ctx context.Context) {}

// procTask is unused where blocked reads cannot be seen.
var procTask = ""

// stdinWatchable says that reads of standard input cannot be answered
// here.
func stdinWatchable() error {
	return errors.New("reading standard input in a cell needs Linux")
}
