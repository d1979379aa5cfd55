package main

import "fmt"

func main() {
	func() {
		for i := range 3 {
			defer func() { fmt.Print(i, " ") }()
		}
	}()
	fmt.Println()
	var out []string
	func() {
		for _, s := range []string{"x", "y"} {
			defer func() { out = append(out, s) }()
		}
	}()
	fmt.Println(out)
}
