package main

import (
	"errors"
	"fmt"
	"io/fs"
)

var ErrBase = errors.New("base")

type NotFound struct{ Name string }

func (e *NotFound) Error() string { return e.Name + " not found" }

type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return e.Query + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

type Multi struct{ errs []error }

func (m Multi) Error() string   { return "multi" }
func (m Multi) Unwrap() []error { return m.errs }

type Temporary struct{}

func (Temporary) Error() string        { return "temporary" }
func (Temporary) Is(target error) bool { return target == fs.ErrNotExist }

func main() {
	err := &QueryError{"q1", &NotFound{"x"}}
	var nf *NotFound
	fmt.Println(errors.As(err, &nf), nf != nil && nf.Name == "x")
	err2 := &QueryError{"q2", ErrBase}
	fmt.Println(errors.Is(err2, ErrBase), errors.Unwrap(err2) == ErrBase)
	wrapped := fmt.Errorf("ctx: %w", err2)
	fmt.Println(errors.Is(wrapped, ErrBase))
	var qe *QueryError
	fmt.Println(errors.As(wrapped, &qe), qe.Query)
	m := Multi{[]error{fs.ErrPermission, &NotFound{"y"}}}
	fmt.Println(errors.Is(m, fs.ErrPermission), errors.As(m, &nf), nf.Name)
	fmt.Println(errors.Is(Temporary{}, fs.ErrNotExist), errors.Is(fmt.Errorf("w: %w", Temporary{}), fs.ErrNotExist))
	fmt.Println(errors.Is(err2, err2), errors.Is(ErrBase, err2))
}
