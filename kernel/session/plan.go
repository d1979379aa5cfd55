package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// stepKind says how a step of a cell's plan runs.
type stepKind int

const (
	evalStep   stepKind = iota // run the program that check compiled from src
	importStep                 // imports: in effect once compiled
	declStep                   // declarations: as evalStep
	finalStep                  // the cell's final expression, whose value is the result
)

// step is one evaluation in the plan of a cell.
type step struct {
	kind stepKind
	src  string          // padded to its cell lines
	prog *interp.Program // compiled by check, run by execute
	// chunk, when set, is the chunk that this step completes: its names
	// are noted once the step has run.
	chunk *Chunk
	// For a final step: the expression, its cell line, and whether it
	// has exactly one value to show (else it runs as a plain statement).
	expr   string
	line   int
	single bool
}

// plan turns a cell's chunks into the steps that evaluate them: imports
// not in effect yet, declarations, runs of simple statements, compound
// statements as a function declared and called (see stmtSteps), and the
// final expression.
func (s *Session) plan(chunks []Chunk) []step {
	var steps []step
	for n := range chunks {
		c := &chunks[n]
		src := strings.Repeat("\n", c.Line-1) + c.Src
		switch c.Kind {
		case Imports:
			if src, some := s.newImports(*c); some {
				steps = append(steps, step{kind: importStep, src: src, chunk: c})
			}
			continue
		case Decls:
			steps = append(steps, step{kind: declStep, src: src, chunk: c})
			continue
		}
		if n == len(chunks)-1 {
			if prefix, final, line, ok := splitFinal(src); ok {
				if strings.TrimSpace(prefix) != "" {
					steps = append(steps, s.stmtSteps(prefix)...)
				}
				s.noteVars(c.Src)
				steps = append(steps, step{kind: finalStep, expr: final, line: line})
				continue
			}
		}
		st := s.stmtSteps(src)
		if len(st) > 0 {
			st[len(st)-1].chunk = c
		}
		steps = append(steps, st...)
	}
	return steps
}

// check compiles a step without running it; for a final step it also
// finds whether the expression has a single value.
func (s *Session) check(ctx context.Context, st *step) error {
	if st.kind == importStep {
		if err := s.fetchImports(ctx, st.src); err != nil {
			return err
		}
	}
	if st.kind != finalStep {
		// Each step is compiled once and that program runs: compiling
		// again would give a method or a := variable a second copy,
		// while code compiled earlier keeps the first.
		prog, err := s.compile(st.src)
		if err != nil {
			return s.describe(s.explainCompile(st.src, err), nil)
		}
		st.prog = prog
		return nil
	}
	pad := strings.Repeat("\n", st.line-1)
	if s.compiles(pad+"__dcemShow("+st.expr+")") == nil {
		st.single = true
		st.src = pad + lastVar + " := (" + st.expr + "); __dcemShow(" + lastVar + ")"
		if s.compiles(st.src) != nil {
			// A generic call's result cannot define a top-level
			// variable; handed on directly, it shows.
			st.src = pad + "__dcemShow(" + st.expr + ")"
		}
	} else {
		err := s.compiles(pad + "__dcemMany(" + st.expr + ")")
		if err != nil && !(strings.Contains(err.Error(), "cannot use ") && strings.Contains(err.Error(), "as type (...interface{})")) {
			// Not a call without results: a real error in the expression.
			return s.describe(s.explainCompile(pad+st.expr, err), nil)
		}
		// Several results (fmt.Println) or none: run it, show nothing.
		st.src = pad + st.expr
	}
	prog, err := s.compile(st.src)
	if err != nil {
		return s.describe(s.explainCompile(st.src, err), nil)
	}
	st.prog = prog
	return nil
}

// fetchImports asks Options.Fetch for the third-party packages that the
// imports src name and that are neither compiled in nor under GoPath.
func (s *Session) fetchImports(ctx context.Context, src string) error {
	if s.fetch == nil {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.ImportsOnly)
	if err != nil {
		return nil // the compiler reports it
	}
	for _, im := range f.Imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil || !thirdParty(path) {
			continue
		}
		if _, compiled := s.packages[path]; compiled {
			continue
		}
		if s.goPath != "" {
			if fi, err := os.Stat(filepath.Join(s.goPath, "src", filepath.FromSlash(path))); err == nil && fi.IsDir() {
				continue
			}
		}
		if err := s.fetch(ctx, path); err != nil {
			line := 1 + strings.Count(src[:min(len(src), strings.Index(src, im.Path.Value)+1)], "\n")
			msg := fmt.Sprintf("cell line %d: import %s: %v", line, im.Path.Value, err)
			return &Error{Name: "ImportError", Value: msg, Traceback: []string{"ImportError: " + msg}}
		}
	}
	return nil
}

