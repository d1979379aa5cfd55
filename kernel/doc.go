// Package kernel is the message loop of "dcem kernel", a Jupyter kernel for
// Go: it binds the five sockets of a connection file, answers the requests
// of the Jupyter messaging protocol 5.3 and runs cells in an Interpreter.
//
// The kernel is layered like ipykernel:
//
//   - kernel/wire: connection files, message framing and HMAC-SHA256 signing;
//   - kernel (this package): sockets, heartbeat, the shell and control loops,
//     status, output streams, comms, history and interrupts;
//   - kernel/session: the Go interpreter (yaegi) with state across cells,
//     completion, inspection and is_complete;
//   - kernel/display and kernel/notebook: packages that notebooks import.
//
// # Notebooks and long computations
//
// Each cell runs with a context that is cancelled when the user interrupts
// the kernel (an interrupt_request on the control channel, or SIGINT).
// Interpreted loops stop by themselves; compiled library calls stop when
// they are given the cell's context, which notebooks get from
// notebook.Context:
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
// # Output
//
// What a cell prints (fmt.Print*, log, println, os.Stdout and os.Stderr)
// is streamed to the notebook while the cell runs, in chunks of at most
// 64 KiB sent every 50 ms or sooner. display.Show and friends publish rich
// output; a cell's final expression is its execute_result (a widget, as
// display_data: the classic notebook shows those again after a reload).
//
// # Rich output
//
// Package display (import "github.com/dcem-go/dcem/kernel/display") shows
// HTML, Markdown, LaTeX, SVG, PNG, JPEG and JSON, images and gonum plots,
// and updates a shown output in place:
//
//	import "github.com/dcem-go/dcem/kernel/display"
//
//	display.Show(display.Markdown("# Results"))
//	h := display.Show(display.HTML("<progress value=0 max=10>"))
//	h.Update(display.HTML("<progress value=5 max=10>"))
//
// A cell whose last line is a *plot.Plot shows the plot as a PNG image; a
// value of a type with an HTML, Markdown, SVG, PNG, JPEG, Latex or
// MIMEBundle method shows in that form.
//
// # Robustness
//
// A message with a wrong or missing signature is logged and dropped. A
// panic, os.Exit or log.Fatal in a cell becomes an error reply; the
// kernel and its state survive.
//
// The process that holds the sockets runs no cell: "dcem kernel" runs the
// interpreter in a worker process that it supervises (package
// kernel/worker). What ends any Go program — a panic in a goroutine that a
// cell started, unbounded recursion, a fatal runtime error, os.Exit called
// by compiled code, the out-of-memory killer — ends only the worker: the
// running cell's error reply carries the runtime's crash text and says
// that the session's state was lost, a fresh worker takes over, and the
// notebook stays connected.
//
// # Interrupts
//
// An interrupt stops interpreted code at its next step and cancels the
// cell's context. No statement of an interrupted cell runs afterwards:
// when compiled code that the cell called ignores the context (time.Sleep,
// a solve given context.Background()), the next cell waits until it
// returns, at most 30 seconds, and says so; an interrupt during that wait
// restarts the worker. The interpreter stops all interpreted code at
// once, including goroutines that earlier cells started: the error
// message counts them.
//
// # Input
//
// When the front end allows input, a cell may read standard input
// (fmt.Scan, bufio.NewReader(os.Stdin)): each read asks the front end for a
// line (input_request). When it does not, reading fails at once with an
// error that says so.
//
// # Third-party packages
//
// A cell may import a pure-Go package that is not compiled in:
//
//	import "golang.org/x/example/hello/reverse"
//
//	reverse.String("Hello, Go") // "oG ,olleH"
//
// The kernel fetches its module, and the modules it needs, with the go
// command (through the Go module proxy, into the user's module cache) and
// the interpreter loads their source from $XDG_CACHE_HOME/dcem/gopath
// (package kernel/fetch). A package that needs cgo is refused with an
// ImportError that says so.
//
// # History
//
// Executed cells are kept in the SQLite file history.sqlite in the dcem
// data directory ($XDG_DATA_HOME/dcem or ~/.local/share/dcem), one session
// per kernel start, and served to history requests (tail, range, search).
package kernel
