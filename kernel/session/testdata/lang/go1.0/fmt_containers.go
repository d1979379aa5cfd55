package main

import (
	"container/list"
	"container/ring"
	"fmt"
	"sync"
	"sync/atomic"
)

// Values of cell types taken out of compiled containers print as in Go:
// the String method is called, %+v and %#v name the fields as declared.
type P struct{ x, y int }

func (p P) String() string { return fmt.Sprintf("P(%d,%d)", p.x, p.y) }

type Q struct{ a int }

type E struct{ msg string }

func (e *E) Error() string { return "E:" + e.msg }

func main() {
	l := list.New()
	l.PushBack(P{1, 2})
	l.PushBack(Q{3})
	for e := l.Front(); e != nil; e = e.Next() {
		fmt.Println(e.Value)
		fmt.Printf("%v %+v %T\n", e.Value, e.Value, e.Value)
	}
	var av atomic.Value
	av.Store(P{5, 6})
	fmt.Println(av.Load())
	fmt.Printf("%v %+v\n", av.Load(), av.Load())
	var m sync.Map
	m.Store("k", Q{8})
	v, _ := m.Load("k")
	fmt.Printf("%v %+v %#v\n", v, v, v)
	r := ring.New(2)
	r.Value = P{9, 9}
	r.Next().Value = Q{1}
	r.Do(func(x any) { fmt.Printf("%v %+v|", x, x) })
	fmt.Println()
	ss := []fmt.Stringer{P{1, 1}}
	fmt.Printf("%v %+v\n", ss, ss)
	errs := map[string]error{"a": &E{"x"}}
	fmt.Printf("%v %+v\n", errs, errs)
	ch := make(chan any, 1)
	ch <- Q{2}
	fmt.Printf("%+v\n", <-ch)
}
