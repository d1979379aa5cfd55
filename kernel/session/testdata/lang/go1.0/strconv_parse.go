package main

import (
	"fmt"
	"strconv"
	"time"
)

func main() {
	n, err := strconv.Atoi("42")
	fmt.Println(n+1, err)
	_, err = strconv.Atoi("x")
	fmt.Println(err)
	f, _ := strconv.ParseFloat("2.5e3", 64)
	b, _ := strconv.ParseBool("true")
	fmt.Println(f, b, strconv.Quote("a\tb"), strconv.FormatInt(255, 2))
	d := 90 * time.Second
	fmt.Println(d, d.Minutes(), time.Duration(1500)*time.Millisecond)
}
