package history

import (
	"path/filepath"
	"testing"
)

func TestHistoryAcrossSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "history.sqlite")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, src := range []string{"x := 1", "x + 1", "fmt.Println(x)"} {
		out := ""
		if i == 1 {
			out = "2"
		}
		if err := a.Append(i+1, src, out); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()

	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Session() != a.Session()+1 {
		t.Errorf("sessions %d then %d", a.Session(), b.Session())
	}
	b.Append(1, "x + 1", "")
	b.Append(2, "y := 3", "")

	tail, err := b.Tail(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(tail) != 3 || tail[0].Input != "fmt.Println(x)" || tail[2].Input != "y := 3" || tail[0].Session != a.Session() {
		t.Errorf("Tail(3) = %+v", tail)
	}

	r, _ := b.Range(a.Session(), 2, 3)
	if len(r) != 1 || r[0].Line != 2 || r[0].Input != "x + 1" || r[0].Output != "2" {
		t.Errorf("Range(a, 2, 3) = %+v", r)
	}
	r, _ = b.Range(-1, 1, 0)
	if len(r) != 3 {
		t.Errorf("Range(-1, 1, 0) = %+v, want the 3 lines of the previous session", r)
	}
	r, _ = b.Range(0, 1, 0)
	if len(r) != 2 {
		t.Errorf("Range(0, 1, 0) = %+v, want the current session", r)
	}

	s, _ := b.Search("x*", 0, false)
	if len(s) != 3 {
		t.Errorf("Search(x*) = %+v", s)
	}
	s, _ = b.Search("x*", 0, true)
	if len(s) != 2 || s[1].Session != b.Session() {
		t.Errorf("Search(x*, unique) = %+v", s)
	}
	s, _ = b.Search("*", 2, false)
	if len(s) != 2 || s[1].Input != "y := 3" {
		t.Errorf("Search(*, n=2) = %+v", s)
	}
}

func TestOpenBadPath(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("empty path: no error")
	}
	if _, err := Open("/proc/no/such/dir/h.sqlite"); err == nil {
		t.Error("unwritable path: no error")
	}
}
