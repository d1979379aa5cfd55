package main

import "fmt"

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
)

func (d Weekday) String() string { return [...]string{"Sun", "Mon", "Tue"}[d] }

type ByteSize float64

const (
	_           = iota
	KB ByteSize = 1 << (10 * iota)
	MB
	GB
)

const (
	A = iota * 10
	B
	C = "c"
	D
	E = iota
)

func main() {
	fmt.Println(Sunday, Tuesday, Monday+1)
	fmt.Println(KB, MB, GB)
	fmt.Println(A, B, C, D, E)
}
