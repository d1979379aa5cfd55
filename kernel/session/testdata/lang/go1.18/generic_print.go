package main

import "fmt"

type Pair[K comparable, V any] struct {
	key K
	val V
}

type Tag string

func (t Tag) String() string { return "#" + string(t) }

type Point struct{ X, y int }

func describe[T any](v T) string { return fmt.Sprintf("%T=%v", v, v) }

func main() {
	p := Pair[string, Tag]{"a", "go"}
	fmt.Printf("%T %+v %v\n", p, p, p)
	fmt.Println(describe(Point{1, 2}), describe(3), describe([]Point{}))
	type local struct{ n int }
	fmt.Printf("%T %+v %#v\n", local{1}, local{2}, []local{{3}})
	fmt.Print(Tag("a"), Tag("b"), "\n")
}
