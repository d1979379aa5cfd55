package main

import "fmt"

func SumAll[T int | float64](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func main() {
	fmt.Println(SumAll(1, 2, 3), SumAll(0.5, 0.25))
}
