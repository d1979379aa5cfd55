package worker

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/dcem-go/dcem/kernel"
	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/notebook"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/widgets"
)

// The test binary is its own worker: started with this variable set, it
// serves on descriptors 3 and 4 instead of running tests.
const workerEnv = "DCEM_WORKER_TEST"

// maxFrameEnv and noProcEnv set the test worker's maxFrame and hide its
// /proc/self/task.
const (
	maxFrameEnv = "DCEM_WORKER_TEST_MAXFRAME"
	noProcEnv   = "DCEM_WORKER_TEST_NOPROC"
)

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		// A few compiled symbols, as dcem's full set would give.
		syms := interp.Exports{
			"github.com/dcem-go/dcem/kernel/display/display": {
				"Show": reflect.ValueOf(display.Show),
				"HTML": reflect.ValueOf((*display.HTML)(nil)),
			},
			"github.com/dcem-go/dcem/kernel/notebook/notebook": {
				"Input":    reflect.ValueOf(notebook.Input),
				"Password": reflect.ValueOf(notebook.Password),
			},
			"github.com/dcem-go/dcem/widgets/widgets": {
				"NewIntSlider": reflect.ValueOf(widgets.NewIntSlider),
				"NewLabel":     reflect.ValueOf(widgets.NewLabel),
				"NewOutput":    reflect.ValueOf(widgets.NewOutput),
				"Interact":     reflect.ValueOf(widgets.Interact),
				"Change":       reflect.ValueOf((*widgets.Change)(nil)),
				"IntSlider":    reflect.ValueOf((*widgets.IntSlider)(nil)),
				"Interactive":  reflect.ValueOf((*widgets.Interactive)(nil)),
				"Label":        reflect.ValueOf((*widgets.Label)(nil)),
				"Model":        reflect.ValueOf((*widgets.Model)(nil)),
				"Output":       reflect.ValueOf((*widgets.Output)(nil)),
			},
		}
		// Test settings of the worker: a smaller frame limit, and a
		// /proc without the threads' system calls.
		if n, err := strconv.Atoi(os.Getenv(maxFrameEnv)); err == nil {
			maxFrame.Store(int64(n))
		}
		if os.Getenv(noProcEnv) == "1" {
			procTask = "/nonexistent/task"
		}
		if err := Serve(os.NewFile(3, "requests"), os.NewFile(4, "events"), session.Options{Symbols: []interp.Exports{syms}}); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// buffer is a concurrency-safe output sink.
type buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type recorder struct {
	mu    sync.Mutex
	shown []display.Bundle
}

func (r *recorder) Display(data display.Bundle, _ map[string]any, _ string, _ bool) {
	r.mu.Lock()
	r.shown = append(r.shown, data)
	r.mu.Unlock()
}

func (r *recorder) Clear(bool) {}

