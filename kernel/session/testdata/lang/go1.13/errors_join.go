package main

import (
	"errors"
	"fmt"
)

var ErrA = errors.New("a")
var ErrB = errors.New("b")

func main() {
	err := errors.Join(ErrA, fmt.Errorf("ctx: %w", ErrB))
	fmt.Println(errors.Is(err, ErrA), errors.Is(err, ErrB))
	fmt.Println(err)
	w := fmt.Errorf("two: %w and %w", ErrA, ErrB)
	fmt.Println(errors.Is(w, ErrB), w)
}
