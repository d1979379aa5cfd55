package session

import (
	"context"
	"strings"
	"testing"
)

// The behaviours of the rewrites that go run cannot check: several cells
// of one session, and the messages of refused constructs.

func TestRedefinedFunctionReachesEarlierCallers(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\nfunc f() int { return 1 }\nfunc g() int { return f() * 10 }\nfunc h() int { return g() + 1 }")
	run(t, s, "fmt.Println(h())")
	run(t, s, "func f() int { return 2 }")
	run(t, s, "fmt.Println(h(), g(), f())")
	if got := out.String(); got != "11\n21 20 2\n" {
		t.Errorf("stdout = %q, want %q", got, "11\n21 20 2\n")
	}
}

func TestIotaAfterFailedConstBlock(t *testing.T) {
	s, _, _ := newSession(t)
	runErr(t, s, "const (\n\tA = iota\n\tB = undefinedName\n\tC\n)")
	if b := run(t, s, "const (\n\tX = iota\n\tY\n)\nY"); b["text/plain"] != "1" {
		t.Errorf("Y = %v, want 1", b)
	}
}

func TestRefusedConstructsNameLineAndRemedy(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "type V struct{ X float64 }\nfunc (v *V) Scale(k float64) { v.X *= k }")
	// A method expression of a type whose methods the session does not
	// know (declared in no cell) is refused.
	s.types["W"] = true
	e := runErr(t, s, "x := 1\nf := (*W).Scale\n_ = f")
	for _, want := range []string{"cell line 2", "method expression", "func literal"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
}

func TestMethodExpressions(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\ntype V struct{ X float64 }\nfunc (v *V) Scale(k float64) { v.X *= k }\nfunc (v V) Plus(ws ...V) V {\n\tfor _, w := range ws {\n\t\tv.X += w.X\n\t}\n\treturn v\n}")
	run(t, s, "scale, plus := (*V).Scale, V.Plus\nv := V{1}\nscale(&v, 3)\nfmt.Println(v.X, plus(v, V{1}, V{2}).X)")
	if got := out.String(); got != "3 6\n" {
		t.Errorf("stdout = %q, want %q", got, "3 6\n")
	}
}

func TestGenericCallAtTopLevel(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "func Max[T int | float64](a, b T) T {\n\tif a > b {\n\t\treturn a\n\t}\n\treturn b\n}")
	run(t, s, "x := Max(3, 9)\ny := Max(2.5, 1)")
	if b := run(t, s, "x"); b["text/plain"] != "9" {
		t.Errorf("x = %v", b)
	}
	if b := run(t, s, "y"); b["text/plain"] != "2.5" {
		t.Errorf("y = %v", b)
	}
	if b := run(t, s, "Max(4, 2)"); b["text/plain"] != "4" {
		t.Errorf("Max(4, 2) as the cell's value = %v", b)
	}
}

func TestLoweringKeepsLines(t *testing.T) {
	s, _, _ := newSession(t)
	e := runErr(t, s, "import \"fmt\"\nfor i := range 3 {\n\tfmt.Println(i)\n}\nfor v := range undefinedSeq {\n\t_ = v\n}")
	if !strings.Contains(e.Value, "cell line 5") {
		t.Errorf("error %q does not name cell line 5", e.Value)
	}
	_ = context.Background
}

func TestIteratorPanicIsAnError(t *testing.T) {
	s, out, _ := newSession(t)
	e := runErr(t, s, "import \"fmt\"\nfunc bad(yield func(int) bool) {\n\tyield(1)\n\tpanic(\"boom\")\n}\nfunc f() {\n\tfor v := range bad {\n\t\tfmt.Println(v)\n\t}\n}\nf()")
	if !strings.Contains(e.Value, "boom") {
		t.Errorf("error %q does not carry the iterator's panic", e.Value)
	}
	// The session goes on.
	run(t, s, "fmt.Println(\"after\")")
	if got := out.String(); got != "1\nafter\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestDeferredRecoverValueRefused(t *testing.T) {
	s, _, _ := newSession(t)
	e := runErr(t, s, "func f() {\n\td := func() { recover() }\n\tdefer d()\n\tpanic(1)\n}")
	if !strings.Contains(e.Value, "cell line 3") || !strings.Contains(e.Value, "recover") {
		t.Errorf("error %q", e.Value)
	}
}

