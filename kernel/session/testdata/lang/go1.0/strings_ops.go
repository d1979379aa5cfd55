package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

func main() {
	s := "héllo, wörld"
	fmt.Println(len(s), utf8.RuneCountInString(s))
	for i, r := range "aé" {
		fmt.Println(i, string(r))
	}
	var b strings.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "[%d]", i)
	}
	fmt.Println(b.String())
	fmt.Println(strings.Fields(" a b  c "), strings.ToUpper("go"), strings.Repeat("-", 5))
	fmt.Println(strings.Split("a,b,c", ","), strings.Contains(s, "wör"), strings.Index(s, "l"))
	fmt.Printf("%q %x %5.2f|%-4d|\n", "hi", 255, 3.14159, 7)
}
