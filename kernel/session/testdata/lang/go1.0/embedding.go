package main

import "fmt"

type Animal struct{ Name string }

func (a Animal) Hello() string    { return "I am " + a.Name }
func (a *Animal) Rename(n string) { a.Name = n }

type Dog struct {
	Animal
	Breed string
}

func (d Dog) Bark() string { return d.Name + " says woof" }

type Greeter interface{ Hello() string }

func main() {
	d := Dog{Animal{"Rex"}, "lab"}
	fmt.Println(d.Hello())
	d.Rename("Max")
	fmt.Println(d.Bark(), d.Animal.Name)
	var g Greeter = d
	fmt.Println(g.Hello())
}
