package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
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

// loopFrames gives each iteration of a loop a frame of its own when a func
// literal in its body refers to a variable declared in the body that is
// assigned (snapshotClosures copies only variables that nothing assigns):
// the interpreter keeps the body's variables in one frame for all
// iterations, and a closure handed to compiled code (sync.OnceFunc,
// http.HandleFunc) that runs after its iteration saw the last iteration's
// variable. The body becomes the body of a func literal called in each
// iteration:
//
//	for ... { n := f(i); n++; hs = append(hs, sync.OnceFunc(func() { use(n) })) }
//
// becomes
//
//	for ... { var __dcemB1, __dcemR1 bool; _, _ = __dcemB1, __dcemR1; func() { n := f(i); ... }(); if __dcemB1 { break }; if __dcemR1 { return } }
//
// where break, continue and return of the loop set the flags and leave the
// literal. A body with defer, goto, labels, or a return inside a nested
// loop is left as it is.
func loopFrames(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src // the standard packages' sources are kept as they are
	}
	var walk func(n ast.Node, fn *ast.FuncType)
	walk = func(n ast.Node, fn *ast.FuncType) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncDecl:
				if m.Body != nil {
					walk(m.Body, m.Type)
				}
				return false
			case *ast.FuncLit:
				walk(m.Body, m.Type)
				return false
			case *ast.ForStmt:
				frameLoop(p, e, m.Body, fn, env)
			case *ast.RangeStmt:
				frameLoop(p, e, m.Body, fn, env)
			}
			return true
		})
	}
	walk(p.file, nil)
	return e.apply()
}

// frameLoop rewrites the loop body b, in a function of type fn (nil at a
// cell's top level), as loopFrames does.
func frameLoop(p *parsed, e *editor, b *ast.BlockStmt, fn *ast.FuncType, env *lowerEnv) {
	if !needsFrame(b) {
		return
	}
	var exits []ast.Stmt // break, continue and return of the loop
	ok := true
	var scan func(n ast.Node, inLoop, inSwitch bool)
	scan = func(n ast.Node, inLoop, inSwitch bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n || !ok {
				return ok
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.DeferStmt, *ast.LabeledStmt:
				ok = false
			case *ast.ForStmt, *ast.RangeStmt:
				scan(m, true, false)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				scan(m, inLoop, true)
				return false
			case *ast.ReturnStmt:
				if inLoop {
					ok = false
				}
				exits = append(exits, m)
			case *ast.BranchStmt:
				switch {
				case m.Label != nil || m.Tok == token.GOTO || m.Tok == token.FALLTHROUGH:
					if m.Tok != token.FALLTHROUGH {
						ok = false
					}
				case m.Tok == token.BREAK && !inLoop && !inSwitch, m.Tok == token.CONTINUE && !inLoop:
					exits = append(exits, m)
				}
			}
			return true
		})
	}
	scan(b, false, false)
	if !ok {
		return
	}
	id := env.next()
	brk, ret := fmt.Sprintf("__dcemB%d", id), fmt.Sprintf("__dcemR%d", id)
	// The results of the function, to hand a return's values out.
	var results []string
	named := false
	if fn != nil && fn.Results != nil {
		for i, f := range fn.Results.List {
			if len(f.Names) > 0 {
				named = true
				for _, n := range f.Names {
					results = append(results, n.Name)
				}
				continue
			}
			results = append(results, fmt.Sprintf("__dcemV%d_%d", id, i))
		}
	}
	head := fmt.Sprintf(" var %s, %s bool; _, _ = %s, %s;", brk, ret, brk, ret)
	if !named {
		for i, r := range results {
			head += fmt.Sprintf(" var %s %s; _ = %s;", r, types.ExprString(fn.Results.List[i].Type), r)
		}
	}
	e.insert(p.off(b.Lbrace)+1, head+" func() {")
	tail := fmt.Sprintf("}(); if %s { break }; if %s { return %s }", brk, ret, strings.Join(results, ", "))
	if named {
		tail = fmt.Sprintf("}(); if %s { break }; if %s { return }", brk, ret)
	}
	e.insert(p.off(b.Rbrace), tail)
	for _, x := range exits {
		switch x := x.(type) {
		case *ast.BranchStmt:
			if x.Tok == token.BREAK {
				e.replace(p.off(x.Pos()), p.off(x.End()), fmt.Sprintf("{ %s = true; return }", brk))
			} else {
				e.replace(p.off(x.Pos()), p.off(x.End()), "return")
			}
		case *ast.ReturnStmt:
			set := ""
			if len(x.Results) > 0 {
				vals := make([]string, len(x.Results))
				for i, r := range x.Results {
					vals[i] = p.text(r)
				}
				set = fmt.Sprintf("%s = %s; ", strings.Join(results, ", "), strings.Join(vals, ", "))
			}
			e.replace(p.off(x.Pos()), p.off(x.End()), fmt.Sprintf("{ %s%s = true; return }", set, ret))
		}
	}
}

// needsFrame reports whether a func literal in the loop body b refers to a
// variable declared in b (not in a nested loop's body) that b assigns.
func needsFrame(b *ast.BlockStmt) bool {
	var nested []*ast.BlockStmt
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ForStmt:
			nested = append(nested, n.Body)
		case *ast.RangeStmt:
			nested = append(nested, n.Body)
		}
		return true
	})
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		f, ok := n.(*ast.FuncLit)
		if !ok || found {
			return !found
		}
		ast.Inspect(f.Body, func(m ast.Node) bool {
			id, ok := m.(*ast.Ident)
			if !ok || id.Obj == nil || id.Obj.Kind != ast.Var || found {
				return !found
			}
			pos := declPos(id.Obj)
			if !pos.IsValid() || !within(pos, b) || within(pos, f) {
				return true
			}
			for _, nb := range nested {
				if within(pos, nb) {
					return true
				}
			}
			if assigned(b, id.Obj) {
				found = true
			}
			return !found
		})
		return false
	})
	return found
}
