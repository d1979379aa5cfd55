package worker

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
)

// maxCompiledFrames bounds the compiled frames a crash report lists.
const maxCompiledFrames = 10

// noiseFrame matches the functions of a Go stack that say nothing to a
// notebook's user: the runtime, reflection, the interpreter, the worker.
var noiseFrame = regexp.MustCompile(`^(runtime\.|runtime/|reflect\.|internal/|syscall\.|panic\(|github\.com/traefik/yaegi/|github\.com/dcem-go/dcem/kernel/(worker|session)\.|main\.)`)

// crashReport turns how a worker ended into the lines of a traceback: the
// first line says what happened, then come the runtime's message, the
// user's interpreted frames and the compiled frames outside the runtime
// and the interpreter.
func crashReport(state *os.ProcessState, crash string, frames, lastErr []string) []string {
	var out []string
	head, body := crashLines(crash)
	switch {
	case len(head) > 0:
		out = append(out, "The interpreter process crashed: "+head[0])
		out = append(out, head[1:]...)
	case state != nil && state.Exited():
		out = append(out, fmt.Sprintf("The interpreter process exited with status %d: compiled code called os.Exit "+
			"(log.Logger.Fatal and friends do)", state.ExitCode()))
		if len(lastErr) > 0 {
			out = append(out, "Its last lines on standard error:")
			for _, l := range lastErr {
				out = append(out, "  "+l)
			}
		}
	case state != nil:
		sig := "unknown signal"
		if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			sig = ws.Signal().String()
			if ws.Signal() == syscall.SIGKILL {
				sig += " (the system kills a process that takes too much memory this way)"
			}
		}
		out = append(out, "The interpreter process was killed by a signal: "+sig)
	default:
		out = append(out, "The interpreter process ended")
	}
	if len(frames) > 0 {
		out = append(out, "Interpreted code, innermost first:")
		out = append(out, frames...)
	}
	if len(body) > 0 {
		out = append(out, "Compiled code, innermost first:")
		out = append(out, body...)
	}
	return out
}

// crashLines splits the runtime's crash text into the message lines
// ("panic: ...", "fatal error: ...") and the compiled frames worth
// showing, as "in FUNC at FILE:LINE", of the goroutine that crashed (the
// first one listed; a fatal error may list the others too).
func crashLines(crash string) (head, frames []string) {
	lines := strings.Split(strings.TrimSpace(crash), "\n")
	const (
		message = iota
		system  // "runtime stack:", the runtime's own frames
		stack   // the crashed goroutine's frames
	)
	state := message
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case l == "runtime stack:":
			state = system
			continue
		case strings.HasPrefix(l, "goroutine ") && strings.HasSuffix(l, ":"):
			if state == stack {
				return head, frames // the next goroutine
			}
			state = stack
			continue
		case l == "":
			if state == system {
				state = message
			}
			continue
		}
		switch state {
		case message:
			if strings.HasPrefix(l, "runtime: sp=") || strings.HasPrefix(l, "runtime: g") && strings.Contains(l, "sp=") {
				continue
			}
			head = append(head, l)
		case stack:
			if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "created by ") || strings.HasPrefix(l, "...") {
				continue
			}
			if noiseFrame.MatchString(l) || len(frames) >= maxCompiledFrames {
				continue
			}
			at := ""
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
				at = strings.TrimSpace(lines[i+1])
				if k := strings.LastIndex(at, " +0x"); k > 0 {
					at = at[:k]
				}
			}
			fn := l
			if k := strings.LastIndex(fn, "("); k > 0 {
				fn = fn[:k]
			}
			frames = append(frames, "  in "+fn+" at "+at)
		}
	}
	return head, frames
}
