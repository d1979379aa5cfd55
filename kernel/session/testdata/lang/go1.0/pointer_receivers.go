package main

import "fmt"

type Account struct {
	Owner   string
	Balance float64
}

func (a *Account) Deposit(x float64) { a.Balance += x }
func (a Account) String() string     { return fmt.Sprintf("%s: %.2f", a.Owner, a.Balance) }

type Bank struct{ accounts map[string]*Account }

func (b *Bank) Open(name string) *Account {
	if b.accounts == nil {
		b.accounts = map[string]*Account{}
	}
	a := &Account{Owner: name}
	b.accounts[name] = a
	return a
}

func main() {
	var b Bank
	b.Open("ann").Deposit(10)
	b.accounts["ann"].Deposit(2.5)
	acc := b.Open("bob")
	acc.Deposit(1)
	fmt.Println(b.accounts["ann"].Balance, *acc)
	fmt.Println(b.accounts["ann"])
}
