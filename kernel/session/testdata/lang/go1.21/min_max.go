package main

import (
	"fmt"
	"math"
)

func main() {
	a, b := 3, 7
	fmt.Println(min(a, b), max(a, b), min(4, 2, 8), max(1.5, 2))
	x := 2.5
	fmt.Println(max(x, 1), min(x, -1, 0.5))
	fmt.Println(min("pear", "apple"), max(a, 10, b))
	fmt.Println(math.IsNaN(min(math.NaN(), 1)))
	lo := min(a, b)
	hi := max(a, 5)
	fmt.Println(lo, hi)
}
