package main

import "fmt"

type ID int

type Celsius float64

func kind(v any) string {
	switch v.(type) {
	case int:
		return "int"
	case ID:
		return "ID"
	case Celsius:
		return "Celsius"
	case float64:
		return "float64"
	}
	return "other"
}

func main() {
	fmt.Println(kind(3), kind(ID(3)), kind(2.5), kind(Celsius(2.5)))
	var x any = ID(7)
	_, isInt := x.(int)
	fmt.Println(isInt)
}
