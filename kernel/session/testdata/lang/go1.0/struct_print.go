package main

import "fmt"

type Inner struct{ A, B int }
type Outer struct {
	Name  string
	In    Inner
	Ptr   *Inner
	Items []string
}

func main() {
	o := Outer{"o", Inner{1, 2}, nil, []string{"x"}}
	fmt.Printf("%v\n%+v\n", o, o)
	fmt.Printf("%T %T\n", o.In, 3.0)
	fmt.Println(o.In == Inner{1, 2})
}
