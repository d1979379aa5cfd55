// Package notebook links Go code that runs in the dcem kernel (or under
// "dcem run") to the cell that runs it.
//
// Long library calls take a context.Context. In a notebook, pass
// notebook.Context(): it is cancelled when the user interrupts the cell
// (the stop button, or an interrupt request), so a solver or training loop
// that checks its context stops and the next cell runs normally:
//
//	import (
//		"github.com/dcem-go/dcem/dcemlib/cem"
//		"github.com/dcem-go/dcem/kernel/notebook"
//	)
//
//	// Minimize (x−3)² with CEM: 100 samples, 10 elites, 20 iterations.
//	f := func(xs [][]float64) []float64 {
//		v := make([]float64, len(xs))
//		for i, x := range xs {
//			v[i] = (x[0] - 3) * (x[0] - 3)
//		}
//		return v
//	}
//	res, err := cem.SolveFunc(notebook.Context(), f, []float64{0}, []float64{1},
//		cem.Config{Samples: 100, Elites: 10, Iters: 20, Seed: 1})
//	if err != nil {
//		panic(err) // an interrupt ends the solve with the context's error
//	}
//	res.Mean // near [3]
//
// Outside a kernel, Context returns context.Background().
//
// Input and Password ask the user for a line of text:
//
//	import (
//		"fmt"
//
//		"github.com/dcem-go/dcem/kernel/notebook"
//	)
//
//	name, err := notebook.Input("Your name: ")
//	if err != nil {
//		panic(err)
//	}
//	fmt.Println("Hello,", name)
package notebook

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
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

var (
	inputMu sync.Mutex
	input   func(prompt string, password bool) (string, error)
)

// Input asks the user for a line of text, showing prompt, and returns it
// without its line ending. In the dcem kernel the notebook shows an input
// box (it fails at once when the front end does not accept input); under
// "dcem run" it prints prompt and reads a line of standard input.
func Input(prompt string) (string, error) { return ask(prompt, false) }

// Password is Input for a secret: the notebook hides what is typed.
func Password(prompt string) (string, error) { return ask(prompt, true) }

// SetInput makes f answer Input and Password; nil restores reading
// standard input. The kernel calls it; notebooks have no need to.
func SetInput(f func(prompt string, password bool) (string, error)) {
	inputMu.Lock()
	input = f
	inputMu.Unlock()
}

func ask(prompt string, password bool) (string, error) {
	inputMu.Lock()
	f := input
	inputMu.Unlock()
	if f != nil {
		return f(prompt, password)
	}
	fmt.Fprint(os.Stdout, prompt)
	// Read byte by byte, so that nothing after the line is consumed.
	var line []byte
	var b [1]byte
	for {
		n, err := os.Stdin.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
		}
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				break
			}
			return string(line), err
		}
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}
