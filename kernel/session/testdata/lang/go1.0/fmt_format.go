package main

import (
	"fmt"
	"strings"
)

// Money formats itself for every verb (fmt.Formatter).
type Money struct {
	cents int
	cur   string
}

func (m Money) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		if f.Flag('+') {
			fmt.Fprintf(f, "%s %d.%02d", m.cur, m.cents/100, m.cents%100)
			return
		}
		fmt.Fprintf(f, "%d.%02d", m.cents/100, m.cents%100)
	case 'd':
		w, ok := f.Width()
		if ok {
			fmt.Fprintf(f, "%*d", w, m.cents)
			return
		}
		fmt.Fprintf(f, "%d", m.cents)
	default:
		fmt.Fprintf(f, "%%!%c(Money)", verb)
	}
}

// ID writes itself for %#v (fmt.GoStringer).
type ID int

func (i ID) GoString() string { return fmt.Sprintf("ID(%d)", int(i)) }

type Tag struct{ name string }

func (t *Tag) GoString() string { return "&Tag{" + strings.ToUpper(t.name) + "}" }
func (t *Tag) String() string   { return "#" + t.name }

type Both struct{ x int }

func (b Both) String() string { return fmt.Sprint("both:", b.x) }
func (b Both) Format(f fmt.State, c rune) {
	fmt.Fprintf(f, "B[%c %d]", c, b.x)
}

type Row struct {
	M  Money
	ID ID
	T  *Tag
}

func main() {
	m := Money{12345, "EUR"}
	fmt.Println(m)
	fmt.Printf("%v|%+v|%s|%d|%8d|%x|%#v\n", m, m, m, m, m, m, m)
	fmt.Println([]Money{m, {5, "USD"}})
	fmt.Printf("%+v\n", map[string]Money{"a": m})
	var id ID = 7
	fmt.Printf("%v %#v %d\n", id, id, id)
	fmt.Printf("%#v\n", []ID{1, 2})
	t := &Tag{"go"}
	fmt.Printf("%v %s %#v\n", t, t, t)
	fmt.Println(Both{3}, fmt.Sprintf("%s %q %#v", Both{4}, Both{5}, Both{6}))
	r := Row{m, 9, t}
	fmt.Printf("%v\n%+v\n", r, r)
	var a any = m
	fmt.Println(a)
	var b any = id
	fmt.Printf("%+v %#v\n", a, b)
	s := fmt.Sprint(m, " and ", Both{1})
	fmt.Println(s, len(s))
	fmt.Printf("[%-10v][%10v]\n", id, m)
	fmt.Println(fmt.Errorf("cost %v", m))
	var bad *Tag
	fmt.Printf("%#v %v\n", bad, Panicky{})
}

// Panicky's Format panics: fmt prints the panic in place.
type Panicky struct{}

func (Panicky) Format(f fmt.State, c rune) {
	f.Write([]byte("half"))
	panic("no more")
}
