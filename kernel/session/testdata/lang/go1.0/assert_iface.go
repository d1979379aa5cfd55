package main

import "fmt"

type Shape interface{ Area() float64 }
type Named interface{ Name() string }

type Sq struct{ S float64 }

func (s Sq) Area() float64 { return s.S * s.S }
func (s Sq) Name() string  { return "square" }

type Dot struct{}

func main() {
	var things = []any{Sq{2}, Dot{}, 3}
	for _, t := range things {
		if s, ok := t.(Shape); ok {
			fmt.Println("shape", s.Area())
		} else {
			fmt.Println("not a shape")
		}
	}
	var s Shape = Sq{3}
	n, ok := s.(Named)
	fmt.Println(n.Name(), ok)
	fmt.Println(things[0].(Shape).Area())
}
