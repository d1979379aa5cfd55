package main

import (
	"fmt"
	"strings"
)

type Op func(float64, float64) float64

func reduce(xs []float64, init float64, op Op) float64 {
	acc := init
	for _, x := range xs {
		acc = op(acc, x)
	}
	return acc
}

func compose(fs ...func(string) string) func(string) string {
	return func(s string) string {
		for _, f := range fs {
			s = f(s)
		}
		return s
	}
}

func main() {
	xs := []float64{1, 2, 3, 4}
	fmt.Println(reduce(xs, 0, func(a, b float64) float64 { return a + b }))
	fmt.Println(reduce(xs, 1, func(a, b float64) float64 { return a * b }))
	shout := compose(strings.TrimSpace, strings.ToUpper, func(s string) string { return s + "!" })
	fmt.Println(shout("  hi "))
	ops := map[string]Op{"max": func(a, b float64) float64 {
		if a > b {
			return a
		}
		return b
	}}
	fmt.Println(reduce(xs, 0, ops["max"]))
}
