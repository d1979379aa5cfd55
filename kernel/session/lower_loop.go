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
// where break, continue and return of the loop (also a break or continue
// naming the loop's label) set the flags and leave the literal; labels and
// goto within the body stay in the literal. A body that the literal would
// change the meaning of is left as it is: a defer (in Go it runs when the
// function returns, not when the iteration ends), a goto or a labeled
// break or continue that leaves the body for another statement, a return
// inside a nested loop that gets a frame of its own. Then, when a func
// literal that reads such a variable may run after its iteration (it is
// not called where it is made), the loop is refused (env.refused): the
// interpreter would show it the last iteration's variable.
func loopFrames(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src // the standard packages' sources are kept as they are
	}
	labels := map[ast.Stmt]string{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			labels[l.Stmt] = l.Label.Name
		}
		return true
	})
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
				frameLoop(p, e, m.Body, labels[m], fn, env)
			case *ast.RangeStmt:
				frameLoop(p, e, m.Body, labels[m], fn, env)
			}
			return true
		})
	}
	walk(p.file, nil)
	return e.apply()
}

// frameLoop rewrites the loop body b, of the loop labeled label (or ""),
// in a function of type fn (nil at a cell's top level), as loopFrames does.
func frameLoop(p *parsed, e *editor, b *ast.BlockStmt, label string, fn *ast.FuncType, env *lowerEnv) {
	if !needsFrame(b) {
		return
	}
	// The labels declared in the body: branches to them stay in the
	// literal.
	inner := map[string]bool{}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			inner[n.Label.Name] = true
		}
		return true
	})
	// A nested loop that gets a frame of its own rewrites its returns.
	nestedFrames := false
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt:
			nestedFrames = nestedFrames || needsFrame(n.Body)
		case *ast.RangeStmt:
			nestedFrames = nestedFrames || needsFrame(n.Body)
		}
		return !nestedFrames
	})
	var exits []ast.Stmt // break, continue and return of the loop
	var blocker ast.Node // what keeps the body from a frame
	var why string
	block := func(n ast.Node, w string) {
		if blocker == nil {
			blocker, why = n, w
		}
	}
	var scan func(n ast.Node, inLoop, inSwitch bool)
	scan = func(n ast.Node, inLoop, inSwitch bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n || blocker != nil {
				return blocker == nil
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.DeferStmt:
				block(m, "a defer statement (in Go it runs when the function returns, not when the iteration ends)")
			case *ast.ForStmt, *ast.RangeStmt:
				scan(m, true, false)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				scan(m, inLoop, true)
				return false
			case *ast.ReturnStmt:
				if inLoop && nestedFrames {
					block(m, "a return inside a nested loop whose body gets a frame of its own")
				}
				exits = append(exits, m)
			case *ast.BranchStmt:
				switch {
				case m.Tok == token.FALLTHROUGH:
				case m.Label != nil && inner[m.Label.Name]:
				case m.Label != nil && m.Label.Name == label && m.Tok != token.GOTO:
					exits = append(exits, m)
				case m.Label != nil:
					block(m, fmt.Sprintf("%s %s, which leaves the loop body for a statement outside it", m.Tok, m.Label.Name))
				case m.Tok == token.BREAK && !inLoop && !inSwitch, m.Tok == token.CONTINUE && !inLoop:
					exits = append(exits, m)
				}
			}
			return true
		})
	}
	scan(b, false, false)
	if blocker != nil {
		if lit, name := escapingFrameLit(b); lit != nil && env.refused == nil {
			env.refused = &lowerError{line: p.line(lit.Pos()), msg: fmt.Sprintf(
				"a func literal reading %s, which the loop body declares and assigns, may run after its iteration (it is handed on, deferred or started): the interpreter would show it the last iteration's %s. The kernel gives such a loop body a frame per iteration, but not a body with %s (line %d). Declare a copy that nothing assigns just before the func literal (%s := %s) and let the literal read that, or move the loop body into a function of its own",
				name, name, why, p.line(blocker.Pos()), name, name)}
		}
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

// escapingFrameLit returns a func literal in the loop body b that refers
// to a variable declared in b (not in a nested loop's body) that b
// assigns, and that may run after its iteration: it, or a func literal
// around it within b, is not called where it is made (a deferred or
// started literal counts as run later). It returns nil when there is none.
func escapingFrameLit(b *ast.BlockStmt) (*ast.FuncLit, string) {
	var nested []*ast.BlockStmt
	called := map[*ast.FuncLit]bool{}
	later := map[*ast.CallExpr]bool{}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ForStmt:
			nested = append(nested, n.Body)
		case *ast.RangeStmt:
			nested = append(nested, n.Body)
		case *ast.GoStmt:
			later[n.Call] = true
		case *ast.DeferStmt:
			later[n.Call] = true
		case *ast.CallExpr:
			if fl, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok && !later[n] {
				called[fl] = true
			}
		}
		return true
	})
	var lit *ast.FuncLit
	var name string
	var stack []*ast.FuncLit
	var visit func(n ast.Node)
	visit = func(n ast.Node) {
		ast.Inspect(n, func(m ast.Node) bool {
			if lit != nil {
				return false
			}
			if m == nil || m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				stack = append(stack, m)
				visit(m)
				stack = stack[:len(stack)-1]
				return false
			case *ast.Ident:
				if len(stack) == 0 || m.Obj == nil || m.Obj.Kind != ast.Var {
					return true
				}
				pos := declPos(m.Obj)
				if !pos.IsValid() || !within(pos, b) || within(pos, stack[0]) {
					return true
				}
				for _, nb := range nested {
					if within(pos, nb) {
						return true
					}
				}
				if !assigned(b, m.Obj) {
					return true
				}
				// Escapes when a literal between the variable's
				// declaration and this use is not called where it is
				// made.
				for _, f := range stack {
					if within(pos, f) {
						continue
					}
					if !called[f] {
						lit, name = f, m.Name
						return false
					}
				}
			}
			return true
		})
	}
	visit(b)
	return lit, name
}
