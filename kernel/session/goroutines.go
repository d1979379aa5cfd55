package session

import (
	"bytes"
	"runtime"
	"strings"
)

// runCreators are how a goroutine dump names the functions that start the
// goroutine in which yaegi's ExecuteWithContext and EvalWithContext run a
// program. After an interrupt they return at once, but that goroutine runs
// on while compiled code it called (time.Sleep, a solve that ignores its
// context) has not returned.
var runCreators = []string{
	"created by github.com/traefik/yaegi/interp.(*Interpreter).ExecuteWithContext",
	"created by github.com/traefik/yaegi/interp.(*Interpreter).EvalWithContext",
}

// runsProgram reports whether the goroutine stack g runs a program.
func runsProgram(g string) bool {
	for _, c := range runCreators {
		if strings.Contains(g, c) {
			return true
		}
	}
	return false
}

// interpPrefix marks functions of the interpreter in a goroutine dump.
const interpPrefix = "github.com/traefik/yaegi/interp."

// goroutineDump returns the stacks of all goroutines, one per element.
func goroutineDump() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		if len(buf) >= 64<<20 {
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Split(string(bytes.TrimSpace(buf)), "\n\n")
}

// runningEvals counts the goroutines in which the interpreter still runs a
// program: the session's own (see runControl), and those of yaegi's
// EvalWithContext, which the session uses for quiet evaluations.
func (s *Session) runningEvals() int {
	n := int(s.ctl.inflight.Load())
	for _, g := range goroutineDump() {
		if runsProgram(g) {
			n++
		}
	}
	return n
}

// interpretedGoroutines counts the goroutines that run interpreted code,
// other than those that run a chunk: the goroutines that cells started
// with the go statement.
func interpretedGoroutines() int {
	n := 0
	for _, g := range goroutineDump() {
		if runsProgram(g) {
			continue
		}
		if strings.Contains(g, "created by "+interpPrefix) {
			n++
		}
	}
	return n
}
