package main

import (
	"errors"
	"fmt"
)

type Shape interface{ Area() float64 }

type Sq struct{ S float64 }

func (s Sq) Area() float64 { return s.S * s.S }

type Temp float64

func (t Temp) String() string { return fmt.Sprintf("%.1f°C", float64(t)) }

func kind(v any) string {
	switch x := v.(type) {
	case error:
		return "error: " + x.Error()
	case fmt.Stringer:
		return "stringer: " + x.String()
	case Shape:
		return fmt.Sprint("shape with area ", x.Area())
	default:
		return "other"
	}
}

func main() {
	fmt.Println(kind(errors.New("boom")))
	fmt.Println(kind(fmt.Errorf("wrapped: %w", errors.New("inner"))))
	fmt.Println(kind(Temp(21.5)))
	fmt.Println(kind(Sq{3}))
	fmt.Println(kind(42))
	var e error = errors.New("x")
	if _, ok := e.(fmt.Stringer); !ok {
		fmt.Println("error is not a Stringer")
	}
}
