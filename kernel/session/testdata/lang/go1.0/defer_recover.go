package main

import (
	"errors"
	"fmt"
)

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func order() {
	for i := 0; i < 3; i++ {
		defer fmt.Println("defer", i)
	}
}

func named() (n int) {
	defer func() { n *= 2 }()
	n = 21
	return n
}

func main() {
	fmt.Println(safeDiv(7, 2))
	_, err := safeDiv(1, 0)
	fmt.Println(err)
	order()
	fmt.Println(named())
	fmt.Println(errors.Is(err, err))
}
