package main

import (
	"errors"
	"fmt"
	"time"
)

type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1fC", float64(c)) }

type Reading struct {
	Where string
	Temp  Celsius
	note  string
	When  time.Duration
}

type Grid [2][2]int

type Labels map[string][]Celsius

type ParseError struct{ Line int }

func (e *ParseError) Error() string { return fmt.Sprintf("line %d", e.Line) }

type Result struct {
	Err  error
	Perr *ParseError
	Any  any
}

type Count int

type run struct {
	name string
	took time.Duration
}

func main() {
	r := Reading{"lab", 21.5, "dry", 90 * time.Second}
	fmt.Printf("%v\n%+v\n%#v\n", r, r, r)
	fmt.Printf("%T %T %T %T\n", r, &r, []Reading{}, map[string]*Reading{})
	fmt.Printf("%T %T %T\n", Celsius(1), Grid{}, Labels{})
	fmt.Println(map[string]Celsius{"b": 2, "a": 1}, Labels{"x": {3, 4}})
	fmt.Printf("%v %+v\n", Grid{{1, 2}, {3, 4}}, struct{ C Celsius }{5})
	fmt.Printf("%#v %#v\n", Count(3), []Count{1, 2})
	res := Result{Err: &ParseError{3}, Perr: &ParseError{4}, Any: Celsius(7)}
	fmt.Printf("%v\n", res)
	var err error = &ParseError{9}
	fmt.Printf("%T: %v\n", err, err)
	wrapped := fmt.Errorf("reading: %w", err)
	var pe *ParseError
	fmt.Println(errors.As(wrapped, &pe), pe.Line)
	s := fmt.Sprint(Celsius(2), Celsius(3))
	fmt.Println(s, len(s))
	fmt.Printf("[%8v] [%-6T]\n", Celsius(1.25), Count(1))
	items := []any{Celsius(1), r, &ParseError{5}, 7, "s"}
	fmt.Println(items, map[string]any{"c": Celsius(2)})
	fmt.Printf("%+v\n", items[:2])
	fmt.Printf("%v %+v\n", run{"a", time.Second}, []run{{"b", 2}})
	var held any = Reading{Where: "x", note: "y"}
	fmt.Printf("%+v\n", held)
}