// thirdParty reports whether an import path names a package outside the
// standard library: its first element holds a dot.
func thirdParty(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

// settle completes what compiling the first steps of a cell that failed
// to compile left behind: the imports are in effect, and declarations of
// functions, types and constants are run so that the names compiling
// registered work (variables stay unset: their initializers would run
// code).
func (s *Session) settle(steps []step) {
	for _, st := range steps {
		switch {
		case st.kind == importStep:
			s.noteImports(st.chunk.Src)
		case st.kind == declStep && !declaresVars(st.chunk.Src):
			if s.exec(context.Background(), st.prog) == nil {
				s.noteDecls(st.chunk.Src)
			}
		}
	}
}

// noteUnset adds to the error of a cell that did not compile the
// variables that its compiled steps declared: the interpreter knows them
// now, with zero values, although none of the cell ran.
func noteUnset(err error, compiled []step) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	var names []string
	for _, st := range compiled {
		if st.kind == evalStep || st.kind == declStep {
			names = append(names, varsOf(st.src)...)
		}
	}
	if len(names) == 0 {
		return err
	}
	note := fmt.Sprintf("No part of the cell ran; %s now exist(s) with zero value until the cell runs.", strings.Join(names, ", "))
	e.Value += "\n" + note
	e.Traceback = append(e.Traceback, note)
	return e
}

// varsOf returns the variables that top-level statements or declarations
// src declare (x in x := 1 or var x = 1).
func varsOf(src string) []string {
	var names []string
	add := func(ids []*ast.Ident) {
		for _, id := range ids {
			if id.Name != "_" && !strings.HasPrefix(id.Name, "__dcem") {
				names = append(names, id.Name)
			}
		}
	}
	if f, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {"+src+"\n}", parser.SkipObjectResolution); err == nil {
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							add([]*ast.Ident{id})
						}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, sp := range g.Specs {
						add(sp.(*ast.ValueSpec).Names)
					}
				}
			}
		}
		return names
	}
	if f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution); err == nil {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					add(sp.(*ast.ValueSpec).Names)
				}
			}
		}
	}
	return names
}

// declaresVars reports whether the declarations src hold a var.
func declaresVars(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			return true
		}
	}
	return false
}

// segment is a piece of a statement chunk: a run of simple statements, or
// one compound statement.
type segment struct {
	compound bool
	line     int // cell line where the segment starts
	src      string
}

// segments cuts the statements src (padded to its cell lines) into runs of
// simple statements and single compound statements (for, if, switch,
// select, a block, and labeled ones). ok is false when src does not parse;
// the caller then evaluates it whole, for the interpreter's error.
func segments(src string) (segs []segment, ok bool) {
	const head = "package p; func _() {"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	last := 0 // end offset of the previous compound statement
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
			*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		default:
			continue
		}
		start := fset.Position(st.Pos()).Offset - len(head)
		end := fset.Position(st.End()).Offset - len(head)
		if start < last || end > len(src) {
			return nil, false
		}
		if strings.TrimSpace(src[last:start]) != "" {
			segs = append(segs, segment{false, 1 + strings.Count(src[:last], "\n"), src[last:start]})
		}
		segs = append(segs, segment{true, 1 + strings.Count(src[:start], "\n"), src[start:end]})
		last = end
	}
	if strings.TrimSpace(src[last:]) != "" {
		segs = append(segs, segment{false, 1 + strings.Count(src[:last], "\n"), src[last:]})
	}
	return segs, true
}

// stmtSteps returns the steps that evaluate a statement chunk (padded to
// its cell lines). Each top-level compound statement runs as the body of a
// named function that is declared and called at once: yaegi fails to
// resolve names that a multi-value := defines inside such a statement at
// top level ("undefined: err"), and a loop in a function literal would not
// stop on interrupt; a named function has neither problem. Names declared
// in a compound statement are local to it in Go, so the meaning is the
// same.
func (s *Session) stmtSteps(src string) []step {
	segs, ok := segments(src)
	if !ok {
		return []step{{src: src}}
	}
	var steps []step
	for _, sg := range segs {
		pad := strings.Repeat("\n", sg.line-1)
		if !sg.compound {
			// Keep the text's own leading newlines: pad to the segment's
			// first line only what precedes it.
			steps = append(steps, step{src: pad + sg.src})
			continue
		}
		s.blocks++
		name := fmt.Sprintf("%s%d", blockPrefix, s.blocks)
		steps = append(steps, step{src: pad + "func " + name + "() { " + sg.src + " }"}, step{src: pad + name + "()"})
	}
	return steps
}

// blockPrefix names the functions that run compound statements.
const blockPrefix = "__dcemBlock"

// splitFinal splits the statements src into what comes before its last
// statement and that statement, when it is an expression; line is the line
// of src where the expression starts.
func splitFinal(src string) (prefix, final string, line int, ok bool) {
	const head = "package p; func _() {"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return "", "", 0, false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) == 0 {
		return "", "", 0, false
	}
	es, isExpr := body[len(body)-1].(*ast.ExprStmt)
	if !isExpr {
		return "", "", 0, false
	}
	start := fset.Position(es.X.Pos()).Offset - len(head)
	end := fset.Position(es.X.End()).Offset - len(head)
	if start < 0 || end > len(src) {
		return "", "", 0, false
	}
	return src[:start], src[start:end], fset.Position(es.X.Pos()).Line, true
}
