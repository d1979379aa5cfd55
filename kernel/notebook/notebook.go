// Package notebook links Go code that runs in the dcem kernel (or under
// "dcem run") to the cell that runs it.
//
// Long library calls take a context.Context. In a notebook, pass
// notebook.Context(): it is cancelled when the user interrupts the cell
// (the stop button, or an interrupt request), so a solver or training loop
// that checks its context stops and the next cell runs normally:
//
//	import "github.com/dcem-go/dcem/kernel/notebook"
//
//	res, err := cem.Solve(notebook.Context(), f, mean, std, cfg)
//
// Outside a kernel, Context returns context.Background().
package notebook

import (
	"context"
	"sync"
	"time"
)

var (
	mu      sync.Mutex
	current context.Context
)

// Context returns the context of the cell that is running now. It is
// cancelled when the cell is interrupted or ends.
func Context() context.Context {
	mu.Lock()
	defer mu.Unlock()
	if current == nil {
		return context.Background()
	}
	return current
}

// SetContext makes ctx the context that Context returns; nil restores
// context.Background(). The kernel calls it before and after each cell;
// notebooks have no need to.
func SetContext(ctx context.Context) {
	mu.Lock()
	current = ctx
	mu.Unlock()
}

// Sleep pauses for d, or until the running cell is interrupted, in which
// case it returns the context's error. Unlike time.Sleep, it lets the
// interrupt button stop a cell that waits (animations, polling).
func Sleep(d time.Duration) error {
	ctx := Context()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
