package main

import "fmt"

func Max[T int | float64](a, b T) T {
	if a > b {
		return a
	}
	return b
}

func main() {
	x := Max(3, 9)
	fmt.Println(x)
	fmt.Println(Max(2.5, 1.5))
}
