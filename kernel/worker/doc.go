// Package worker runs the dcem kernel's Go interpreter in a child process,
// so that nothing a cell does can end the process that holds the
// notebook's connection.
//
// A Supervisor (in the kernel process) starts the worker (the same binary,
// re-executed with a hidden subcommand that calls Serve), sends it cells,
// completion, inspection and is_complete requests, and relays what the
// worker prints and shows. The two talk over a pair of pipes in a small
// framed protocol: each frame is a 4-byte big-endian length followed by one
// JSON message. The worker's own standard output and error are two more
// pipes, copied into the kernel's output streams.
//
// When the worker dies — a panic in a goroutine, a stack overflow, a fatal
// runtime error, os.Exit from compiled code, the out-of-memory killer — the
// running cell gets an error that carries the runtime's crash text (the
// panic value and the frames that belong to the user's code), says that
// the session's state is lost, and a fresh worker is started. A worker that
// dies between cells is reported at the start of the next cell.
//
// An interrupt cancels the running cell's context in the worker. When
// compiled code ignores it, the worker holds the next cell until that code
// returns (saying so), and a second interrupt, or a wait longer than
// Options.InterruptWait, restarts the worker.
//
// Reading standard input in a cell (fmt.Scan, bufio.NewReader(os.Stdin))
// works when the front end allows input (Linux): the worker's os.Stdin is
// a pipe; when it sees one of its threads blocked reading that pipe, it
// asks the supervisor, which asks the front end through the Input function
// of the cell's context (kernel.InputFrom), and writes the answer to the
// pipe. An interrupt ends a read that waits. notebook.Input takes the same
// way with a prompt. Without input, reads fail at once; so do they, with
// an error that says why, where the worker cannot read
// /proc/self/task/*/syscall (notebook.Input works there).
//
// A message between the two processes is at most 1 GiB: output of a cell
// over that (a huge display) is not sent, and the cell fails saying so.
package worker
