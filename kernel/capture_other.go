//go:build !linux

package kernel

import (
	"io"
	"os"
)

// FDCapture is a no-op where descriptor capture is not implemented: only
// output written through the session's writers reaches the notebook.
type FDCapture struct{}

// CaptureFDs returns a capture that does nothing and the process's stderr.
func CaptureFDs() (*FDCapture, io.Writer, error) { return &FDCapture{}, os.Stderr, nil }

// Start does nothing.
func (c *FDCapture) Start(k *Kernel) {}

func (c *FDCapture) sync() {}
