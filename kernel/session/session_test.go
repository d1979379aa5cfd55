package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the interpreter's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newSession(t *testing.T) (*Session, *syncBuffer, *syncBuffer) {
	t.Helper()
	var out, errOut syncBuffer
	s, err := New(Options{Stdout: &out, Stderr: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	return s, &out, &errOut
}

func run(t *testing.T, s *Session, cell string) map[string]any {
	t.Helper()
	b, err := s.Execute(context.Background(), cell)
	if err != nil {
		t.Fatalf("cell %q: %v", cell, err)
	}
	return b
}

func runErr(t *testing.T, s *Session, cell string) *Error {
	t.Helper()
	_, err := s.Execute(context.Background(), cell)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("cell %q: err = %v, want *Error", cell, err)
	}
	return e
}

func TestMixedCellAndState(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, `import "fmt"
x := 2
func double(v int) int { return 2 * v }
fmt.Println("double", double(x))
type point struct{ X, Y int }
p := point{1, x}`)
	if got := out.String(); got != "double 4\n" {
		t.Errorf("stdout = %q", got)
	}
	b := run(t, s, "p.Y + double(x)")
	if b["text/plain"] != "6" {
		t.Errorf("result = %v, want 6", b)
	}
	// Redefinition.
	run(t, s, "func double(v int) int { return 3 * v }")
	if b := run(t, s, "double(1)"); b["text/plain"] != "3" {
		t.Errorf("redefined double(1) = %v", b)
	}
	if b := run(t, s, `x = 7`); b != nil {
		t.Errorf("an assignment has a result: %v", b)
	}
}

func TestNoResultForVoidOrMultiValueCalls(t *testing.T) {
	s, out, _ := newSession(t)
	if b := run(t, s, "import \"fmt\"\nfmt.Println(\"hi\")"); b != nil {
		t.Errorf("fmt.Println has a result: %v", b)
	}
	if b := run(t, s, "func f() {}\nf()"); b != nil {
		t.Errorf("a void call has a result: %v", b)
	}
	if out.String() != "hi\n" {
		t.Errorf("stdout = %q: a cell ran twice?", out.String())
	}
	if b := run(t, s, `"s"`); b["text/plain"] != `"s"` {
		t.Errorf("string result = %v", b)
	}
}

func TestRichResultOfInterpretedType(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "type badge string\nfunc (b badge) HTML() string { return \"<b>\" + string(b) + \"</b>\" }")
	b := run(t, s, `badge("ok")`)
	if b["text/html"] != "<b>ok</b>" {
		t.Errorf("result = %v", b)
	}
	b = run(t, s, "type md struct{ s string }\nfunc (m md) Markdown() string { return m.s }\nfunc (m md) String() string { return \"md:\" + m.s }\nmd{\"# hi\"}")
	if b["text/markdown"] != "# hi" || b["text/plain"] != "md:# hi" {
		t.Errorf("result = %v", b)
	}
}

func TestPanicsAreErrors(t *testing.T) {
	s, _, errOut := newSession(t)
	cases := map[string]string{
		"var m map[string]int\nm[\"a\"] = 1":          "nil map",
		"z := 0\n_ = 1 / z":                           "divide by zero",
		"a := []int{1}\ni := 3\n_ = a[i]":             "index out of range",
		"var e interface{} = 1\n_ = e.(string)":       "interface",
		"func boom() { panic(\"kaboom\") }\n\nboom()": "kaboom",
		"var p *int\nq := *p\n_ = q":                  "",
	}
	for cell, want := range cases {
		e := runErr(t, s, cell)
		if e.Name != "Panic" || !strings.Contains(e.Value, want) {
			t.Errorf("cell %q: %s: %s, want a panic with %q", cell, e.Name, e.Value, want)
		}
	}
	e := runErr(t, s, "func boom2() { panic(\"deep\") }\n\nboom2()")
	tb := strings.Join(e.Traceback, "\n")
	if !strings.Contains(tb, "cell line 1, in boom2") || !strings.Contains(tb, "cell line 3") {
		t.Errorf("traceback does not name the lines:\n%s", tb)
	}
	if strings.Contains(errOut.String(), "panic:") {
		t.Errorf("yaegi's panic report leaked to stderr: %q", errOut.String())
	}
	// The session still works.
	if b := run(t, s, "40 + 2"); b["text/plain"] != "42" {
		t.Errorf("after panics: %v", b)
	}
}

