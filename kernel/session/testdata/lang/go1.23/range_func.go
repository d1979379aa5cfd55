package main

import "fmt"

func Count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				fmt.Println("stopped at", i)
				return
			}
		}
	}
}

func firstOver(limit int) int {
	for v := range Count(100) {
		if v*v > limit {
			return v
		}
	}
	return -1
}

func main() {
	for v := range Count(3) {
		fmt.Print(v, " ")
	}
	fmt.Println()
	for v := range Count(10) {
		if v%2 == 0 {
			continue
		}
		if v > 5 {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
	fmt.Println(firstOver(50))
outer:
	for i := range 3 {
		for v := range Count(3) {
			if v == 2 {
				continue outer
			}
			if i == 2 {
				break outer
			}
			fmt.Print(i, v, " ")
		}
	}
	fmt.Println()
}
