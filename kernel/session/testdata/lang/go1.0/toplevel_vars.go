package main

import "fmt"

var rate = 0.5
var steps int = 10
var budget float64 = rate * float64(steps)
var names, sizes = []string{"a", "b"}, map[string]int{"a": 1}

func main() {
	fmt.Println(rate, steps, budget, names, sizes)
}