func TestTopLevelCommaOkAssertion(t *testing.T) {
	s, _, _ := newSession(t)
	_, err := s.Execute(context.Background(), "import \"fmt\"\nvar e interface{} = 3\n_, ok := e.(fmt.Stringer)\nok")
	// yaegi may or may not handle this; it must never take the session down.
	t.Logf("comma-ok assertion at top level: %v", err)
	if b := run(t, s, "1 + 1"); b["text/plain"] != "2" {
		t.Errorf("after assertion: %v", b)
	}
}

func TestOSExitDoesNotExit(t *testing.T) {
	s, _, _ := newSession(t)
	e := runErr(t, s, "import \"os\"\nos.Exit(3)")
	if e.Name != "Exit" || !strings.Contains(e.Value, "os.Exit(3)") {
		t.Errorf("os.Exit gives %s: %s", e.Name, e.Value)
	}
	if b := run(t, s, "1"); b["text/plain"] != "1" {
		t.Errorf("after os.Exit: %v", b)
	}
}

func TestCompileErrorNamesCellLine(t *testing.T) {
	s, _, _ := newSession(t)
	e := runErr(t, s, "x := 1\n_ = x\n\ny := undefinedName")
	if e.Name != "CompileError" || !strings.Contains(e.Value, "cell line 4") {
		t.Errorf("got %s: %s", e.Name, e.Value)
	}
	e = runErr(t, s, "func f( {")
	if e.Name != "CompileError" {
		t.Errorf("syntax error gives %s: %s", e.Name, e.Value)
	}
}

func TestInterruptStopsLoop(t *testing.T) {
	s, _, _ := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := s.Execute(ctx, "n := 0\nfor {\n\tn++\n}")
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("interrupt took %v", d)
	}
	if b := run(t, s, "2 * 21"); b["text/plain"] != "42" {
		t.Errorf("after interrupt: %v", b)
	}
}

func TestNotebookContextIsCellContext(t *testing.T) {
	var out syncBuffer
	s, err := New(Options{Stdout: &out, Symbols: nil})
	if err != nil {
		t.Fatal(err)
	}
	_ = s
}

func TestReimport(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import (\"fmt\"; \"os\")\nfmt.Fprintln(os.Stdout, \"a\")")
	run(t, s, "import \"fmt\"\nfmt.Println(\"b\")")
	run(t, s, "import (\n\t\"fmt\"\n\t\"strings\"\n)\nfmt.Println(strings.ToUpper(\"c\"))")
	run(t, s, "import str \"strings\"\nfmt.Println(str.Repeat(\"d\", 2))")
	if got := out.String(); got != "b\nC\ndd\n" {
		// "a" went to the process's os.Stdout, not the session's writer.
		t.Errorf("stdout = %q", got)
	}
	e := runErr(t, s, "import \"fmt\"\n\nimport \"no/such/pkg\"")
	if !strings.Contains(e.Value, "cell line 3") {
		t.Errorf("bad import: %s", e.Value)
	}
}

func TestFinalExpressionRunsOnce(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\nn := 0\nfunc bump() int { n++; fmt.Println(\"bump\"); return n }\nfunc void() { fmt.Println(\"void\") }")
	if b := run(t, s, "bump()"); b["text/plain"] != "1" {
		t.Errorf("bump() = %v", b)
	}
	if b := run(t, s, "void()"); b != nil {
		t.Errorf("void() = %v", b)
	}
	if b := run(t, s, "fmt.Println(\"two\")"); b != nil {
		t.Errorf("fmt.Println = %v", b)
	}
	if got := out.String(); got != "bump\nvoid\ntwo\n" {
		t.Errorf("stdout = %q: something ran twice", got)
	}
	e := runErr(t, s, "x := 1\n_ = x\nnotDefined")
	if !strings.Contains(e.Value, "undefined: notDefined") || !strings.Contains(e.Value, "cell line 3") {
		t.Errorf("undefined final name: %s", e.Value)
	}
}

func TestFinalBuiltinCalls(t *testing.T) {
	s, _, _ := newSession(t)
	e := runErr(t, s, "x := 1\n_ = x\npanic(\"bad\")")
	if e.Name != "Panic" || e.Value != "bad" {
		t.Errorf("final panic: %s: %s", e.Name, e.Value)
	}
	if b := run(t, s, "m := map[int]int{1: 1}\ndelete(m, 1)"); b != nil {
		t.Errorf("final delete: %v", b)
	}
	if b := run(t, s, "len(\"abc\")"); b["text/plain"] != "3" {
		t.Errorf("final len: %v", b)
	}
}

func BenchmarkExecuteOnePlusOne(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r, err := s.Execute(ctx, "1+1"); err != nil || r["text/plain"] != "2" {
			b.Fatal(r, err)
		}
	}
}

