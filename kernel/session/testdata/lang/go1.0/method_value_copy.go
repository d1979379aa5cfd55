package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// A method value of a value-receiver method binds a copy of its receiver:
// a later change of the variable does not reach it.
type Circle struct{ R float64 }

func (c Circle) Area() float64 { return 3 * c.R * c.R }

type Named struct {
	Circle
	Name string
}

type NotFound struct{ Key string }

func (e *NotFound) Error() string { return "not found: " + e.Key }

func find(k string) error {
	if k == "" {
		return nil
	}
	return fmt.Errorf("find: %w", &NotFound{k})
}

func main() {
	c := Circle{1}
	f := c.Area
	c.R = 2
	fmt.Println(f(), c.Area())
	n := Named{Circle{3}, "n"}
	g := n.Area
	n.R = 4
	fmt.Println(g(), n.Area())
	m := map[string]Circle{"a": {1}}
	v := m["a"]
	v.R = 9
	fmt.Println(m, v)
	arr := [2]Circle{{1}, {2}}
	brr := arr
	brr[0].R = 7
	fmt.Println(arr, brr)
	var nf *NotFound
	err := find("x")
	fmt.Println(errors.As(err, &nf), nf.Key, find("") == nil)
	words := strings.Fields("b a c")
	sort.Sort(sort.Reverse(sort.StringSlice(words)))
	fmt.Println(words)
	fs := []func() float64{}
	for _, k := range []Circle{{1}, {2}} {
		fs = append(fs, k.Area)
	}
	fmt.Println(fs[0](), fs[1]())
}
