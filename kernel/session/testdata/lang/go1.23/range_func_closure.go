package main

import "fmt"

func Letters(yield func(string) bool) {
	for _, s := range []string{"x", "y", "z"} {
		if !yield(s) {
			return
		}
	}
}

func main() {
	var fs []func() string
	for s := range Letters {
		fs = append(fs, func() string { return s })
	}
	for _, f := range fs {
		fmt.Print(f())
	}
	fmt.Println()
}
