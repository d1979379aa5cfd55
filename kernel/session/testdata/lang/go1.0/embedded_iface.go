package main

import "fmt"

type Reader interface{ Read() string }
type Writer interface{ Write(s string) }
type ReadWriter interface {
	Reader
	Writer
}

type buffer struct{ data []string }

func (b *buffer) Write(s string) { b.data = append(b.data, s) }
func (b *buffer) Read() string {
	if len(b.data) == 0 {
		return ""
	}
	s := b.data[0]
	b.data = b.data[1:]
	return s
}

func pump(rw ReadWriter, xs ...string) string {
	for _, x := range xs {
		rw.Write(x)
	}
	return rw.Read() + rw.Read()
}

func main() {
	b := &buffer{}
	fmt.Println(pump(b, "a", "b", "c"))
	var r Reader = b
	fmt.Println(r.Read(), len(b.data))
}
