package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

var ErrLimit = errors.New("limit reached")

type StepError struct{ Step int }

func (e *StepError) Error() string { return fmt.Sprintf("step %d failed", e.Step) }

func run() error {
	return fmt.Errorf("run: %w", &StepError{7})
}

func main() {
	err := fmt.Errorf("outer: %w", ErrLimit)
	fmt.Println(err, errors.Is(err, ErrLimit), errors.Unwrap(err) == ErrLimit)
	var se *StepError
	e := run()
	if errors.As(e, &se) {
		fmt.Println("step", se.Step)
	}
	_, ferr := os.Open("/nonexistent/file")
	var pe *fs.PathError
	fmt.Println(errors.As(ferr, &pe), errors.Is(ferr, fs.ErrNotExist))
}