func BenchmarkNewSession(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMultiValueDefineInLoopAtTopLevel(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, `import (
	"fmt"
	"strconv"
)
var got []int
for i := 0; i < 3; i++ {
	v, err := strconv.Atoi(fmt.Sprint(i))
	if err != nil {
		panic(err)
	}
	got = append(got, v)
}
if n, err := strconv.Atoi("7"); err == nil {
	got = append(got, n)
}
total := 0
outer:
for _, v := range got {
	switch {
	case v > 5:
		break outer
	}
	total += v
}
fmt.Println(got, total)`)
	if out.String() != "[0 1 2 7] 3\n" {
		t.Errorf("stdout = %q", out.String())
	}
	e := runErr(t, s, "for i := 0; i < 1; i++ {\n\tvar m map[int]int\n\tm[i] = 1\n}")
	if e.Name != "Panic" || !strings.Contains(e.Value, "nil map") || !strings.Contains(strings.Join(e.Traceback, "\n"), "cell line") {
		t.Errorf("traceback = %q", e.Traceback)
	}
}

func TestInterruptLoopInFunction(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "n := 0\nfunc spin() {\n\tfor {\n\t\tn++\n\t}\n}")
	for _, cell := range []string{"spin()", "for i := 0; i < 3; i++ {\n\tspin()\n}", "if true {\n\tfor {\n\t}\n}"} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := s.Execute(ctx, cell)
		cancel()
		var e *Error
		if !errors.As(err, &e) || e.Name != "Interrupted" {
			t.Fatalf("%q: err = %v", cell, err)
		}
		done := make(chan map[string]any, 1)
		go func() {
			b, _ := s.Execute(context.Background(), "1 + 1")
			done <- b
		}()
		select {
		case b := <-done:
			if b["text/plain"] != "2" {
				t.Fatalf("after interrupting %q: %v", cell, b)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("the session is stuck after interrupting %q", cell)
		}
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv("DCEM_SESSION_TEST", "quick")
	s, _, _ := newSession(t)
	if b := run(t, s, "import \"os\"\nos.Getenv(\"DCEM_SESSION_TEST\")"); b["text/plain"] != `"quick"` {
		t.Errorf("os.Getenv in a cell = %v", b)
	}
}

// interruptAfter runs cell and cancels its context after d.
func interruptAfter(s *Session, cell string, d time.Duration) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(d, cancel)
	_, err := s.Execute(ctx, cell)
	return err
}

func TestInterruptedCellRunsNothingAfterward(t *testing.T) {
	s, _, errOut := newSession(t)
	run(t, s, "import \"time\"\nv := 0")
	start := time.Now()
	err := interruptAfter(s, "time.Sleep(1500 * time.Millisecond)\nv = 99", 200*time.Millisecond)
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		t.Fatalf("err = %v, want Interrupted", err)
	}
	if !strings.Contains(e.Value, "still running") {
		t.Errorf("the message does not say that compiled code still runs: %q", e.Value)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the interrupt took %v to answer", took)
	}
	// The next cell waits for time.Sleep to return, and v stays 0.
	if b := run(t, s, "v"); b["text/plain"] != "0" {
		t.Errorf("v = %v after the interrupted cell, want 0", b["text/plain"])
	}
	if took := time.Since(start); took < 1400*time.Millisecond {
		t.Errorf("the next cell ran %v after the interrupt, before the compiled call returned", took)
	}
	if !strings.Contains(errOut.String(), "Waiting for compiled code") {
		t.Errorf("stderr does not tell the user about the wait: %q", errOut.String())
	}
	time.Sleep(100 * time.Millisecond)
	if b := run(t, s, "v"); b["text/plain"] != "0" {
		t.Errorf("v = %v later, want 0", b["text/plain"])
	}
}

func TestInterruptWaitIsBounded(t *testing.T) {
	s, err := New(Options{InterruptWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, s, "import \"time\"")
	interruptAfter(s, "time.Sleep(2 * time.Second)", 100*time.Millisecond)
	e := runErr(t, s, "1 + 1")
	if e.Name != "Busy" {
		t.Fatalf("err = %v, want Busy", e)
	}
	time.Sleep(2 * time.Second)
	if b := run(t, s, "1 + 1"); b["text/plain"] != "2" {
		t.Errorf("1 + 1 = %v once the call returned", b)
	}
}

func TestInterruptSaysItStopsGoroutines(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "import \"time\"\ngo func() {\n\tticks := 0\n\tfor {\n\t\tticks++\n\t\ttime.Sleep(time.Millisecond)\n\t}\n}()")
	err := interruptAfter(s, "for {\n}", 200*time.Millisecond)
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		t.Fatalf("err = %v, want Interrupted", err)
	}
	if !strings.Contains(e.Value, "also stopped 1 goroutine") {
		t.Errorf("the message does not name the stopped goroutine: %q", e.Value)
	}
}

