package main

import (
	"errors"
	"fmt"
)

func process(items []string) (n int, err error) {
	done := func() { fmt.Println("closed after", n) }
	defer done()
	report := func(e error) { err = fmt.Errorf("process: %w", e) }
	defer func() {
		if r := recover(); r != nil {
			report(fmt.Errorf("%v", r))
		}
	}()
	for _, it := range items {
		if it == "" {
			panic("empty item")
		}
		n++
	}
	return n, nil
}

func main() {
	fmt.Println(process([]string{"a", "b"}))
	n, err := process([]string{"a", "", "c"})
	fmt.Println(n, err, errors.Unwrap(err) != nil)
}
