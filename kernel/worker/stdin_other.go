//go:build !linux

package worker

import "github.com/dcem-go/dcem/kernel"

// serveStdin does nothing where blocked reads cannot be seen: a cell that
// reads standard input waits until it is interrupted.
func serveStdin(p *proc, input kernel.InputFunc, stop <-chan struct{}) {}
