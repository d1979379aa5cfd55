package main

import "fmt"

func run(names []string) {
	for i, name := range names {
		defer func() {
			if r := recover(); r != nil {
				fmt.Println("recovered", r, "in", i, name)
			}
			fmt.Println("deferred", i, name)
		}()
	}
	panic("boom")
}

func main() {
	run([]string{"a", "b", "c"})
	fmt.Println("done")
}
