package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// A pointer *T whose element type T has the methods of an interface I
// declared in a cell (with value receivers) implements I, but the
// interpreter's assertion of an interface value holding a *T to I fails:
// it does not find T's methods through the pointer. The rewrites test for
// such pointers first: an assertion x.(I) becomes
//
//	func(__dcemV any) I { var r I; if p, ok := __dcemV.(*T); ok { r = p; return r }; r = __dcemV.(I); return r }(x)
//
// (the conversion of a *T to I, written out, works), and likewise the
// comma-ok form and a type switch's case I (see lowerTypeSwitches).

// ptrImplementers returns the types T that cells declared whose pointers
// *T implement the interface iface through methods of T with value
// receivers.
func ptrImplementers(iface string, p *parsed, env *lowerEnv) []string {
	if env.methodDecls == nil || !env.ifaces[iface] {
		return nil
	}
	var it *ast.InterfaceType
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == iface {
			it, _ = ts.Type.(*ast.InterfaceType)
		}
		return it == nil
	})
	if it == nil {
		it, _ = declaredType(iface, env).(*ast.InterfaceType)
	}
	if it == nil || it.Methods == nil || len(it.Methods.List) == 0 {
		return nil
	}
	want := map[string]string{}
	for _, m := range it.Methods.List {
		ft, ok := m.Type.(*ast.FuncType)
		if !ok || len(m.Names) != 1 {
			return nil // an embedded interface, or a type union
		}
		want[m.Names[0].Name] = sigText(ft)
	}
	// The value-receiver methods of each type: this cell's and earlier
	// cells' declarations.
	have := map[string]map[string]string{}
	note := func(d *ast.FuncDecl) {
		if d.Recv == nil || len(d.Recv.List) != 1 {
			return
		}
		id, ok := d.Recv.List[0].Type.(*ast.Ident)
		if !ok {
			return // a pointer receiver, or a generic type
		}
		if have[id.Name] == nil {
			have[id.Name] = map[string]string{}
		}
		have[id.Name][d.Name.Name] = sigText(d.Type)
	}
	names := make([]string, 0, len(env.types))
	for n := range env.types {
		if !env.ifaces[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		for _, src := range env.methodDecls(n) {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src+" {}", 0)
			if err != nil {
				continue
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					note(fd)
				}
			}
		}
	}
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			note(fd)
		}
	}
	var out []string
	for _, n := range names {
		ms := have[n]
		ok := len(ms) > 0
		for m, sig := range want {
			if ms[m] != sig {
				ok = false
			}
		}
		if ok && len(alikeTypes(&ast.StarExpr{X: ast.NewIdent(n)}, p, env, false)) == 0 {
			out = append(out, n)
		}
	}
	return out
}

// sigText is the text of a func type without the names of its
// parameters.
func sigText(ft *ast.FuncType) string {
	var in, out []string
	for _, t := range fieldTypes(ft.Params) {
		in = append(in, types.ExprString(t))
	}
	for _, t := range fieldTypes(ft.Results) {
		out = append(out, types.ExprString(t))
	}
	return "(" + strings.Join(in, ",") + ")(" + strings.Join(out, ",") + ")"
}

// ptrChecks is the code that, for v holding a *T of ts, sets r and
// returns with then.
func ptrChecks(v string, ts []string, then string) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "if __dcemP, ok := %s.(*%s); ok { r = __dcemP; %s }; ", v, t, then)
	}
	return b.String()
}

// lowerPtrIfaces rewrites the assertions x.(I) and v, ok := x.(I) inside
// functions, with I an interface declared in a cell that pointers to cell
// types implement through their elements' methods (see above).
func lowerPtrIfaces(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src
	}
	top := map[ast.Stmt]bool{}
	for _, st := range topStmts(p) {
		top[st] = true
	}
	cands := map[string][]string{}
	implementers := func(t ast.Expr) []string {
		id, ok := t.(*ast.Ident)
		if !ok {
			return nil
		}
		if c, ok := cands[id.Name]; ok {
			return c
		}
		cands[id.Name] = ptrImplementers(id.Name, p, env)
		return cands[id.Name]
	}
	done := map[*ast.TypeAssertExpr]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeSwitchStmt:
			// See lowerTypeSwitches.
			switch a := n.Assign.(type) {
			case *ast.ExprStmt:
				if ta, ok := a.X.(*ast.TypeAssertExpr); ok {
					done[ta] = true
				}
			case *ast.AssignStmt:
				if len(a.Rhs) == 1 {
					if ta, ok := a.Rhs[0].(*ast.TypeAssertExpr); ok {
						done[ta] = true
					}
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != 2 || len(n.Rhs) != 1 {
				return true
			}
			ta, ok := ast.Unparen(n.Rhs[0]).(*ast.TypeAssertExpr)
			if !ok || ta.Type == nil {
				return true
			}
			done[ta] = true
			ts := implementers(ta.Type)
			if len(ts) == 0 || top[n] {
				return true
			}
			t := p.text(ta.Type)
			e.replace(p.off(n.Rhs[0].Pos()), p.off(n.Rhs[0].End()), fmt.Sprintf(
				"func(__dcemV any) (%s, bool) { var r %s; %svar ok bool; r, ok = __dcemV.(%s); return r, ok }(%s)",
				t, t, ptrChecks("__dcemV", ts, "return r, true"), t, p.text(ta.X)))
		case *ast.TypeAssertExpr:
			if done[n] || n.Type == nil {
				return true
			}
			ts := implementers(n.Type)
			if len(ts) == 0 {
				return true
			}
			t := p.text(n.Type)
			e.replace(p.off(n.Pos()), p.off(n.End()), fmt.Sprintf(
				"func(__dcemV any) %s { var r %s; %sr = __dcemV.(%s); return r }(%s)",
				t, t, ptrChecks("__dcemV", ts, "return r"), t, p.text(n.X)))
		}
		return true
	})
	return e.apply()
}
