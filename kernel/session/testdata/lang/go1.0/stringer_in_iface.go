package main

import "fmt"

type Money struct {
	Cents    int
	Currency string
}

func (m Money) String() string {
	return fmt.Sprintf("%d.%02d %s", m.Cents/100, m.Cents%100, m.Currency)
}

type Ledger struct{ entries map[string]any }

func main() {
	var v any = Money{1250, "EUR"}
	fmt.Println(v)
	fmt.Printf("%v|%s|%+v\n", v, v, v)
	l := Ledger{map[string]any{"rent": Money{90000, "EUR"}, "n": 3}}
	fmt.Println(l.entries)
	fmt.Printf("%+v\n", l)
}
