package session

import (
	"go/ast"
	"go/constant"
	"go/token"
	"strconv"
	"strings"
)

// foldConsts rewrites const groups so that no iota remains: each spec gets
// its own values (an omitted list repeats the previous one), with iota
// replaced by the spec's index, and constant arithmetic of literals is
// folded into one literal. The interpreter fails on typed constants whose
// shift count is an expression ("constant definition loop") and keeps its
// iota counter after a group that did not compile.
func foldConsts(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	ast.Inspect(p.file, func(n ast.Node) bool {
		g, ok := n.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			return true
		}
		var lastType ast.Expr
		var lastValues []ast.Expr
		for i, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			typ, values := vs.Type, vs.Values
			implicit := false
			if len(values) == 0 {
				typ, values, implicit = lastType, lastValues, true
			} else {
				lastType, lastValues = vs.Type, vs.Values
			}
			if len(values) == 0 {
				continue
			}
			texts := make([]string, len(values))
			changed := implicit
			for k, v := range values {
				t, ch := constText(p, v, i)
				texts[k] = t
				changed = changed || ch
			}
			if !changed {
				continue
			}
			if implicit {
				ins := ""
				if typ != nil {
					ins = " " + p.text(typ)
				}
				e.insert(p.off(vs.End()), ins+" = "+strings.Join(texts, ", "))
				continue
			}
			e.replace(p.off(values[0].Pos()), p.off(values[len(values)-1].End()), strings.Join(texts, ", "))
		}
		return false
	})
	return e.apply()
}

// constText is the text of the constant expression v with iota = index
// and its literal arithmetic folded; changed is false when it is v's own
// text.
func constText(p *parsed, v ast.Expr, index int) (text string, changed bool) {
	if c, ok := foldExpr(v, index); ok {
		if lit, isLit := ast.Unparen(v).(*ast.BasicLit); isLit && lit.Kind != token.CHAR {
			return p.text(v), false
		}
		if s := c.ExactString(); c.Kind() == constant.Int || c.Kind() == constant.Float && !strings.Contains(s, "/") {
			if c.Kind() == constant.Float && !strings.ContainsAny(s, ".eE") {
				s += ".0"
			}
			return "(" + s + ")", true
		}
		if c.Kind() == constant.Float {
			f, _ := constant.Float64Val(c)
			return "(" + strconv.FormatFloat(f, 'g', -1, 64) + ")", true
		}
	}
	// Replace iota inside a larger expression, folding what can be.
	e := &editor{src: p.src}
	any := false
	ast.Inspect(v, func(n ast.Node) bool {
		x, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		if _, isLit := x.(*ast.BasicLit); isLit {
			return false
		}
		if id, ok := x.(*ast.Ident); ok && id.Name == "iota" {
			e.replace(p.off(id.Pos()), p.off(id.End()), strconv.Itoa(index))
			any = true
			return false
		}
		if _, isBin := x.(*ast.BinaryExpr); isBin {
			if c, ok := foldExpr(x, index); ok && c.Kind() == constant.Int {
				e.replace(p.off(x.Pos()), p.off(x.End()), "("+c.ExactString()+")")
				any = true
				return false
			}
		}
		return true
	})
	if !any {
		return p.text(v), false
	}
	out := e.apply()
	return out[p.off(v.Pos()) : len(out)-(len(p.src)-p.off(v.End()))], true
}

// foldExpr evaluates an untyped constant expression made of literals,
// iota and operators.
func foldExpr(x ast.Expr, index int) (constant.Value, bool) {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return foldExpr(x.X, index)
	case *ast.BasicLit:
		if x.Kind == token.INT || x.Kind == token.FLOAT {
			v := constant.MakeFromLiteral(x.Value, x.Kind, 0)
			return v, v.Kind() != constant.Unknown
		}
	case *ast.Ident:
		if x.Name == "iota" {
			return constant.MakeInt64(int64(index)), true
		}
	case *ast.UnaryExpr:
		if v, ok := foldExpr(x.X, index); ok && (x.Op == token.SUB || x.Op == token.ADD) {
			return constant.UnaryOp(x.Op, v, 0), true
		}
	case *ast.BinaryExpr:
		a, ok1 := foldExpr(x.X, index)
		b, ok2 := foldExpr(x.Y, index)
		if !ok1 || !ok2 {
			return nil, false
		}
		switch x.Op {
		case token.SHL, token.SHR:
			s, ok := constant.Uint64Val(constant.ToInt(b))
			if !ok || a.Kind() != constant.Int || s > 1000 {
				return nil, false
			}
			return constant.Shift(a, x.Op, uint(s)), true
		case token.ADD, token.SUB, token.MUL, token.AND, token.OR, token.XOR, token.AND_NOT:
			if x.Op != token.ADD && x.Op != token.SUB && x.Op != token.MUL && (a.Kind() != constant.Int || b.Kind() != constant.Int) {
				return nil, false
			}
			return constant.BinaryOp(a, x.Op, b), true
		case token.QUO:
			if constant.Sign(b) == 0 {
				return nil, false
			}
			if a.Kind() == constant.Int && b.Kind() == constant.Int {
				return constant.BinaryOp(a, token.QUO_ASSIGN, b), true
			}
			return constant.BinaryOp(a, token.QUO, b), true
		case token.REM:
			if a.Kind() != constant.Int || b.Kind() != constant.Int || constant.Sign(b) == 0 {
				return nil, false
			}
			return constant.BinaryOp(a, token.REM, b), true
		}
	}
	return nil, false
}
