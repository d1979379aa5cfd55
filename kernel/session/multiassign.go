package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// The interpreter (yaegi v0.16.1) compiles an assignment of several values
// wrongly when one of the values is a call, a composite literal or a
// channel receive: it lets that value's operation write straight into its
// destination and drops the assignment itself, so the other destinations
// keep their old values. In
//
//	a, b, c = 1, len(xs), 2
//	s, n := []int{1, 2}, 5
//
// a and c (and n) stay zero. A parenthesized operand is assigned normally,
// so before compiling, the session puts such operands of multi-value
// assignments and var declarations in parentheses: (len(xs)), ([]int{1,
// 2}). That changes neither the meaning nor the line numbers of the code;
// columns after an inserted parenthesis move by one.

// parenthesizeMultiAssign returns src with every call, composite literal
// and receive that is one of several values of an assignment, a short
// variable declaration or a var declaration put in parentheses. src is a
// Go file, a run of top-level declarations or a run of statements; source
// that does not parse in any of these forms is returned unchanged (the
// compiler reports its errors).
func parenthesizeMultiAssign(src string) string {
	if !mayHaveMultiAssign(src) {
		return src
	}
	fset := token.NewFileSet()
	var file *ast.File
	prefix := 0
	for _, wrap := range [][2]string{{"", ""}, {"package p\n", ""}, {"package p\nfunc _() {\n", "\n}"}} {
		f, err := parser.ParseFile(fset, "", wrap[0]+src+wrap[1], parser.SkipObjectResolution)
		if err == nil {
			file, prefix = f, len(wrap[0])
			break
		}
	}
	if file == nil {
		return src
	}
	type span struct{ start, end int }
	var spans []span
	wrapValues := func(values []ast.Expr) {
		if len(values) < 2 {
			return
		}
		for _, v := range values {
			switch e := v.(type) {
			case *ast.CallExpr, *ast.CompositeLit:
			case *ast.UnaryExpr:
				if e.Op != token.ARROW {
					continue
				}
			default:
				continue
			}
			spans = append(spans, span{fset.Position(v.Pos()).Offset - prefix, fset.Position(v.End()).Offset - prefix})
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.ASSIGN || s.Tok == token.DEFINE {
				wrapValues(s.Rhs)
			}
		case *ast.ValueSpec:
			wrapValues(s.Values)
		}
		return true
	})
	if len(spans) == 0 {
		return src
	}
	// Insert from the end so that earlier offsets stay valid; an operand
	// nested in another (a call inside a wrapped composite literal) is
	// handled in the same pass because its offsets lie inside the outer's.
	type insert struct {
		off  int
		text string
	}
	var ins []insert
	for _, sp := range spans {
		if sp.start < 0 || sp.end > len(src) || sp.start >= sp.end {
			return src
		}
		ins = append(ins, insert{sp.start, "("}, insert{sp.end, ")"})
	}
	sort.SliceStable(ins, func(i, j int) bool {
		if ins[i].off != ins[j].off {
			return ins[i].off > ins[j].off
		}
		// At one offset, a closing parenthesis of an earlier operand goes
		// before the opening one of the next (never the case in valid Go,
		// where a comma separates them, but keep the text balanced).
		return ins[i].text == "(" && ins[j].text == ")"
	})
	out := src
	for _, in := range ins {
		out = out[:in.off] + in.text + out[in.off:]
	}
	return out
}

// mayHaveMultiAssign is a cheap test that src could hold a multi-value
// assignment or declaration: a comma before an "=".
func mayHaveMultiAssign(src string) bool {
	c := strings.IndexByte(src, ',')
	return c >= 0 && strings.Contains(src[c:], "=")
}
