package session

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	cell := `import "fmt"
x := 1
func f() int { return x }
func (t T) M() int { return 1 }
type T struct{}
func() { fmt.Println("lit") }()
var y = f()
y++
import "strings"
fmt.Println(strings.ToUpper("a"), y)`
	got, err := Split(cell)
	if err != nil {
		t.Fatal(err)
	}
	want := []Chunk{
		{Imports, 1, `import "fmt"`},
		{Stmts, 2, `x := 1`},
		{Decls, 3, "func f() int { return x }\nfunc (t T) M() int { return 1 }\ntype T struct{}"},
		{Stmts, 6, `func() { fmt.Println("lit") }()`},
		{Decls, 7, `var y = f()`},
		{Stmts, 8, `y++`},
		{Imports, 9, `import "strings"`},
		{Stmts, 10, `fmt.Println(strings.ToUpper("a"), y)`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Split:\n got %+v\nwant %+v", got, want)
	}
}

func TestSplitMultilineAndComments(t *testing.T) {
	cell := "// a comment\nfor i := 0; i < 3; i++ {\n\tfunc() {}()\n}\n\n/* block */ const c = `raw\nfunc x`\n"
	got, err := Split(cell)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Kind != Stmts || got[0].Line != 1 || got[1].Kind != Decls || got[1].Line != 6 {
		t.Errorf("Split = %+v", got)
	}
}

func TestSplitErrors(t *testing.T) {
	if _, err := Split("x := \"unterminated"); err == nil {
		t.Error("no error for an unterminated string")
	}
	got, err := Split("  \n\t\n")
	if err != nil || len(got) != 0 {
		t.Errorf("blank cell: %+v, %v", got, err)
	}
}
