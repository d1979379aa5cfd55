package main

import (
	"fmt"
	"io"
	"strings"
)

type upper struct{ sb strings.Builder }

func (u *upper) Write(p []byte) (int, error) {
	u.sb.WriteString(strings.ToUpper(string(p)))
	return len(p), nil
}

func main() {
	u := &upper{}
	fmt.Fprintf(u, "hello %d\n", 42)
	io.WriteString(u, "more")
	fmt.Println(u.sb.String())
	r := strings.NewReader("abc")
	b, _ := io.ReadAll(r)
	fmt.Println(string(b))
}
