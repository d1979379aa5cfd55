package main

import "fmt"

type Opts struct {
	Steps *int
	Rate  *float64
}

func main() {
	p := new(3)
	fmt.Println(*p)
	x := 2.5
	q := new(x * 2)
	*q += 1
	fmt.Println(*q, x)
	o := Opts{Steps: new(100), Rate: new(0.01)}
	fmt.Println(*o.Steps, *o.Rate)
	s := new("hi")
	fmt.Println(*s + "!")
}