func TestCellThatDoesNotCompileRunsNothing(t *testing.T) {
	s, out, _ := newSession(t)
	e := runErr(t, s, "import \"fmt\"\nfmt.Println(\"ran\")\nranVar := 1\nfunc helper() int { return 2 }\nbad := 1 + \"x\"")
	if e.Name != "CompileError" || !strings.Contains(e.Value, "cell line 5") {
		t.Errorf("err = %s: %s", e.Name, e.Value)
	}
	if !strings.Contains(e.Value, "ranVar now exist(s) with zero value") {
		t.Errorf("the error does not name the unset variable: %s", e.Value)
	}
	if got := out.String(); got != "" {
		t.Errorf("part of the cell ran: stdout = %q", got)
	}
	// The declarations of functions are usable, the import is in effect.
	if b := run(t, s, "helper()"); b["text/plain"] != "2" {
		t.Errorf("helper() = %v", b)
	}
	run(t, s, "import \"fmt\"\nfmt.Print(\"again\")")
	if got := out.String(); got != "again" {
		t.Errorf("stdout = %q", got)
	}
	// A compound statement before the error does not run either.
	e = runErr(t, s, "for i := 0; i < 3; i++ {\n\tfmt.Print(i)\n}\nundefinedAfterLoop()")
	if !strings.Contains(e.Value, "undefined: undefinedAfterLoop") {
		t.Errorf("err = %s", e.Value)
	}
	if got := out.String(); got != "again" {
		t.Errorf("the loop ran: stdout = %q", got)
	}
}

// TestTranslatedMessages is the list of yaegi messages the session
// rewrites, each with a cell that gives it.
func TestTranslatedMessages(t *testing.T) {
	cases := []struct {
		cell, want, notWant string
	}{
		{"y := foo.Bar()", "cell line 1: undefined: foo", "constant definition loop"},
		{"x := 1\n_ = x\ny := foo.Bar().Baz()", "cell line 3: undefined: foo", "nil pointer"},
		{"z := nosuch.Thing + 1", "undefined: nosuch", "constant definition loop"},
		{"xs := []int{1}\ni := 5\n_ = xs[i]", "index out of range", "reflect:"},
	}
	for _, c := range cases {
		s, _, _ := newSession(t)
		e := runErr(t, s, c.cell)
		if !strings.Contains(e.Value, c.want) || strings.Contains(e.Value, c.notWant) {
			t.Errorf("%q: %s: %s, want %q", c.cell, e.Name, e.Value, c.want)
		}
		tb := strings.Join(e.Traceback, "\n")
		if strings.Count(tb, c.want) != 1 {
			t.Errorf("%q: traceback names the error %d times:\n%s", c.cell, strings.Count(tb, c.want), tb)
		}
	}
}

func TestThirdPartyImportIsFetched(t *testing.T) {
	gopath := t.TempDir()
	var asked []string
	fetch := func(ctx context.Context, path string) error {
		asked = append(asked, path)
		if path != "example.com/greet" {
			return errors.New("no such module")
		}
		dir := filepath.Join(gopath, "src", "example.com", "greet")
		os.MkdirAll(dir, 0o755)
		return os.WriteFile(filepath.Join(dir, "greet.go"),
			[]byte("package greet\n\n// Hello greets.\nfunc Hello(n string) string { return \"hello, \" + n }\n"), 0o644)
	}
	s, err := New(Options{GoPath: gopath, Fetch: fetch})
	if err != nil {
		t.Fatal(err)
	}
	if b := run(t, s, "import \"example.com/greet\"\ngreet.Hello(\"go\")"); b["text/plain"] != `"hello, go"` {
		t.Errorf("result = %v", b)
	}
	run(t, s, "import \"example.com/greet\"")
	if len(asked) != 1 {
		t.Errorf("fetched %v, want once", asked)
	}
	e := runErr(t, s, "x := 1\nimport \"example.com/nosuch/pkg\"")
	if e.Name != "ImportError" || !strings.Contains(e.Value, "cell line 2") || !strings.Contains(e.Value, "no such module") {
		t.Errorf("err = %s: %s", e.Name, e.Value)
	}
}

