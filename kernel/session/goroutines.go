package session

import (
	"bytes"
	"runtime"
	"strings"
)

// evalCreator is how a goroutine dump names the function that starts the
// goroutine in which yaegi's EvalWithContext runs a chunk. After an
// interrupt EvalWithContext returns at once, but that goroutine runs on
// while compiled code it called (time.Sleep, a solve that ignores its
// context) has not returned.
const evalCreator = "created by github.com/traefik/yaegi/interp.(*Interpreter).EvalWithContext"

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
// chunk.
func runningEvals() int {
	n := 0
	for _, g := range goroutineDump() {
		if strings.Contains(g, evalCreator) {
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
		if strings.Contains(g, evalCreator) {
			continue
		}
		if strings.Contains(g, "created by "+interpPrefix) {
			n++
		}
	}
	return n
}
