package main

import (
	"fmt"
	"sort"
	"strings"
)

// Color is a named basic type with a String method, held in interface
// values: converted with any(x), returned as any, passed on from a
// constant.
type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string { return [...]string{"red", "green", "blue"}[c] }

func boxed(c Color) any { return c }

func pair(c Color) (any, error) { return c, nil }

func describe(v any) string {
	if s, ok := v.(fmt.Stringer); ok {
		return "stringer " + s.String()
	}
	return fmt.Sprint("plain ", v)
}

func main() {
	fmt.Println(boxed(Green), any(Blue), interface{}(Red))
	var xs []any
	for _, c := range []Color{Blue, Red, Green} {
		xs = append(xs, boxed(c))
	}
	fmt.Println(xs)
	v, err := pair(Blue)
	fmt.Println(v, err)
	fmt.Println(describe(boxed(Red)), "|", describe(any(Green)), "|", describe(3))
	names := []string{}
	for _, x := range xs {
		names = append(names, fmt.Sprint(x))
	}
	sort.Strings(names)
	fmt.Println(strings.Join(names, ","))
	fmt.Printf("%v %d %s\n", boxed(Blue), boxed(Blue), any(Green))
}
