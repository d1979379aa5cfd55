package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The language suite: small Go programs under testdata/lang/<release>/,
// grouped by the Go release that introduced what each one exercises. Each
// program runs with `go run` (the Go toolchain is the oracle) and as a
// cell — its imports, its declarations and the body of its main, in that
// order — and the two outputs are compared.
//
// A program whose cell prints something else than `go run` without an
// error fails the test: a wrong value is worse than an error. A program
// that fails with an error must be listed in langKnownErrors with the
// reason; one listed there that runs right fails the test too, so that
// the list stays true. The pass rate by release is logged (go test -v);
// the README quotes it.
//
// LANGSUITE=<substring> runs only the programs whose path contains it;
// LANGSUITE_BASELINE=1 also runs every program without the session's
// rewrites and logs that pass rate; LANGSUITE_PROGRAM=1 also runs each as
// a whole program (as dcem run does) and logs that pass rate.

// langKnownErrors are the programs that fail with an error (never a wrong
// value), with the reason.
var langKnownErrors = map[string]string{
	"go1.18/generic_types.go":         "v, ok := c.Get(k) at a cell's top level, with c of a generic type, is refused: the interpreter cannot type the definition",
	"go1.22/loopvar_defer_recover.go": "a deferred literal that calls recover and reads the loop's variables is refused: recover works only in the deferred literal itself, which the interpreter runs with the last iteration's variables",
	"go1.0/typeswitch_named.go":       "a type switch case int in a session that declares type ID int is refused: the interpreter stores an ID as an int and matches either case with either value",
}

// langKnownWrong are the programs whose cell prints something else than
// go run, with the reason: what the rewrites cannot reach. They count as
// failures in the pass rate; one that runs right fails the test, so that
// the list stays true.
var langKnownWrong = map[string]string{
	"go1.0/panic_runtime.go": "the interpreter does not report the index and the length of an index out of range: recover() gives \"runtime error: index out of range (the interpreter does not report the index and the length)\" where Go writes \"[3] with length 0\"",
}

type langResult struct {
	path, release string
	want, got     string
	err           error
}

func (r langResult) status() string {
	switch {
	case r.err != nil:
		return "error"
	case r.got == r.want:
		return "pass"
	}
	return "WRONG"
}

func TestLanguageSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("the language suite runs every program with go run")
	}
	if raceEnabled {
		// It checks what cells compute, not the session's concurrency
		// (make gotest runs it), and under the race detector the
		// interpreter runs each program many times slower.
		t.Skip("the language suite does not run under the race detector")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command: the suite needs the Go toolchain as its oracle")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "lang", "*", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs: %v", err)
	}
	if f := os.Getenv("LANGSUITE"); f != "" {
		var keep []string
		for _, p := range files {
			if strings.Contains(p, f) {
				keep = append(keep, p)
			}
		}
		files = keep
	}
	sort.Strings(files)
	var results []langResult
	for _, path := range files {
		r := runLangProgram(t, goTool, path, true)
		results = append(results, r)
		name := langName(path)
		reason, known := langKnownErrors[name]
		wrongReason, knownWrong := langKnownWrong[name]
		switch r.status() {
		case "WRONG":
			if knownWrong {
				t.Logf("%s: prints differently, as known (%s)", name, wrongReason)
				break
			}
			t.Errorf("%s: the cell printed\n%s\ngo run printed\n%s", name, r.got, r.want)
		case "error":
			if !known {
				t.Errorf("%s: %v", name, r.err)
			} else {
				t.Logf("%s: fails as known (%s): %v", name, reason, firstLine(r.err.Error()))
			}
		case "pass":
			if known || knownWrong {
				t.Errorf("%s runs right now: remove it from langKnownErrors or langKnownWrong", name)
			}
		}
	}
	rate := logRates(t, "with the session's rewrites", results)
	if len(files) >= 60 && rate < 0.9 {
		t.Errorf("pass rate %.0f%% is under 90%%", 100*rate)
	}
	if os.Getenv("LANGSUITE_PROGRAM") != "" {
		// The programs as dcem run runs them: whole files.
		var progs []langResult
		for _, path := range files {
			r := runLangFile(t, goTool, path)
			if r.status() != "pass" {
				t.Logf("as a program, %s: %s %v", langName(path), r.status(), r.err)
			}
			progs = append(progs, r)
		}
		logRates(t, "as whole programs (dcem run)", progs)
	}
	if os.Getenv("LANGSUITE_BASELINE") != "" {
		var base []langResult
		for _, path := range files {
			base = append(base, runLangProgram(t, goTool, path, false))
		}
		logRates(t, "without the rewrites (the interpreter alone)", base)
	}
}

