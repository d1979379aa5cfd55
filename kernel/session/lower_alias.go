package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// lowerGenericAliases expands generic type aliases (Go 1.24), which crash
// the interpreter's compiler: the declaration
//
//	type Set[T comparable] = map[T]struct{}
//
// is dropped (its lines stay, empty) and each use Set[string] is replaced
// by the aliased type, map[string]struct{}. Aliases declared in earlier
// cells are expanded from their recorded declarations.
func lowerGenericAliases(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	aliases := map[string]*ast.TypeSpec{}
	for _, d := range p.file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		all := true
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			if ts.Assign.IsValid() && ts.TypeParams != nil {
				aliases[ts.Name.Name] = ts
			} else {
				all = false
			}
		}
		if all {
			text := p.text(g)
			e.replace(p.off(g.Pos()), p.off(g.End()), strings.Repeat("\n", strings.Count(text, "\n")))
		}
	}
	lookup := func(name string) *ast.TypeSpec {
		if ts, ok := aliases[name]; ok {
			return ts
		}
		src, ok := env.decl(name)
		if !ok || !strings.HasPrefix(src, "type ") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
		if err != nil || len(f.Decls) != 1 {
			return nil
		}
		if g, ok := f.Decls[0].(*ast.GenDecl); ok && len(g.Specs) == 1 {
			if ts := g.Specs[0].(*ast.TypeSpec); ts.Assign.IsValid() && ts.TypeParams != nil {
				return ts
			}
		}
		return nil
	}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && aliases[ts.Name.Name] == ts {
			return false
		}
		var x ast.Expr
		var args []ast.Expr
		switch n := n.(type) {
		case *ast.IndexExpr:
			x, args = n.X, []ast.Expr{n.Index}
		case *ast.IndexListExpr:
			x, args = n.X, n.Indices
		default:
			return true
		}
		id, ok := x.(*ast.Ident)
		if !ok {
			return true
		}
		ts := lookup(id.Name)
		if ts == nil {
			return true
		}
		names, _ := typeParams(&ast.FuncType{TypeParams: ts.TypeParams})
		if len(names) != len(args) {
			return true
		}
		bound := map[string]ast.Expr{}
		for i, name := range names {
			bound[name] = args[i]
		}
		t := subst(ts.Type, bound)
		if t == nil {
			return true
		}
		text := types.ExprString(t)
		if strings.HasPrefix(text, "*") || strings.HasPrefix(text, "func") || strings.HasPrefix(text, "<-") || strings.HasPrefix(text, "chan") {
			text = "(" + text + ")" // as a conversion's type
		}
		e.replace(p.off(n.Pos()), p.off(n.End()), text)
		return false
	})
	return e.apply()
}
