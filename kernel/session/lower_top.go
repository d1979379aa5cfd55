package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// lowerTopLevel rewrites statements at a cell's top level that the
// interpreter cannot compile there, although it can inside a function:
//
//   - var x T = e (with a type and a value) fails with "variable
//     definition loop"; it becomes var x T; x = e.
//     A run of such declarations (a declaration chunk of var x T = e lines)
//     becomes statements: _ = 0; var x T; x = e.
//   - the comma-ok forms v, ok := m[k] and v, ok := x.(T) fail with "nil
//     type"; they become definitions from a call of a func literal.
func lowerTopLevel(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if p.prefix == len("package p\n") {
		return typedVarDecls(p, e)
	}
	if sts := topStmts(p); len(sts) > 0 {
		// A run of statements that starts with a call of a func literal
		// is read by the interpreter as declarations: the names that the
		// run defines then stay undefined, and its calls may run twice.
		if es, ok := sts[0].(*ast.ExprStmt); ok {
			if c, ok := es.X.(*ast.CallExpr); ok {
				if _, ok := c.Fun.(*ast.FuncLit); ok {
					e.insert(p.off(es.Pos()), "_ = 0; ")
				}
			}
		}
	}
	for _, st := range topStmts(p) {
		switch st := st.(type) {
		case *ast.DeclStmt:
			g, ok := st.Decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR || g.Lparen.IsValid() || len(g.Specs) != 1 {
				continue
			}
			vs := g.Specs[0].(*ast.ValueSpec)
			if vs.Type == nil || len(vs.Values) == 0 {
				continue
			}
			names := make([]string, len(vs.Names))
			for i, n := range vs.Names {
				names[i] = n.Name
			}
			e.replace(p.off(vs.Type.End()), p.off(vs.Values[0].Pos()), "; "+strings.Join(names, ", ")+" = ")
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE || len(st.Lhs) != 2 || len(st.Rhs) != 1 {
				continue
			}
			v, ok := p.text(st.Lhs[0]), p.text(st.Lhs[1])
			switch x := ast.Unparen(st.Rhs[0]).(type) {
			case *ast.TypeAssertExpr:
				// tmp := x; ok := func() bool { _, ok := tmp.(T); return ok }(); var v T; if ok { v = tmp.(T) }
				// (a func literal returning an interface value declared in
				// a cell fails in the interpreter).
				id := env.next()
				t := p.text(x.Type)
				tmp := fmt.Sprintf("__dcemX%d", id)
				okv := ok
				if okv == "_" {
					okv = fmt.Sprintf("__dcemOk%d", id)
				}
				src := tmp
				if iface(x.Type, env) {
					if xt, _ := (&typer{p: p, env: env}).exprType(x.X); xt == nil || !iface(xt, env) {
						src = "__dcemk.Id(" + tmp + ")"
					}
				}
				// Pointers whose elements implement the interface (see
				// lower_ptriface.go).
				var ptrs []string
				if id, ok := x.Type.(*ast.Ident); ok && iface(id, env) {
					ptrs = ptrImplementers(id.Name, p, env)
				}
				ptrOK, ptrSet := "", ""
				for _, pt := range ptrs {
					ptrOK += fmt.Sprintf("if _, ok := %s.(*%s); ok { return true }; ", tmp, pt)
					ptrSet += fmt.Sprintf("if func() bool { _, ok := %s.(*%s); return ok }() { %s = %s.(*%s) } else ", tmp, pt, v, tmp, pt)
				}
				text := fmt.Sprintf("%s := %s; %s := func() bool { %s_, ok := %s.(%s); return ok }()", tmp, p.text(x.X), okv, ptrOK, src, t)
				if v != "_" {
					text += fmt.Sprintf("; var %s %s; if %s { %s{ %s = %s.(%s) } }", v, t, okv, ptrSet, v, src, t)
				}
				e.replace(p.off(st.Pos()), p.off(st.End()), text)
			case *ast.IndexExpr:
				id := env.next()
				key := fmt.Sprintf("__dcemKey%d", id)
				m := p.text(x.X)
				var parts []string
				parts = append(parts, fmt.Sprintf("%s := %s", key, p.text(x.Index)))
				if v != "_" {
					parts = append(parts, fmt.Sprintf("%s := %s[%s]", v, m, key))
				}
				if ok != "_" {
					parts = append(parts, fmt.Sprintf("%s := func() bool { _, ok := %s[%s]; return ok }()", ok, m, key))
				}
				e.replace(p.off(st.Pos()), p.off(st.End()), strings.Join(parts, "; "))
			}
		}
	}
	return e.apply()
}

// iface reports whether t names an interface type declared in a cell.
func iface(t ast.Expr, env *lowerEnv) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return env.ifaces[t.Name]
	case *ast.InterfaceType:
		return len(t.Methods.List) > 0
	}
	return false
}

// typedVarDecls rewrites a run of top-level var declarations of which one
// has a type and a value into statements (see lowerTopLevel).
func typedVarDecls(p *parsed, e *editor) string {
	typed := false
	for _, d := range p.file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR || g.Lparen.IsValid() || len(g.Specs) != 1 {
			return p.src
		}
		vs := g.Specs[0].(*ast.ValueSpec)
		if len(vs.Values) > 0 && len(vs.Values) != len(vs.Names) {
			return p.src
		}
		if vs.Type != nil && len(vs.Values) > 0 {
			typed = true
		}
	}
	if !typed {
		return p.src
	}
	for _, d := range p.file.Decls {
		vs := d.(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
		var parts []string
		for i, n := range vs.Names {
			switch {
			case vs.Type != nil && len(vs.Values) > 0:
				parts = append(parts, fmt.Sprintf("_ = 0; var %s %s; %s = %s", n.Name, p.text(vs.Type), n.Name, p.text(vs.Values[i])))
			case vs.Type != nil:
				parts = append(parts, fmt.Sprintf("_ = 0; var %s %s", n.Name, p.text(vs.Type)))
			default:
				parts = append(parts, fmt.Sprintf("%s := %s", n.Name, p.text(vs.Values[i])))
			}
		}
		e.replace(p.off(d.Pos()), p.off(d.End()), strings.Join(parts, "; "))
	}
	return e.apply()
}