func langName(path string) string {
	return filepath.ToSlash(strings.TrimPrefix(path, filepath.Join("testdata", "lang")+string(filepath.Separator)))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// logRates logs the pass rate by release and returns the overall one.
func logRates(t *testing.T, title string, results []langResult) float64 {
	type count struct{ pass, errs, wrong int }
	by := map[string]*count{}
	var rels []string
	total := count{}
	for _, r := range results {
		c := by[r.release]
		if c == nil {
			c = &count{}
			by[r.release] = c
			rels = append(rels, r.release)
		}
		switch r.status() {
		case "pass":
			c.pass++
			total.pass++
		case "error":
			c.errs++
			total.errs++
		default:
			c.wrong++
			total.wrong++
		}
	}
	sort.Slice(rels, func(i, j int) bool { return releaseLess(rels[i], rels[j]) })
	var b strings.Builder
	fmt.Fprintf(&b, "language suite %s:\n", title)
	fmt.Fprintf(&b, "%-8s %5s %5s %6s %6s\n", "release", "run", "pass", "error", "wrong")
	for _, rel := range rels {
		c := by[rel]
		fmt.Fprintf(&b, "%-8s %5d %5d %6d %6d\n", rel, c.pass+c.errs+c.wrong, c.pass, c.errs, c.wrong)
	}
	n := len(results)
	fmt.Fprintf(&b, "%-8s %5d %5d %6d %6d  (%.0f%% pass)\n", "all", n, total.pass, total.errs, total.wrong, 100*float64(total.pass)/float64(max(n, 1)))
	t.Log(b.String())
	return float64(total.pass) / float64(max(n, 1))
}

// releaseLess orders "go1.9" before "go1.13".
func releaseLess(a, b string) bool {
	var x, y int
	fmt.Sscanf(a, "go1.%d", &x)
	fmt.Sscanf(b, "go1.%d", &y)
	return x < y
}

// runLangProgram runs the program at path with go run and as a cell.
func runLangProgram(t *testing.T, goTool, path string, lowered bool) langResult {
	t.Helper()
	r := langResult{path: path, release: filepath.Base(filepath.Dir(path))}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "run", filepath.Base(path))
	cmd.Dir = filepath.Dir(path)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: go run: %v\n%s", path, err, stderr.String())
	}
	if stderr.Len() > 0 && strings.Contains(stderr.String(), "panic") {
		t.Fatalf("%s: go run: %s", path, stderr.String())
	}
	r.want = out.String()

	cell, err := programCell(string(src))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	saved := lowering
	lowering = lowered
	defer func() { lowering = saved }()
	var got syncBuffer
	s, err := New(Options{Stdout: &got, Stderr: &got})
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithTimeout(context.Background(), time.Minute)
	defer ccancel()
	_, r.err = s.Execute(cctx, cell)
	r.got = got.String()
	var e *Error
	if r.err != nil && !errors.As(r.err, &e) {
		t.Fatalf("%s: error %v is no *Error", path, r.err)
	}
	return r
}

// programCell turns a program into the cell a notebook user would write:
// the imports, the declarations other than main, and main's body.
func programCell(src string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	text := func(n ast.Node) string { return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset] }
	var imports, decls []string
	var body string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				imports = append(imports, text(d))
				continue
			}
			decls = append(decls, text(d))
		case *ast.FuncDecl:
			if d.Name.Name == "main" && d.Recv == nil {
				b := text(d.Body)
				body = strings.TrimSpace(b[1 : len(b)-1])
				continue
			}
			decls = append(decls, text(d))
		}
	}
	if body == "" {
		return "", errors.New("no func main")
	}
	return strings.Join(imports, "\n") + "\n\n" + strings.Join(decls, "\n\n") + "\n\n" + body + "\n", nil
}

// runLangFile runs the program at path with go run and as a whole program
// (Session.RunProgram, as dcem run does).
func runLangFile(t *testing.T, goTool, path string) langResult {
	t.Helper()
	r := runLangProgram(t, goTool, path, true)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got syncBuffer
	s, err := New(Options{Stdout: &got, Stderr: &got})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r.err = s.RunProgram(ctx, string(src))
	r.got = got.String()
	return r
}
