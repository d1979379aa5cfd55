package session

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// newImports returns the source of the imports of chunk c that are not in
// effect yet, at their cell lines (importing a package again under the same
// name is an error in yaegi, and notebooks re-run cells all the time). some
// is false when every import is in effect already.
func (s *Session) newImports(c Chunk) (src string, some bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+c.Src, parser.ImportsOnly)
	if err != nil {
		// Let the interpreter report the syntax error.
		return strings.Repeat("\n", c.Line-1) + c.Src, true
	}
	var b strings.Builder
	line := 1
	for _, im := range f.Imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			return strings.Repeat("\n", c.Line-1) + c.Src, true
		}
		name := s.importName(path, im.Name)
		if s.imported[name] == path {
			continue
		}
		at := c.Line + fset.Position(im.Pos()).Line - 2
		for line < at {
			b.WriteByte('\n')
			line++
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("; ")
		}
		if im.Name != nil {
			b.WriteString(im.Name.Name + " ")
		}
		b.WriteString(im.Path.Value)
		some = true
	}
	if !some {
		return "", false
	}
	return importPrefix(b.String()), true
}

// importPrefix turns "\n\nfmt-path; other" lines of import specs into import
// declarations, keeping the line breaks.
func importPrefix(specs string) string {
	lines := strings.Split(specs, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		parts := strings.Split(l, "; ")
		for j, p := range parts {
			parts[j] = "import " + p
		}
		lines[i] = strings.Join(parts, "; ")
	}
	return strings.Join(lines, "\n")
}

// importName is the name an import binds: its alias, or the package name.
func (s *Session) importName(path string, alias *ast.Ident) string {
	if alias != nil {
		if alias.Name == "_" || alias.Name == "." {
			return alias.Name + path
		}
		return alias.Name
	}
	if n, ok := s.pkgNames[path]; ok {
		return n
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// noteImports records the names that an import chunk brings into scope.
func (s *Session) noteImports(src string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.ImportsOnly)
	if err != nil {
		return
	}
	for _, im := range f.Imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		s.imported[s.importName(path, im.Name)] = path
	}
}

// noteDecls records the source of each declared name, for inspection.
func (s *Session) noteDecls(src string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+src, parser.ParseComments)
	if err != nil {
		return
	}
	text := func(n ast.Node) string {
		var buf bytes.Buffer
		start := fset.Position(n.Pos()).Offset
		end := fset.Position(n.End()).Offset
		full := "package p\n" + src
		buf.WriteString(full[start:end])
		return buf.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			sig := *d
			sig.Body = nil
			doc := ""
			if d.Doc != nil {
				doc = d.Doc.Text()
			}
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				name = recvName(d.Recv.List[0].Type) + "." + name
			}
			s.decls[name] = strings.TrimSpace(doc + signature(fset, "package p\n"+src, d))
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					s.decls[sp.Name.Name] = "type " + text(sp)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						s.decls[n.Name] = d.Tok.String() + " " + text(sp)
					}
				}
			}
		}
	}
}

func recvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X)
	}
	return "?"
}

// signature is the text of a func declaration up to its body.
func signature(fset *token.FileSet, full string, d *ast.FuncDecl) string {
	start := fset.Position(d.Pos()).Offset
	end := fset.Position(d.Type.End()).Offset
	return full[start:end]
}

// notePending records the declarations of a cell's chunks in
// pendingDecls, before the cell is compiled.
func (s *Session) notePending(chunks []Chunk) {
	saved := s.decls
	s.decls = map[string]string{}
	for _, c := range chunks {
		if c.Kind == Decls {
			s.noteDecls(c.Src)
		}
	}
	pending := s.decls
	s.decls = saved
	s.pendingImports = map[string]string{}
	for name, path := range s.imported {
		s.pendingImports[name] = path
	}
	for _, c := range chunks {
		if c.Kind != Imports {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+c.Src, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, im := range f.Imports {
			if path, err := strconv.Unquote(im.Path.Value); err == nil {
				s.pendingImports[s.importName(path, im.Name)] = path
			}
		}
	}
	// Top-level := and var statements, as var declarations, so that the
	// rewrites can tell what a name of the cell holds.
	for _, c := range chunks {
		if c.Kind != Stmts {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {"+c.Src+"\n}", parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		full := "package p; func _() {" + c.Src + "\n}"
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok != token.DEFINE || len(st.Lhs) != len(st.Rhs) {
					continue
				}
				for i, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						if _, dup := pending[id.Name]; !dup {
							pending[id.Name] = "var " + id.Name + " = " + full[st.Rhs[i].Pos()-1:st.Rhs[i].End()-1]
						}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, sp := range g.Specs {
						if _, dup := pending[sp.(*ast.ValueSpec).Names[0].Name]; !dup {
							for _, n := range sp.(*ast.ValueSpec).Names {
								pending[n.Name] = "var " + full[sp.Pos()-1:sp.End()-1]
							}
						}
					}
				}
			}
		}
	}
	s.pendingDecls = pending
}
