package main

import "fmt"

func show(tag string, x int) { fmt.Println(tag, x) }

func f() {
	x := 1
	defer show("deferred x", x)
	x = 5
	fmt.Println("x is now", x)
}

func g() {
	s := []int{1}
	defer fmt.Println("len at defer:", len(s))
	s = append(s, 2, 3)
}

func main() {
	f()
	g()
}
