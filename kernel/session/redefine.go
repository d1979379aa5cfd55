package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// A function that a cell declares again replaces the old one for the
// calls compiled after it, but the interpreter binds the calls in
// functions compiled earlier to the old declaration: g, declared in an
// earlier cell, kept calling the old f. The session keeps the source of
// each top-level function; when a cell redeclares f, the functions of
// earlier cells that call f, directly or through each other, are compiled
// again right after the new f, so that every later call reaches it, as in
// a notebook one expects. Methods cannot be compiled again (the
// interpreter keeps a method's first declaration), nor can variables that
// hold f be given the new one: a cell that would leave such a method or
// variable running the old f is refused (refuseRedefinitions).

// noteFuncSources records the top-level functions that the declarations
// src declare.
func (s *Session) noteFuncSources(src string) {
	fset := token.NewFileSet()
	full := "package p\n" + src
	f, err := parser.ParseFile(fset, "", full, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fd.Name.Name == "main" || fd.Name.Name == "init" {
			continue
		}
		text := full[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset]
		if fd.Recv != nil {
			if len(fd.Recv.List) == 1 {
				if s.methodSrc == nil {
					s.methodSrc = map[string]string{}
				}
				key := recvName(fd.Recv.List[0].Type) + "." + fd.Name.Name
				if _, ok := s.methodSrc[key]; !ok {
					// The interpreter keeps the first declaration.
					s.methodSrc[key] = text
				}
			}
			continue
		}
		if s.funcSrc == nil {
			s.funcSrc = map[string]string{}
		}
		s.funcSrc[fd.Name.Name] = text
	}
}

// noteFuncValues records the top-level variables that the statements or
// declarations src define from values that hold a top-level function of
// the cells (f itself, or a func literal that calls it): those keep the
// version of f that was compiled then.
func (s *Session) noteFuncValues(src string, stmts bool) {
	full := "package p\n" + src
	if stmts {
		full = "package p; func _() {" + src + "\n}"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", full, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	note := func(names []*ast.Ident, values []ast.Expr) {
		for _, v := range values {
			for fn := range heldFuncs(v, s.funcSrc) {
				for _, n := range names {
					if n.Name == "_" {
						continue
					}
					if s.funcValues == nil {
						s.funcValues = map[string]map[string]bool{}
					}
					if s.funcValues[fn] == nil {
						s.funcValues[fn] = map[string]bool{}
					}
					s.funcValues[fn][n.Name] = true
				}
			}
		}
	}
	var visit func(n ast.Node)
	visit = func(n ast.Node) {
		switch n := n.(type) {
		case *ast.AssignStmt:
			var names []*ast.Ident
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					names = append(names, id)
				}
			}
			note(names, n.Rhs)
		case *ast.DeclStmt:
			visit(n.Decl)
		case *ast.GenDecl:
			for _, sp := range n.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					note(vs.Names, vs.Values)
				}
			}
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && stmts && fd.Body != nil {
			for _, st := range fd.Body.List {
				visit(st)
			}
		} else if !stmts {
			visit(d)
		}
	}
}

// heldFuncs returns the top-level functions (of funcs) that the value of x
// holds: named as a value, or used inside a func literal.
func heldFuncs(x ast.Expr, funcs map[string]string) map[string]bool {
	out := map[string]bool{}
	var walk func(n ast.Node, inLit bool)
	walk = func(n ast.Node, inLit bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				if !inLit {
					walk(m.Body, true)
					return false
				}
			case *ast.CallExpr:
				if id, ok := m.Fun.(*ast.Ident); ok && !inLit {
					// A call at the top level runs once, now.
					_ = id
					for _, a := range m.Args {
						walk(a, inLit)
					}
					return false
				}
			case *ast.Ident:
				if _, ok := funcs[m.Name]; ok {
					out[m.Name] = true
				}
			}
			return true
		})
	}
	walk(x, false)
	return out
}

