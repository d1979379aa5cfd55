package main

import "fmt"

type Set[T comparable] = map[T]struct{}

func main() {
	s := Set[string]{}
	s["a"] = struct{}{}
	s["b"] = struct{}{}
	fmt.Println(len(s))
}