func start(t *testing.T, env ...string) (*Supervisor, *buffer, *buffer, *recorder) {
	t.Helper()
	var out, errOut buffer
	rec := &recorder{}
	s, err := Start(Options{
		Path:      os.Args[0],
		Env:       append(append(os.Environ(), workerEnv+"=1"), env...),
		Stdout:    &out,
		Stderr:    &errOut,
		Publisher: rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &out, &errOut, rec
}

func value(t *testing.T, s *Supervisor, code string) string {
	t.Helper()
	b, err := s.Execute(context.Background(), code)
	if err != nil {
		t.Fatalf("%q: %v", code, err)
	}
	v, _ := b["text/plain"].(string)
	return v
}

func cellErr(t *testing.T, s *Supervisor, ctx context.Context, code string) *session.Error {
	t.Helper()
	_, err := s.Execute(ctx, code)
	var se *session.Error
	if !errors.As(err, &se) {
		t.Fatalf("%q: err = %v, want a *session.Error", code, err)
	}
	return se
}

func TestExecuteOutputAndDisplay(t *testing.T) {
	s, out, _, rec := start(t)
	if v := value(t, s, "1 + 1"); v != "2" {
		t.Errorf("1 + 1 = %q", v)
	}
	value(t, s, `import ("fmt"; "github.com/dcem-go/dcem/kernel/display")`)
	value(t, s, "fmt.Println(\"before\")\ndisplay.Show(display.HTML(\"<b>x</b>\"))")
	if got := out.String(); got != "before\n" {
		t.Errorf("stdout = %q", got)
	}
	if len(rec.shown) != 1 || rec.shown[0]["text/html"] != "<b>x</b>" {
		t.Errorf("shown = %v", rec.shown)
	}
	if m, _, _ := s.Complete("fmt.Prin", 8); len(m) < 3 {
		t.Errorf("completions of fmt.Prin = %v", m)
	}
	if st, _ := s.IsComplete("func f() {"); st != "incomplete" {
		t.Errorf("is_complete = %q", st)
	}
	if doc, found := s.Inspect("fmt.Println", 11); !found || !strings.Contains(doc, "Println") {
		t.Errorf("inspect = %q %v", doc, found)
	}
}

// crash runs a cell that ends the worker, checks that the error carries
// want, and that a fresh worker runs the next cell.
func crash(t *testing.T, s *Supervisor, setup, code string, want ...string) *session.Error {
	t.Helper()
	value(t, s, "kept := 1")
	if setup != "" {
		value(t, s, setup)
	}
	pid := s.Pid()
	e := cellErr(t, s, context.Background(), code)
	if e.Name != "InterpreterDied" {
		t.Fatalf("%q: error %s: %s", code, e.Name, e.Value)
	}
	tb := strings.Join(e.Traceback, "\n")
	for _, w := range append(want, lostState) {
		if !strings.Contains(tb, w) {
			t.Errorf("%q: traceback lacks %q:\n%s", code, w, tb)
		}
	}
	if s.Pid() == pid {
		t.Errorf("the worker was not replaced")
	}
	if v := value(t, s, "1 + 1"); v != "2" {
		t.Errorf("1 + 1 = %q in the fresh worker", v)
	}
	if _, err := s.Execute(context.Background(), "kept"); err == nil {
		t.Errorf("the state of the dead worker survived")
	}
	return e
}

func TestGoroutinePanic(t *testing.T) {
	s, _, errOut, _ := start(t)
	crash(t, s, "import \"time\"\nfunc worker() {\n\tpanic(\"boom in a goroutine\")\n}",
		"go worker()\ntime.Sleep(5 * time.Second)",
		"panic: boom in a goroutine", "at cell line 3, in worker")
	if strings.Contains(errOut.String(), "boom") {
		t.Errorf("the crash report was also printed as output: %q", errOut.String())
	}
}

func TestStackOverflow(t *testing.T) {
	s, _, _, _ := start(t)
	crash(t, s, "func down(n int) int { return down(n+1) + 1 }", "down(0)", "stack overflow")
}

func TestCompiledExit(t *testing.T) {
	s, _, errOut, _ := start(t)
	// A compiled package that calls os.Exit: flag with ExitOnError.
	crash(t, s, `import "flag"`, `flag.NewFlagSet("cell", flag.ExitOnError).Parse([]string{"-nosuch"})`,
		"exited with status 2", "flag provided but not defined: -nosuch")
	if !strings.Contains(errOut.String(), "flag provided but not defined") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

func TestLogFatalKeepsState(t *testing.T) {
	s, _, errOut, _ := start(t)
	value(t, s, "import \"log\"\nkept := 5")
	e := cellErr(t, s, context.Background(), `log.Fatal("fatal in a cell")`)
	if e.Name != "Exit" {
		t.Errorf("log.Fatal: %s: %s", e.Name, e.Value)
	}
	if !strings.Contains(errOut.String(), "fatal in a cell") {
		t.Errorf("stderr = %q", errOut.String())
	}
	if v := value(t, s, "kept"); v != "5" {
		t.Errorf("kept = %q after log.Fatal", v)
	}
}

func TestWorkerKilledBetweenCells(t *testing.T) {
	s, _, errOut, _ := start(t)
	value(t, s, "kept := 1")
	if err := syscall.Kill(s.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if v := value(t, s, "2 * 21"); v != "42" {
		t.Errorf("2 * 21 = %q", v)
	}
	if msg := errOut.String(); !strings.Contains(msg, "ended between cells") || !strings.Contains(msg, "SIGKILL") && !strings.Contains(msg, "killed") {
		t.Errorf("the next cell was not told: %q", msg)
	}
}

func TestKilledDuringCell(t *testing.T) {
	s, _, _, _ := start(t)
	value(t, s, "import \"time\"")
	pid := s.Pid()
	time.AfterFunc(300*time.Millisecond, func() { syscall.Kill(pid, syscall.SIGKILL) })
	e := cellErr(t, s, context.Background(), "time.Sleep(10 * time.Second)")
	if e.Name != "InterpreterDied" || !strings.Contains(e.Value, "killed") {
		t.Errorf("err = %s: %s", e.Name, e.Value)
	}
}

func TestInterrupt(t *testing.T) {
	s, _, _, _ := start(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	e := cellErr(t, s, ctx, "for {\n}")
	if e.Name != "Interrupted" {
		t.Errorf("err = %s: %s", e.Name, e.Value)
	}
	if v := value(t, s, "1 + 1"); v != "2" {
		t.Errorf("1 + 1 = %q", v)
	}
}

func TestInterruptWhileWaitingRestarts(t *testing.T) {
	s, _, _, _ := start(t)
	value(t, s, "import \"time\"\nkept := 1")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	if e := cellErr(t, s, ctx, "time.Sleep(time.Minute)"); e.Name != "Interrupted" {
		t.Fatalf("err = %s: %s", e.Name, e.Value)
	}
	// The next cell waits for the sleep; interrupting it restarts.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	e := cellErr(t, s, ctx, "1 + 1")
	if e.Name != "Interrupted" || !strings.Contains(e.Value, "restarted") {
		t.Errorf("err = %s: %s", e.Name, e.Value)
	}
	if v := value(t, s, "1 + 1"); v != "2" {
		t.Errorf("1 + 1 = %q after the restart", v)
	}
}

func TestStdin(t *testing.T) {
	s, out, _, _ := start(t)
	var prompts []string
	ctx := kernel.WithInput(context.Background(), func(prompt string, password bool) (string, error) {
		prompts = append(prompts, prompt)
		return "answer" + string(rune('0'+len(prompts))), nil
	})
	value(t, s, `import ("bufio"; "fmt"; "os")`)
	b, err := s.Execute(ctx, "var a string\nfmt.Print(\"name? \")\nfmt.Scan(&a)\nr := bufio.NewReader(os.Stdin)\nline, _ := r.ReadString('\\n')\na + \",\" + line")
	if err != nil {
		t.Fatal(err)
	}
	if got := b["text/plain"]; got != "\"answer1,answer2\\n\"" {
		t.Errorf("result = %v", got)
	}
	if len(prompts) != 2 {
		t.Errorf("asked %d times, want 2", len(prompts))
	}
	if !strings.Contains(out.String(), "name? ") {
		t.Errorf("stdout = %q", out.String())
	}
	// Without input, reading fails at once with an error that says why.
	start := time.Now()
	b, err = s.Execute(context.Background(), "var n int\n_, err := fmt.Scan(&n)\nerr.Error()")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b["text/plain"].(string); !strings.Contains(got, "does not accept input") {
		t.Errorf("fmt.Scan without input: %q", got)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("fmt.Scan without input took %v", time.Since(start))
	}
}

func TestInterruptWhileReadingStdin(t *testing.T) {
	s, _, _, _ := start(t)
	value(t, s, `import "fmt"`)
	ctx, cancel := context.WithCancel(context.Background())
	asked := make(chan bool, 1)
	ctx = kernel.WithInput(ctx, func(string, bool) (string, error) {
		asked <- true
		<-ctx.Done()
		return "", kernel.ErrNoInput
	})
	go func() {
		<-asked
		cancel()
	}()
	if e := cellErr(t, s, ctx, "var a string\nfmt.Scan(&a)\na"); e.Name != "Interrupted" {
		t.Fatalf("err = %s: %s", e.Name, e.Value)
	}
	start := time.Now()
	if v := value(t, s, "1 + 1"); v != "2" {
		t.Errorf("1 + 1 = %q", v)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the next cell waited %v for the interrupted read", d)
	}
}

func TestUnresponsiveWorkerIsReplaced(t *testing.T) {
	var out, errOut buffer
	s, err := Start(Options{Path: os.Args[0], Env: append(os.Environ(), workerEnv+"=1"),
		Stdout: &out, Stderr: &errOut, InterruptGrace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	value(t, s, "import \"time\"")
	pid := s.Pid()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, func() {
		syscall.Kill(pid, syscall.SIGSTOP) // it can answer nothing now
		cancel()
	})
	e := cellErr(t, s, ctx, "time.Sleep(time.Minute)")
	if e.Name != "InterpreterDied" || !strings.Contains(strings.Join(e.Traceback, "\n"), "did not answer the interrupt") {
		t.Errorf("err = %s: %s\n%s", e.Name, e.Value, strings.Join(e.Traceback, "\n"))
	}
	if v := value(t, s, "1 + 1"); v != "2" {
		t.Errorf("1 + 1 = %q in the new worker", v)
	}
}

func TestNotebookInput(t *testing.T) {
	s, _, _, _ := start(t)
	type ask struct {
		prompt   string
		password bool
	}
	var asked []ask
	ctx := kernel.WithInput(context.Background(), func(prompt string, password bool) (string, error) {
		asked = append(asked, ask{prompt, password})
		return "line" + string(rune('0'+len(asked))), nil
	})
	value(t, s, `import "github.com/dcem-go/dcem/kernel/notebook"`)
	b, err := s.Execute(ctx, "a, _ := notebook.Input(\"Name: \")\nb, _ := notebook.Password(\"Secret: \")\na + b")
	if err != nil {
		t.Fatal(err)
	}
	if got := b["text/plain"]; got != `"line1line2"` {
		t.Errorf("result = %v", got)
	}
	if len(asked) != 2 || asked[0] != (ask{"Name: ", false}) || asked[1] != (ask{"Secret: ", true}) {
		t.Errorf("asked %v", asked)
	}
	b, err = s.Execute(context.Background(), "_, err := notebook.Input(\"x\")\nerr.Error()")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b["text/plain"].(string); !strings.Contains(got, "does not accept input") {
		t.Errorf("notebook.Input without input: %q", got)
	}
}

// BenchmarkExecuteOnePlusOne measures "1 + 1" through the worker process.
func BenchmarkExecuteOnePlusOne(b *testing.B) {
	var out, errOut buffer
	s, err := Start(Options{Path: os.Args[0], Env: append(os.Environ(), workerEnv+"=1"), Stdout: &out, Stderr: &errOut})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(context.Background(), "1 + 1"); err != nil {
			b.Fatal(err)
		}
	}
}
