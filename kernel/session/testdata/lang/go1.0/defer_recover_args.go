package main

import "fmt"

func guard(name string) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(name, ": recovered ", r)
		}
	}()
	for i := 0; i < 3; i++ {
		defer func(k int) { fmt.Println("cleanup", k) }(i)
	}
	panic("boom")
}

func main() {
	fmt.Println(guard("job"))
}