func TestFmtCellTypesAcrossCells(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\ntype P struct{ x, y int }\ntype N int")
	run(t, s, "func (p P) String() string { return fmt.Sprintf(\"P(%d,%d)\", p.x, p.y) }")
	run(t, s, "q := P{1, 2}\nps := map[string]P{\"a\": {3, 4}}\nn := N(5)\ni := 7")
	run(t, s, "fmt.Printf(\"%v %+v %T %v %T\\n\", q, q, q, ps, ps)\nfmt.Printf(\"%T %T %#v\\n\", n, i, struct{ P *P }{})")
	want := "P(1,2) P(1,2) main.P map[a:P(3,4)] map[string]main.P\nmain.N int struct { P *main.P }{P:(*main.P)(nil)}\n"
	if got := out.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestFmtTypeOfAmbiguousValueIsAnError(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "import \"fmt\"\ntype N int")
	// An int held in an interface: the interpreter stores N values as
	// ints, so the kernel cannot tell main.N from int.
	e := runErr(t, s, "var x any = 3\nfmt.Printf(\"%T\\n\", x)")
	for _, want := range []string{"main.N", "int", "cannot tell"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
}

func TestAlikeTypesRefused(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\ntype ID int")
	e := runErr(t, s, "func kind(v any) string {\n\tswitch v.(type) {\n\tcase int:\n\t\treturn \"int\"\n\t}\n\treturn \"other\"\n}")
	for _, want := range []string{"cell line 3", "case int", "ID", "type ID struct{ V int }"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	// A function of an earlier cell that a new type would mislead.
	run(t, s, "func isF(v any) bool {\n\t_, ok := v.(float64)\n\treturn ok\n}")
	e = runErr(t, s, "x := 1\ntype Celsius float64")
	for _, want := range []string{"cell line 2", "isF", "float64", "Celsius"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	// Assertions that cannot meet a type stored alike run: an error's
	// dynamic type has methods, which an int has not.
	run(t, s, "type Code int\nfunc (c Code) Error() string { return fmt.Sprint(\"code \", int(c)) }\nvar err error = Code(3)\n_, ok := err.(Code)\nfmt.Println(ok)")
	if got := out.String(); got != "true\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestRedefinitionThatWouldKeepTheOldVersionRefused(t *testing.T) {
	s, out, _ := newSession(t)
	cell := "import \"fmt\"\nfunc f() int { return 1 }\nfunc g() int { return f() + 1 }\ntype T struct{}\nfunc (T) M() int { return g() * 10 }"
	run(t, s, cell)
	// Running the same cell again changes nothing and runs.
	run(t, s, cell)
	e := runErr(t, s, "x := 0\n_ = x\nfunc f() int { return 2 }")
	for _, want := range []string{"cell line 3", "method T.M", "through g", "restart the kernel"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	e = runErr(t, s, "func (T) M() int { return 0 }")
	for _, want := range []string{"cell line 1", "method T.M is declared again", "another name"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	run(t, s, "func h() int { return 1 }\nfunc k() int { return h() }")
	run(t, s, "hv := h\nkv := func() int { return k() }\nn := h()")
	e = runErr(t, s, "func h() int { return 3 }")
	for _, want := range []string{"cell line 1", "variable hv", "define hv again"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	run(t, s, "fmt.Println(T{}.M(), hv(), kv())")
	// Defined again in the cell, the variables hold the new version.
	run(t, s, "func h() int { return 3 }\nhv := h\nkv = func() int { return k() }\nfmt.Println(hv(), kv())")
	if got := out.String(); got != "20 1 1\n3 3\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestDeferredRecoverInLoopRefused(t *testing.T) {
	s, out, _ := newSession(t)
	e := runErr(t, s, "func f(n int) {\n\tfor i := range n {\n\t\tdefer func() {\n\t\t\trecover()\n\t\t\tprintln(i)\n\t\t}()\n\t}\n}")
	for _, want := range []string{"cell line 3", "reads i", "before the loop"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	// The remedy runs as Go does.
	run(t, s, "import \"fmt\"\nfunc g(n int) {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tfmt.Println(\"recovered\", r)\n\t\t}\n\t}()\n\tfor i := range n {\n\t\tdefer func() { fmt.Println(\"deferred\", i) }()\n\t}\n\tpanic(\"boom\")\n}\ng(2)")
	if got := out.String(); got != "deferred 1\ndeferred 0\nrecovered boom\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestRecoverAfterPanickedCell(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\nfunc h() any { return recover() }")
	runErr(t, s, "panic(\"stale\")")
	// recover outside a deferred call returns nil, also after a cell
	// that panicked.
	run(t, s, "fmt.Println(h())")
	if got := out.String(); got != "<nil>\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestDeferredFuncValueDoesNotHang(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import \"fmt\"\nfunc a() {\n\td := func() { fmt.Println(\"deferred\") }\n\tdefer d()\n\tdefer func() { d() }()\n}\na()")
	if got := out.String(); got != "deferred\ndeferred\n" {
		t.Errorf("stdout = %q", got)
	}
	// A func value that calls recover, deferred through a slice: the
	// panic is not recovered (the interpreter recovers only in a
	// deferred literal or function), and the cell fails with it.
	e := runErr(t, s, "func b() {\n\tds := []func(){func() { recover() }}\n\tdefer ds[0]()\n\tpanic(\"b\")\n}\nb()")
	if e.Name != "Panic" || !strings.Contains(e.Value, "b") {
		t.Errorf("error %s: %q", e.Name, e.Value)
	}
}

func TestRecoveredRuntimePanicsAreRuntimeErrors(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import (\n\t\"fmt\"\n\t\"runtime\"\n)\nfunc try(f func()) (msg string) {\n\tdefer func() {\n\t\tr := recover()\n\t\t_, ok := r.(runtime.Error)\n\t\tmsg = fmt.Sprint(ok, \" \", r)\n\t}()\n\tf()\n\treturn\n}")
	run(t, s, "fmt.Println(try(func() { var f func(); f() }))\nfmt.Println(try(func() { var i any = \"s\"; _ = i.(int) }))")
	want := "true runtime error: invalid memory address or nil pointer dereference\ntrue interface conversion: interface {} is string, not int\n"
	if got := out.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestLostStructAssertionRefused(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "import \"fmt\"\ntype Code struct{ N int; Msg string }\nfunc (c Code) Error() string { return fmt.Sprint(c.Msg, c.N) }")
	e := runErr(t, s, "func check(err error) bool {\n\t_, ok := err.(Code)\n\treturn ok\n}")
	for _, want := range []string{"cell line 2", "Code", "pointer receivers", "*Code"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	e = runErr(t, s, "import \"errors\"\nvar c Code\nok := errors.As(fmt.Errorf(\"x\"), &c)\n_ = ok")
	if !strings.Contains(e.Value, "cell line 3") || !strings.Contains(e.Value, "errors.As") {
		t.Errorf("error %q", e.Value)
	}
	// Held in an interface{}, the value stays: the assertion runs.
	run(t, s, "func isCode(v any) bool { _, ok := v.(Code); return ok }\nfmt.Println(isCode(Code{1, \"a\"}))")
}

func TestLostStructErrorIsAnError(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "import (\n\t\"errors\"\n\t\"io/fs\"\n)\ntype Multi struct{ errs []error }\nfunc (m Multi) Error() string { return \"multi\" }\nfunc (m Multi) Unwrap() []error { return m.errs }")
	// Held in an error, the interpreter loses the struct value: walking
	// its tree is an error, not a silent false.
	e := runErr(t, s, "m := Multi{[]error{fs.ErrPermission}}\nvar me error = m\n_ = errors.Is(me, fs.ErrPermission)")
	if !strings.Contains(e.Value, "pointer receivers") {
		t.Errorf("error %q", e.Value)
	}
}

func TestLoggerPrintsCellTypes(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import (\n\t\"bytes\"\n\t\"fmt\"\n\t\"log\"\n)\ntype P struct{ x int }\nvar buf bytes.Buffer\nl := log.New(&buf, \"\", 0)")
	run(t, s, "l.Printf(\"%T %+v\", P{1}, P{2})\nl.Println([]P{{3}})\nfmt.Print(buf.String())")
	if got := out.String(); got != "main.P {x:2}\n[{3}]\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestLoopFrameRefusedWhereBodyCannotGetOne(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, "import (\n\t\"fmt\"\n\t\"sync\"\n)")
	// A deferred literal that reads a variable which the body assigns: in
	// Go each sees its own iteration's variable; the body has a defer, so
	// it cannot run in a func literal per iteration.
	e := runErr(t, s, "func f() {\n\tfor i := 0; i < 3; i++ {\n\t\tn := i\n\t\tn++\n\t\tdefer func() { fmt.Println(n) }()\n\t}\n}")
	for _, want := range []string{"cell line 5", "defer statement", "n := n", "last iteration"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	// A closure handed to compiled code in a body that breaks out of an
	// outer loop.
	e = runErr(t, s, "func g() (fs []func()) {\nouter:\n\tfor i := 0; i < 3; i++ {\n\t\tfor j := 0; j < 3; j++ {\n\t\t\tn := j\n\t\t\tn += i\n\t\t\tif n > 3 {\n\t\t\t\tbreak outer\n\t\t\t}\n\t\t\tfs = append(fs, sync.OnceFunc(func() { fmt.Println(n) }))\n\t\t}\n\t}\n\treturn\n}")
	for _, want := range []string{"cell line 10", "break outer", "line 8"} {
		if !strings.Contains(e.Value, want) {
			t.Errorf("error %q lacks %q", e.Value, want)
		}
	}
	// A func literal called where it is made runs in its iteration: not
	// refused, and right.
	run(t, s, "func h() (total int) {\n\tfor i := 0; i < 3; i++ {\n\t\tdefer fmt.Print(i)\n\t\tn := i\n\t\tn *= 10\n\t\tfunc() { total += n }()\n\t}\n\treturn\n}\nfmt.Println(h())")
	if got := out.String(); got != "21030\n" {
		t.Errorf("stdout = %q, want %q", got, "21030\n")
	}
}
