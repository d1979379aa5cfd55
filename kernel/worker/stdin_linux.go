package worker

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dcem-go/dcem/kernel"
)

// stdinPoll is how often the supervisor looks for a worker thread that
// waits to read standard input.
const stdinPoll = 20 * time.Millisecond

// serveStdin answers reads of the worker's standard input: while the cell
// runs (until stop), it looks for a worker thread blocked in read(0, ...)
// with nothing to read, asks the front end for a line with input, and
// writes it, newline ended, to the worker's standard input. Go reads a
// standard input that is a blocking pipe with a plain read system call,
// which /proc/PID/task/TID/syscall shows.
func serveStdin(p *proc, input kernel.InputFunc, stop <-chan struct{}) {
	pid := p.cmd.Process.Pid
	// answered maps a thread to its voluntary context switches when it
	// was last given input: until the count moves, the thread has not
	// read again.
	answered := map[string]string{}
	tick := time.NewTicker(stdinPoll)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-p.exited:
			return
		case <-tick.C:
		}
		tid := blockedReader(pid)
		if tid == "" || pipeBuffered(p.stdin) > 0 {
			continue
		}
		switches := voluntarySwitches(pid, tid)
		if last, ok := answered[tid]; ok && last == switches {
			continue
		}
		p.syncOutput()
		line, err := input("", false)
		if err != nil {
			return
		}
		answered[tid] = voluntarySwitches(pid, tid)
		if _, err := p.stdin.Write([]byte(line + "\n")); err != nil {
			return
		}
	}
}

// blockedReader returns a thread of process pid that waits in a read of
// descriptor 0, or "".
func blockedReader(pid int) string {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/syscall")
	want := strconv.Itoa(syscall.SYS_READ) + " 0x0 "
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
func voluntarySwitches(pid int, tid string) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + tid + "/status")
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
