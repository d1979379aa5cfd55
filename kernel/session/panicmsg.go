package session

import (
	"fmt"
	"regexp"
)

// The interpreter runs index expressions, field selections and calls
// through reflect: a run-time failure panics with reflect's message
// ("reflect: slice index out of range") where Go panics with a
// runtime.Error ("runtime error: index out of range [3] with length 0").
// recover() in a cell returns the value that recoveredValue makes of it: a
// runtime.Error with Go's wording where the kernel can tell it, and with
// what the interpreter did not report said so.

// runtimeError is a run-time panic of interpreted code, as a
// runtime.Error.
type runtimeError struct{ msg string }

func (e runtimeError) Error() string { return e.msg }

// RuntimeError marks runtimeError as a runtime.Error.
func (runtimeError) RuntimeError() {}

// runtimePanics maps the interpreter's run-time panic messages to Go's.
var runtimePanics = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^reflect: (slice|array|string) index out of range$`), "runtime error: index out of range (the interpreter does not report the index and the length)"},
	{regexp.MustCompile(`^reflect\.Value\.Slice3?: slice index out of bounds$`), "runtime error: slice bounds out of range (the interpreter does not report the bounds)"},
	{regexp.MustCompile(`^reflect\.Value\.Call: call of nil function$`), "runtime error: invalid memory address or nil pointer dereference"},
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`), "runtime error: invalid memory address or nil pointer dereference (the interpreter's message: $0)"},
	{regexp.MustCompile(`^\d+:\d+: (interface conversion: .*)$`), "$1"},
}

// runtimeMessage returns Go's wording of the interpreter's run-time panic
// message msg, and whether it is one.
func runtimeMessage(msg string) (string, bool) {
	for _, t := range runtimePanics {
		if t.re.MatchString(msg) {
			return t.re.ReplaceAllString(msg, t.repl), true
		}
	}
	return msg, false
}

// recoveredValue is what recover() returns in a cell for the panic value
// v.
func recoveredValue(v any) any {
	var msg string
	switch x := v.(type) {
	case string:
		msg = x
	case error:
		if _, ok := x.(interface{ RuntimeError() }); ok {
			return v
		}
		msg = x.Error()
		// Only the interpreter's own errors (reflect's, its
		// compile-time checks at run time).
		switch fmt.Sprintf("%T", x) {
		case "*reflect.ValueError", "*interp.cfgError":
		default:
			return v
		}
	default:
		return v
	}
	if m, ok := runtimeMessage(msg); ok {
		return runtimeError{m}
	}
	return v
}
