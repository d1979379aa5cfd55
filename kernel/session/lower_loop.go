package session

import (
	"go/ast"
	"go/token"
	"strings"
)

// loopVars gives a loop variable its own copy in each iteration (Go 1.22)
// where that can be seen: when a func literal, a go or defer statement or
// the & operator in the body refers to it. The body starts with v := v.
// A variable that the body assigns is left shared (a copy would not carry
// the assignment to the next iteration).
func loopVars(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	ast.Inspect(p.file, func(n ast.Node) bool {
		var vars []ast.Expr
		var body *ast.BlockStmt
		switch l := n.(type) {
		case *ast.ForStmt:
			if a, ok := l.Init.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
				vars, body = a.Lhs, l.Body
			}
		case *ast.RangeStmt:
			if l.Tok == token.DEFINE {
				vars, body = []ast.Expr{l.Key, l.Value}, l.Body
			}
		}
		var copies []string
		for _, v := range vars {
			id, ok := v.(*ast.Ident)
			if !ok || id.Name == "_" || id.Obj == nil {
				continue
			}
			if captured(body, id.Obj) && !assignedExceptAddr(body, id.Obj) {
				copies = append(copies, id.Name+" := "+id.Name+";")
			}
		}
		if len(copies) > 0 {
			e.insert(p.off(body.Lbrace)+1, " "+strings.Join(copies, " "))
		}
		return true
	})
	return e.apply()
}

// captured reports whether a func literal, a go or defer statement or &
// within body refers to obj.
func captured(body *ast.BlockStmt, obj *ast.Object) bool {
	found := false
	ast.Inspect(body, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			if uses(m, obj) {
				found = true
			}
		case *ast.GoStmt:
			if uses(m, obj) {
				found = true
			}
		case *ast.DeferStmt:
			if uses(m, obj) {
				found = true
			}
		case *ast.UnaryExpr:
			if m.Op == token.AND && rootIs(m.X, obj) {
				found = true
			}
		}
		return !found
	})
	return found
}

// assignedExceptAddr is assigned without counting & as an assignment.
func assignedExceptAddr(n ast.Node, obj *ast.Object) bool {
	found := false
	isObj := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && id.Obj == obj
	}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.AssignStmt:
			if m.Tok != token.DEFINE {
				for _, l := range m.Lhs {
					if isObj(l) {
						found = true
					}
				}
			}
		case *ast.IncDecStmt:
			if isObj(m.X) {
				found = true
			}
		case *ast.RangeStmt:
			if m.Tok == token.ASSIGN && ((m.Key != nil && isObj(m.Key)) || (m.Value != nil && isObj(m.Value))) {
				found = true
			}
		}
		return !found
	})
	return found
}

// snapshotClosures gives each func literal created in a loop body a frame
// of its own holding copies of the body's variables that it reads:
//
//	func(a int) bool { ... v ... }
//
// becomes
//
//	func() func(a int) bool { v := v; return func(a int) bool { ... v ... } }()
//
// The interpreter's func literals read the variables of the frame they
// were created in when they run; the body's variables live in one frame for
// all iterations, so without the copy every closure made in the loop, and
// every closure handed to compiled code, sees the last iteration's values.
// Only variables that nothing assigns after their declaration (and whose
// address is not taken) are copied, so the copy cannot be told from the
// variable.
func snapshotClosures(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	// A deferred literal that calls recover must stay the deferred
	// function itself (recover works nowhere else).
	deferredRecover := map[*ast.FuncLit]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if d, ok := n.(*ast.DeferStmt); ok {
			if fl, ok := d.Call.Fun.(*ast.FuncLit); ok && callsRecover(fl) {
				deferredRecover[fl] = true
			}
		}
		return true
	})
	var loops []*ast.BlockStmt
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.ForStmt:
				if m.Init != nil {
					walk(m.Init)
				}
				loops = append(loops, m.Body)
				walk(m.Body)
				loops = loops[:len(loops)-1]
				return false
			case *ast.RangeStmt:
				walk(m.X)
				loops = append(loops, m.Body)
				walk(m.Body)
				loops = loops[:len(loops)-1]
				return false
			case *ast.FuncLit:
				if len(loops) > 0 && !deferredRecover[m] {
					snapshot(p, e, m, loops)
				}
				// Loops inside the literal are its own.
				saved := loops
				loops = nil
				walk(m.Body)
				loops = saved
				return false
			}
			return true
		})
	}
	walk(p.file)
	return e.apply()
}

func snapshot(p *parsed, e *editor, f *ast.FuncLit, loops []*ast.BlockStmt) {
	seen := map[*ast.Object]bool{}
	var names []string
	ast.Inspect(f.Body, func(m ast.Node) bool {
		id, ok := m.(*ast.Ident)
		if !ok || id.Obj == nil || id.Obj.Kind != ast.Var || seen[id.Obj] {
			return true
		}
		seen[id.Obj] = true
		pos := declPos(id.Obj)
		if !pos.IsValid() || within(pos, f) {
			return true
		}
		for _, body := range loops {
			if within(pos, body) {
				if !assigned(body, id.Obj) {
					names = append(names, id.Name)
				}
				break
			}
		}
		return true
	})
	if len(names) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("func() " + p.text(f.Type) + " { ")
	for _, n := range names {
		b.WriteString(n + " := " + n + "; ")
	}
	b.WriteString("return ")
	e.insert(p.off(f.Pos()), b.String())
	e.insert(p.off(f.End()), " }()")
}
