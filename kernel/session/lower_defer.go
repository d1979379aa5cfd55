package session

import (
	"go/ast"
)

// While a function runs its deferred calls, the interpreter holds a lock
// on the function's frame, and a call of a func value that was made in
// that frame (d := func() { ... }) takes the lock when it returns: a
// deferred call of such a value (defer d(), or d() inside a deferred
// literal) waited forever, panic or not. unlockClosures makes each func
// literal that a function with defer statements holds as a value in a
// frame of its own:
//
//	d := func() { ... }
//
// becomes
//
//	d := func() func() { return func() { ... } }()
//
// The literal still reads and assigns the function's variables.
func unlockClosures(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src // the standard packages' sources are kept as they are
	}
	var visit func(body *ast.BlockStmt)
	visit = func(body *ast.BlockStmt) {
		if body == nil {
			return
		}
		defers := false
		called := map[*ast.FuncLit]bool{}
		var lits []*ast.FuncLit
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.DeferStmt:
				defers = true
			case *ast.CallExpr:
				if fl, ok := n.Fun.(*ast.FuncLit); ok {
					called[fl] = true
				}
			case *ast.FuncLit:
				lits = append(lits, n)
				visit(n.Body)
				return false
			}
			return true
		})
		if !defers {
			return
		}
		for _, fl := range lits {
			if called[fl] {
				continue
			}
			e.insert(p.off(fl.Pos()), "func() "+p.text(fl.Type)+" { return ")
			e.insert(p.off(fl.End()), " }()")
		}
	}
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			visit(fd.Body)
		}
	}
	return e.apply()
}

// lowerRecover hands the value of each recover() call to the kernel, which
// gives a run-time panic of interpreted code Go's wording and type (see
// panicmsg.go): recover() becomes __dcemk.Recovered(recover()).
func lowerRecover(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src
	}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "recover" && id.Obj == nil && len(c.Args) == 0 {
				e.insert(p.off(c.Pos()), "__dcemk.Recovered(")
				e.insert(p.off(c.End()), ")")
			}
		}
		return true
	})
	return e.apply()
}
