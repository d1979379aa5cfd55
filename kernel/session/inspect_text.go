package session

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// inspectLimit bounds the text of a value that Inspect shows, in bytes.
const inspectLimit = 2000

// boundedText formats v as fmt's %v does, but stops once limit bytes are
// written, marking the cut with "…". It walks only as much of a slice,
// map or string as it shows, where fmt formats the whole value before
// anything can be cut: inspecting a slice of a gigabyte costs what its
// first elements cost. Maps of up to sortedMapLen entries list their keys
// in fmt's order, larger ones in no particular order.
func boundedText(v reflect.Value, limit int) string {
	b := &boundedWriter{limit: limit}
	b.value(v, 0)
	return b.String()
}

// sortedMapLen is the largest map whose keys boundedText sorts.
const sortedMapLen = 256

type boundedWriter struct {
	strings.Builder
	limit int
	full  bool
}

func (b *boundedWriter) write(s string) {
	if b.full {
		return
	}
	if room := b.limit - b.Len(); len(s) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("…")
		b.full = true
		return
	}
	b.WriteString(s)
}

func (b *boundedWriter) value(v reflect.Value, depth int) {
	if b.full {
		return
	}
	if !v.IsValid() {
		b.write("<nil>")
		return
	}
	if v.CanInterface() && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		// Values that format themselves do so, as with fmt.
		switch x := v.Interface().(type) {
		case error:
			b.write(callText(x.Error))
			return
		case fmt.Stringer:
			b.write(callText(x.String))
			return
		}
	}
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if len(s) > b.limit+utf8.UTFMax {
			s = s[:b.limit+utf8.UTFMax]
		}
		b.write(s)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() && depth == 0 {
			b.write("[]")
			return
		}
		b.write("[")
		for i := 0; i < v.Len() && !b.full; i++ {
			if i > 0 {
				b.write(" ")
			}
			b.value(v.Index(i), depth+1)
		}
		b.write("]")
	case reflect.Map:
		b.write("map[")
		b.mapEntries(v, depth)
		b.write("]")
	case reflect.Struct:
		b.write("{")
		for i := 0; i < v.NumField() && !b.full; i++ {
			if i > 0 {
				b.write(" ")
			}
			b.value(v.Field(i), depth+1)
		}
		b.write("}")
	case reflect.Pointer:
		if v.IsNil() {
			b.write("<nil>")
			return
		}
		switch v.Elem().Kind() {
		case reflect.Struct, reflect.Array, reflect.Slice, reflect.Map:
			if depth == 0 {
				b.write("&")
				b.value(v.Elem(), depth+1)
				return
			}
		}
		b.write(fmt.Sprintf("0x%x", v.Pointer()))
	case reflect.Interface:
		if v.IsNil() {
			b.write("<nil>")
			return
		}
		b.value(v.Elem(), depth)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.write(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.write(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.write(strconv.FormatFloat(v.Float(), 'g', -1, v.Type().Bits()))
	case reflect.Bool:
		b.write(strconv.FormatBool(v.Bool()))
	default:
		b.write(fmt.Sprint(v))
	}
}

func (b *boundedWriter) mapEntries(v reflect.Value, depth int) {
	entry := func(first bool, k, e reflect.Value) {
		if !first {
			b.write(" ")
		}
		b.value(k, depth+1)
		b.write(":")
		b.value(e, depth+1)
	}
	if v.Len() <= sortedMapLen {
		keys := v.MapKeys()
		texts := make([]string, len(keys))
		for i, k := range keys {
			texts[i] = boundedText(k, 200)
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return texts[idx[i]] < texts[idx[j]] })
		for n, i := range idx {
			if b.full {
				return
			}
			entry(n == 0, keys[i], v.MapIndex(keys[i]))
		}
		return
	}
	it := v.MapRange()
	for n := 0; it.Next() && !b.full; n++ {
		entry(n == 0, it.Key(), it.Value())
	}
}

// callText calls a String or Error method, turning a panic into text as
// fmt does.
func callText(f func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("%%!v(PANIC=%v)", r)
		}
	}()
	return f()
}
