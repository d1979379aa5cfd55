package session

import (
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
// a notebook one expects. (Methods that call f and func values stored
// earlier keep the old one.)

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
		if !ok || fd.Recv != nil || fd.Body == nil || fd.Name.Name == "main" || fd.Name.Name == "init" {
			continue
		}
		if s.funcSrc == nil {
			s.funcSrc = map[string]string{}
		}
		s.funcSrc[fd.Name.Name] = full[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset]
	}
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
