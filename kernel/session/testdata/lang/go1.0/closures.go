package main

import "fmt"

func counter() func() int {
	n := 0
	return func() int { n++; return n }
}

func adder(k int) func(int) int { return func(x int) int { return x + k } }

func main() {
	c := counter()
	c()
	c()
	fmt.Println(c())
	add5 := adder(5)
	fmt.Println(add5(10), adder(-1)(1))
	total := 0
	apply := func(xs []int, f func(int)) {
		for _, x := range xs {
			f(x)
		}
	}
	apply([]int{1, 2, 3}, func(x int) { total += x * x })
	fmt.Println(total)
}
