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
// notebook.Context (import "github.com/dcem-go/dcem/kernel/notebook"):
//
//	res, err := cem.Solve(notebook.Context(), f, opts)
//
// # Output
//
// What a cell prints (fmt.Print*, log, println, os.Stdout and os.Stderr)
// is streamed to the notebook while the cell runs, in chunks of at most
// 64 KiB sent every 50 ms or sooner. display.Show and friends publish rich
// output; a cell's final expression is its execute_result.
//
// # Rich output
//
// Package display (import "github.com/dcem-go/dcem/kernel/display") shows
// HTML, Markdown, LaTeX, SVG, PNG, JPEG and JSON, images and gonum plots,
// and updates a shown output in place:
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
// panic or os.Exit in a cell becomes an error reply; the kernel and its
// state survive. Two things end the process, as they end any Go program: a
// panic in a goroutine that a cell starts with the go statement, and
// unbounded recursion (stack overflow). Jupyter then offers a restart.
//
// # History
//
// Executed cells are kept in the SQLite file history.sqlite in the dcem
// data directory ($XDG_DATA_HOME/dcem or ~/.local/share/dcem), one session
// per kernel start, and served to history requests (tail, range, search).
package kernel
