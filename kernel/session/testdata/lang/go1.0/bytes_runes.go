package main

import (
	"bytes"
	"fmt"
	"unicode"
)

func main() {
	s := "Go, 世界!"
	b := []byte(s)
	r := []rune(s)
	fmt.Println(len(b), len(r), string(r[4:6]), b[0])
	var buf bytes.Buffer
	for _, c := range s {
		if unicode.IsLetter(c) {
			buf.WriteRune(unicode.ToUpper(c))
		}
	}
	fmt.Println(buf.String(), bytes.Contains(b, []byte("世")))
	fmt.Println(string(rune(65)), fmt.Sprint('x'))
}