// refuseRedefinitions refuses, in the declarations src of a cell (whose
// lines are cell lines), a method declared again with another body (the
// interpreter keeps a method's first declaration), and a function declared
// again with another body that methods or variables of earlier cells hold
// (they would go on running the old version), unless the cell assigns the
// variables again (redefined).
func (s *Session) refuseRedefinitions(src string, redefined map[string]bool) error {
	if len(s.funcSrc)+len(s.methodSrc) == 0 {
		return nil
	}
	fset := token.NewFileSet()
	full := "package p\n" + src
	f, err := parser.ParseFile(fset, "", full, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	line := func(n ast.Node) int { return fset.Position(n.Pos()).Line - 1 }
	text := func(n ast.Node) string {
		return full[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			declared[fd.Name.Name] = true
		}
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		if fd.Recv != nil {
			if len(fd.Recv.List) != 1 {
				continue
			}
			key := recvName(fd.Recv.List[0].Type) + "." + fd.Name.Name
			if old, ok := s.methodSrc[key]; ok && old != text(fd) {
				return &lowerError{line: line(fd), msg: fmt.Sprintf(
					"method %s is declared again with another body: the interpreter keeps the first declaration of a method for the rest of the session, so calls would run the old body; restart the kernel to change it, or give the new version another name",
					key)}
			}
			continue
		}
		name := fd.Name.Name
		if old, ok := s.funcSrc[name]; !ok || old == text(fd) {
			continue
		}
		// f and the functions of earlier cells that call it, which are
		// compiled again (see recompileStep), but not methods.
		reach := map[string]bool{name: true}
		for changed := true; changed; {
			changed = false
			for g, gsrc := range s.funcSrc {
				if reach[g] || declared[g] {
					continue
				}
				for r := range reach {
					if namesUsed(gsrc)[r] {
						reach[g], changed = true, true
						break
					}
				}
			}
		}
		keys := make([]string, 0, len(s.methodSrc))
		for k := range s.methodSrc {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			used := namesUsed(s.methodSrc[k])
			for r := range reach {
				if used[r] {
					via := ""
					if r != name {
						via = " (through " + r + ")"
					}
					return &lowerError{line: line(fd), msg: fmt.Sprintf(
						"func %s is declared again with another body, but the method %s of an earlier cell calls it%s, and the interpreter keeps methods as first compiled: it would go on calling the old %s; restart the kernel to change %s, or give the new version another name",
						name, k, via, name, name)}
				}
			}
		}
		var vars []string
		for r := range reach {
			for v := range s.funcValues[r] {
				if !redefined[v] {
					vars = append(vars, v)
				}
			}
		}
		sort.Strings(vars)
		if len(vars) > 0 {
			return &lowerError{line: line(fd), msg: fmt.Sprintf(
				"func %s is declared again with another body, but the variable %s of an earlier cell holds the old %s (or a func literal that calls it) and would go on running it; define %s again in this cell after the declaration, or give the new version another name",
				name, vars[0], name, vars[0])}
		}
	}
	return nil
}

// recompileStep returns, for the chunks of a cell, the source that
// declares again the earlier functions that call a function the cell
// redeclares; ok is false when there are none.
func (s *Session) recompileStep(chunks []Chunk) (string, bool) {
	if len(s.funcSrc) == 0 {
		return "", false
	}
	declared := map[string]bool{}
	var redeclared []string
	for _, c := range chunks {
		if c.Kind != Decls {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+c.Src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				declared[fd.Name.Name] = true
				if _, ok := s.funcSrc[fd.Name.Name]; ok {
					redeclared = append(redeclared, fd.Name.Name)
				}
			}
		}
	}
	if len(redeclared) == 0 {
		return "", false
	}
	calls := map[string]map[string]bool{}
	for name, src := range s.funcSrc {
		calls[name] = namesUsed(src)
	}
	// The callers, transitively, that this cell does not declare itself.
	reach := map[string]bool{}
	work := append([]string(nil), redeclared...)
	for len(work) > 0 {
		n := work[0]
		work = work[1:]
		for g, used := range calls {
			if used[n] && !reach[g] && !declared[g] {
				reach[g] = true
				work = append(work, g)
			}
		}
	}
	if len(reach) == 0 {
		return "", false
	}
	names := make([]string, 0, len(reach))
	for g := range reach {
		names = append(names, g)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, g := range names {
		b.WriteString(s.funcSrc[g] + "\n\n")
	}
	return b.String(), true
}

// namesUsed returns the identifiers that the function source src uses.
func namesUsed(src string) map[string]bool {
	out := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return out
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					out[id.Name] = true
				}
				return true
			})
		}
	}
	return out
}

// assignedNames returns the top-level variables that the chunks of a cell
// define or assign.
func assignedNames(chunks []Chunk) map[string]bool {
	out := map[string]bool{}
	for _, c := range chunks {
		full := "package p\n" + c.Src
		if c.Kind == Stmts {
			full = "package p; func _() {" + c.Src + "\n}"
		} else if c.Kind != Decls {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", full, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.FuncDecl:
				return n.Name.Name == "_"
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						out[id.Name] = true
					}
				}
			case *ast.ValueSpec:
				for _, id := range n.Names {
					out[id.Name] = true
				}
			}
			return true
		})
	}
	return out
}
