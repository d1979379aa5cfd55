package main

import (
	"container/list"
	"fmt"
	"sort"
)

// A value of a type with methods put into an interface is a copy: a
// later change of the variable, field or element does not show through
// the interface value.
type Shape interface{ Area() float64 }

type Circle struct{ R float64 }

func (c Circle) Area() float64 { return 3 * c.R * c.R }

type Box struct {
	S     Shape
	Label any
}

type Grid [2]int

func (g Grid) Sum() int { return g[0] + g[1] }

func keep(s Shape) Shape { return s }

func asShape(c Circle) Shape { return c }

func main() {
	var shapes []Shape
	c := Circle{1}
	shapes = append(shapes, c)
	c.R = 2
	shapes = append(shapes, c)
	fmt.Println(shapes)

	var out []Shape
	for _, k := range []Circle{{1}, {2}, {3}} {
		out = append(out, k)
	}
	fmt.Println(out)

	var s Shape = c
	c.R = 5
	fmt.Println(s.Area())

	var a any
	g := Grid{1, 2}
	a = g
	g[0] = 5
	fmt.Println(a, g.Sum())

	cs := []Circle{{1}, {2}}
	k := keep(cs[0])
	cs[0].R = 9
	m := map[string]Shape{"x": cs[1]}
	cs[1].R = 8
	fmt.Println(k, m, cs)

	b := Box{S: c, Label: g}
	c.R = 6
	g[1] = 7
	fmt.Println(b.S, b.Label)

	r := asShape(c)
	c.R = 7
	fmt.Println(r, c)

	ch := make(chan Shape, 1)
	ch <- c
	c.R = 10
	fmt.Println(<-ch)

	l := list.New()
	l.PushBack(c)
	c.R = 11
	fmt.Println(l.Front().Value)

	areas := []Shape{Circle{3}, Circle{1}, Circle{2}}
	sort.Slice(areas, func(i, j int) bool { return areas[i].Area() < areas[j].Area() })
	fmt.Println(areas)
}