// TestDeclarationUsesEarlierVariable covers a cell whose function uses a
// variable that an earlier statement of the same cell defines (each step
// is compiled once, before any runs, and that program runs).
func TestDeclarationUsesEarlierVariable(t *testing.T) {
	s, _, _ := newSession(t)
	b := run(t, s, "base := 40\nfunc plus() int { return base + 2 }\ntype box struct{ v int }\nfunc (b box) Twice() int { return 2 * b.v }\ny := plus()\nbox{y}.Twice()")
	if b["text/plain"] != "84" {
		t.Errorf("result = %v, want 84", b)
	}
	if b := run(t, s, "plus() + base"); b["text/plain"] != "82" {
		t.Errorf("next cell: %v, want 82", b)
	}
}

// lineOf returns the line of src on which sub first occurs.
func lineOf(t *testing.T, src, sub string) int {
	t.Helper()
	k := strings.Index(src, sub)
	if k < 0 {
		t.Fatalf("%q is not in the source", sub)
	}
	return 1 + strings.Count(src[:k], "\n")
}

// TestPanicLineIsTheStatementsLine checks that a panic's traceback names
// the line of the statement that panicked in each function, not the line
// where the function's body starts (which is what yaegi reports).
func TestPanicLineIsTheStatementsLine(t *testing.T) {
	const script = `import "fmt"

type T struct{ xs []int }

func (t T) At(i int) int {
	fmt.Println("at", i)
	n := len(t.xs)
	_ = n
	return t.xs[i] // index
}

func fail(s string) {
	fmt.Println("failing")
	panic("fail: " + s)
}

func outer(t T) int {
	fmt.Println("outer")
	v := 0
	for i := 0; i < 3; i++ {
		v += i
	}
	v += 10 / (v - 2)
	return v + t.At(v) // call At
}

fmt.Println("start")
for i := 0; i < 2; i++ {
	fmt.Println(i)
	x := outer(T{xs: []int{1}}) // call outer
	_ = x
}
`
	at := func(src, sub, fn string) string {
		return fmt.Sprintf("at cell line %d, in %s", lineOf(t, src, sub), fn)
	}
	// t.At(13) fails on its index, called from outer, called from the
	// loop at top level.
	s, _, _ := newSession(t)
	e := runErr(t, s, script)
	want := []string{at(script, "// index", "At"), at(script, "// call At", "outer"), at(script, "// call outer", "cell")}
	if got := strings.Join(e.Traceback[1:], "\n"); got != "  "+strings.Join(want, "\n  ") {
		t.Errorf("frames\n%s\nwant\n  %s", got, strings.Join(want, "\n  "))
	}
	// An explicit panic in a function called at top level.
	s, _, _ = newSession(t)
	src := strings.Replace(script, "x := outer(T{xs: []int{1}}) // call outer\n\t_ = x\n", "", 1) + "\nfail(\"x\")\n"
	e = runErr(t, s, src)
	want = []string{at(src, "panic(", "fail"), at(src, "fail(\"x\")", "cell")}
	if got := strings.Join(e.Traceback[1:], "\n"); got != "  "+strings.Join(want, "\n  ") {
		t.Errorf("frames\n%s\nwant\n  %s", got, strings.Join(want, "\n  "))
	}
}

// TestPanicLineWhenAmbiguous checks that a traceback names all the lines
// that can have raised a panic rather than one of them at random.
func TestPanicLineWhenAmbiguous(t *testing.T) {
	s, _, _ := newSession(t)
	e := runErr(t, s, `func pick(a []int, i, j int) int {
	x := a[i]
	y := a[j]
	return x + y
}

pick([]int{1, 2}, 0, 5)`)
	tb := strings.Join(e.Traceback, "\n")
	if !strings.Contains(tb, "at cell line 2 or 3, in pick") || !strings.Contains(tb, "at cell line 7, in cell") {
		t.Errorf("traceback:\n%s", tb)
	}
}

// TestProgramPanicLine checks the lines of a panic in a program (package
// main with func main), as "dcem run" runs it.
func TestProgramPanicLine(t *testing.T) {
	s, _, _ := newSession(t)
	err := s.RunProgram(context.Background(), `package main

import "fmt"

func main() {
	fmt.Println("x")
	var m map[string]int
	m["a"] = 1
}
`)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	tb := strings.Join(e.Traceback, "\n")
	if !strings.Contains(tb, "at cell line 8, in main") {
		t.Errorf("traceback:\n%s", tb)
	}
}
