package worker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stdinPoll is how often the worker looks for a thread that waits to read
// standard input.
const stdinPoll = 20 * time.Millisecond

// procTask is where the worker reads its threads' system calls
// (TID/syscall); a variable for tests.
var procTask = "/proc/self/task"

// stdinWatchable reports why the worker cannot see its threads' system
// calls, which answering reads of standard input needs (some sandboxes and
// kernels hide /proc/self/task/*/syscall), or nil when it can.
func stdinWatchable() error {
	p := filepath.Join(procTask, strconv.Itoa(syscall.Gettid()), "syscall")
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("reading standard input in a cell needs %s/*/syscall, which cannot be read here (%v)", procTask, err)
	}
	if len(b) == 0 {
		return fmt.Errorf("reading standard input in a cell needs %s/*/syscall, which is empty here", procTask)
	}
	return nil
}

// stdinPipe is the standard input of cells that may ask for input: a
// pipe whose read end is blocking, so that Go reads it with a plain read
// system call in a thread, which /proc/self/task/TID/syscall shows.
type stdinPipe struct {
	r, w *os.File
}

func newStdinPipe() (*stdinPipe, error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	return &stdinPipe{r: os.NewFile(uintptr(p[0]), "/dev/stdin"), w: os.NewFile(uintptr(p[1]), "stdin (writer)")}, nil
}

// serveStdin answers reads of the cell's standard input until ctx ends:
// it looks for a thread of this process blocked in a read of the pipe with
// nothing to read, asks the front end for a line (through the supervisor,
// as notebook.Input does), and writes it, newline ended, to the pipe.
func (w *server) serveStdin(ctx context.Context) {
	w.mu.Lock()
	in := w.in
	w.mu.Unlock()
	want := fmt.Sprintf("%d 0x%x ", syscall.SYS_READ, in.r.Fd())
	// answered maps a thread to its voluntary context switches when it
	// was last given input: until the count moves, the thread has not
	// read again.
	answered := map[string]string{}
	tick := time.NewTicker(stdinPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		tid := blockedReader(want)
		if tid == "" || pipeBuffered(in.r) > 0 {
			continue
		}
		switches := voluntarySwitches(tid)
		if last, ok := answered[tid]; ok && last == switches {
			continue
		}
		line, err := w.input("", false)
		if err != nil {
			// Interrupted: endStdin ends the read once the interpreter
			// has stopped the cell.
			return
		}
		answered[tid] = voluntarySwitches(tid)
		if _, err := in.w.Write([]byte(line + "\n")); err != nil {
			return
		}
	}
}

// blockedReader returns a thread of this process whose system call line
// starts with want (a read of the stdin pipe), or "".
func blockedReader(want string) string {
	tasks, _ := filepath.Glob(filepath.Join(procTask, "*", "syscall"))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		if strings.HasPrefix(string(b), want) {
			return filepath.Base(filepath.Dir(t))
		}
	}
	return ""
}

// voluntarySwitches is the voluntary_ctxt_switches line of a thread.
func voluntarySwitches(tid string) string {
	b, err := os.ReadFile(filepath.Join(procTask, tid, "status"))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "voluntary_ctxt_switches:") {
			return l
		}
	}
	return ""
}
