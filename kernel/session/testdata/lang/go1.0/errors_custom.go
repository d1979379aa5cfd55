package main

import (
	"errors"
	"fmt"
	"strconv"
)

var ErrNotFound = errors.New("not found")

type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Msg }

func find(k string) (int, error) {
	if k == "x" {
		return 1, nil
	}
	return 0, ErrNotFound
}

func parse(s string) error {
	if _, err := strconv.Atoi(s); err != nil {
		return &ParseError{3, err.Error()}
	}
	return nil
}

func main() {
	_, err := find("y")
	fmt.Println(err == ErrNotFound, err)
	err = parse("abc")
	fmt.Println(err)
	var pe *ParseError
	pe, _ = err.(*ParseError)
	fmt.Println(pe.Line)
	fmt.Println(parse("12") == nil)
}
