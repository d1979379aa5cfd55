package session

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

type inspectPoint struct {
	X, Y int
	name string
}

// TestBoundedTextAsFmt: within the limit, boundedText writes what fmt's
// %v writes.
func TestBoundedTextAsFmt(t *testing.T) {
	var nilSlice []int
	var nilErr error
	values := []any{
		42, -1.5, float32(0.1), 1e21, "text", true, 'x', uint8(7), uintptr(9), complex(1, 2),
		[]int{1, 2, 3}, [2]string{"a", "b"}, []byte("hi"), nilSlice,
		inspectPoint{1, 2, "p"}, &inspectPoint{3, 4, "q"}, []inspectPoint{{5, 6, "r"}},
		map[string]int{"b": 2, "a": 1, "c": 3}, map[int][]string{2: {"x"}, 1: nil},
		errors.New("failed"), 90 * time.Second, []any{1, "two", nil, 3.5}, nilErr,
		struct{ D time.Duration }{time.Millisecond},
	}
	for _, v := range values {
		want := fmt.Sprintf("%v", v)
		if got := boundedText(reflect.ValueOf(v), 1000); got != want {
			t.Errorf("%T: got %q, want %q", v, got, want)
		}
	}
}

// TestBoundedTextLarge: a large slice or string is formatted only as far
// as the text goes: the bytes allocated do not grow with the value.
func TestBoundedTextLarge(t *testing.T) {
	big := make([]int, 1<<22)
	for i := range big {
		big[i] = i
	}
	long := strings.Repeat("é", 1<<22)
	for _, c := range []struct {
		name string
		v    any
	}{{"slice", big}, {"string", long}, {"map", map[int]int{1: 2}}} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := boundedText(reflect.ValueOf(c.v), inspectLimit)
		runtime.ReadMemStats(&after)
		// fmt would allocate tens of megabytes (the text of 4M numbers).
		if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
			t.Errorf("%s: %d bytes allocated to show %d", c.name, n, len(got))
		}
		if len(got) > inspectLimit+len("…") {
			t.Errorf("%s: %d bytes of text", c.name, len(got))
		}
	}
	got := boundedText(reflect.ValueOf(big), 20)
	if got != "[0 1 2 3 4 5 6 7 8 9…" {
		t.Errorf("cut slice %q", got)
	}
	if got := boundedText(reflect.ValueOf(long), 5); got != "éé…" {
		t.Errorf("cut string %q: a rune was split", got)
	}
}

// TestInspectLargeValue: inspecting a variable that holds a large slice
// shows its start without formatting the whole of it.
func TestInspectLargeValue(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "huge := make([]int, 1<<22)\nhuge[0] = 7")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	doc, ok := s.Inspect("huge", 4)
	runtime.ReadMemStats(&after)
	if !ok || !strings.HasPrefix(doc, "var huge []int\n\n[7 0 0") || !strings.HasSuffix(doc, "…") {
		t.Errorf("Inspect(huge) = %.60q…, %v", doc, ok)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("Inspect allocated %d bytes", n)
	}
}
