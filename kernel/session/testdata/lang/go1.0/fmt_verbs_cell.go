package main

import (
	"fmt"
	"strings"
)

type V struct{ X, Y float64 }

func (v *V) String() string { return fmt.Sprintf("<%g,%g>", v.X, v.Y) }

type Temp float64

type Raw []byte

type Node struct {
	Name     string
	Children []*Node
	parent   *Node
	Tags     map[string]Temp
}

type Grid [][]Temp

type Err struct{ Op string }

func (e Err) Error() string { return "op " + e.Op }

func main() {
	var nv *V
	v := V{1, 2}
	fmt.Println(nv, &v, v, []*V{&v, nil})
	fmt.Printf("%5.2f|%v|%x|%s|%q\n", Temp(3.14159), Temp(2), Raw("hi"), Raw("hi"), Raw("hi"))
	n := &Node{Name: "root", Tags: map[string]Temp{"b": 2, "a": 1}}
	n.Children = nil
	fmt.Printf("%v\n%+v\n", *n, n.Tags)
	fmt.Println(Grid{{1, 2}, {3}}, len(Grid{}))
	fmt.Printf("%d %v %s\n", []Temp{1, 2}, map[Temp]bool{2: true, 1: false}, Err{"x"})
	var sb strings.Builder
	fmt.Fprintf(&sb, "%v;%T", v, &sb)
	fmt.Println(sb.String())
	s := fmt.Sprintln("a", Temp(1), Err{"y"}, 3)
	fmt.Print(s)
	fmt.Printf("%d|%s|%t\n", Temp(1), Temp(2), Temp(3))
	fmt.Printf("%v %+v\n", struct {
		A Temp
		b *V
	}{1, nil}, []any{nil, Temp(1), &v})
	fmt.Printf("%6v|%-6v|%06.2f\n", Temp(1.5), Err{"w"}, Temp(2.25))
}
