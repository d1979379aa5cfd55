package session

import "testing"

func TestParenthesizeMultiAssign(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a, b, c = 1, len(xs), 2", "a, b, c = 1, (len(xs)), 2"},
		{"s, n := []int{1, 2}, 5", "s, n := ([]int{1, 2}), 5"},
		{"m, n = <-ch, f(x)", "m, n = (<-ch), (f(x))"},
		{"var a, b = T{}, 1", "var a, b = (T{}), 1"},
		{"package main\nvar a, b = g(), 1\nfunc main() {}", "package main\nvar a, b = (g()), 1\nfunc main() {}"},
		// A single value, a tuple call and other operands stay as they are.
		{"a = len(xs)", "a = len(xs)"},
		{"v, err := strconv.Atoi(s)", "v, err := strconv.Atoi(s)"},
		{"a, b = b, a+1", "a, b = b, a+1"},
		{"a, b = -x, (f())", "a, b = -x, (f())"},
		// Nested in a function literal, and across lines.
		{"f := func() {\n\tx, y := g(), 1\n\t_, _ = x, y\n}", "f := func() {\n\tx, y := (g()), 1\n\t_, _ = x, y\n}"},
		{"a,\n\tb = f(), 2", "a,\n\tb = (f()), 2"},
		{"for i, s := 0, []int{1}; i < len(s); i++ {\n}", "for i, s := 0, ([]int{1}); i < len(s); i++ {\n}"},
		// What does not parse is left for the compiler to report.
		{"a, b = f(, 2", "a, b = f(, 2"},
	} {
		if got := parenthesizeMultiAssign(c.in); got != c.want {
			t.Errorf("parenthesizeMultiAssign(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMultiValueAssignments runs the assignments the interpreter gets wrong
// without the rewrite: every destination gets its value.
func TestMultiValueAssignments(t *testing.T) {
	s, out, _ := newSession(t)
	run(t, s, `import "fmt"
type P struct{ X, Y int }
func g() int { return 42 }
xs := []int{1, 2, 3}
var a, b, c int
a, b, c = 1, len(xs), 2
fmt.Println(a, b, c)
a, b = g(), 7
fmt.Println(a, b)
p := &P{}
p.X, p.Y = 5, g()
fmt.Println(*p)
s, n := []int{1, 2}, 5
fmt.Println(s, n)
ch := make(chan int, 1)
ch <- 9
m, k := <-ch, 8
fmt.Println(m, k)
var u, v = P{1, 2}, 3
fmt.Println(u, v)
x := []int{0, 0}
x[0], x[1] = len(x), 5
fmt.Println(x)
a, b = b, a
fmt.Println(a, b)`)
	want := "1 3 2\n42 7\n{5 42}\n[1 2] 5\n9 8\n{1 2} 3\n[2 5]\n7 42\n"
	if got := out.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}
