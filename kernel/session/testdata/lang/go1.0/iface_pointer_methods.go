package main

import "fmt"

type Shape interface{ Area() float64 }

type Square struct{ Side float64 }

func (s Square) Area() float64 { return s.Side * s.Side }

type Named interface{ Name() string }

func describe(v any) string {
	switch s := v.(type) {
	case Shape:
		return fmt.Sprint("shape ", s.Area())
	}
	return "other"
}

func area(v any) float64 {
	if s, ok := v.(Shape); ok {
		return s.Area()
	}
	return -1
}

func must(v any) float64 { return v.(Shape).Area() }

func main() {
	var x any = &Square{2}
	s, ok := x.(Shape)
	fmt.Println(ok, s != nil)
	fmt.Println(describe(&Square{3}), describe(Square{1}))
	_, named := x.(Named)
	fmt.Println(named)
	var sh Shape = &Square{4}
	fmt.Println(sh.Area(), area(&Square{5}), area(Square{6}), area(7), must(&Square{8}))
}
