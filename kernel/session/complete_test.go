package session

import (
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "import \"strings\"\nfunc myFunc() int { return 1 }\nmyVar := 3\n_ = myVar")
	cases := []struct {
		code      string
		want      []string
		wantStart int
	}{
		{"strings.ToUp", []string{"ToUpper", "ToUpperSpecial"}, 8},
		{"x := my", []string{"myFunc", "myVar"}, 5},
		{"fmt.Sprin", []string{"Sprint", "Sprintf", "Sprintln"}, 4}, // not imported, but known
		{"retu", []string{"return"}, 0},
	}
	for _, c := range cases {
		got, start, end := s.Complete(c.code, len([]rune(c.code)))
		if strings.Join(got, ",") != strings.Join(c.want, ",") || start != c.wantStart || end != len([]rune(c.code)) {
			t.Errorf("Complete(%q) = %v [%d,%d], want %v [%d,%d]", c.code, got, start, end, c.want, c.wantStart, len(c.code))
		}
	}
	run(t, s, "type pt struct{ Xval, Yval int }\np := pt{1, 2}\n_ = p")
	if got, _, _ := s.Complete("p.X", 3); strings.Join(got, ",") != "Xval" {
		t.Errorf("field completion = %v", got)
	}
}

func TestInspect(t *testing.T) {
	s, _, _ := newSession(t)
	run(t, s, "// Twice doubles v.\nfunc Twice(v int) int { return 2 * v }\nimport \"strings\"")
	doc, ok := s.Inspect("Twice(3)", 2)
	if !ok || !strings.Contains(doc, "func Twice(v int) int") || !strings.Contains(doc, "Twice doubles v.") {
		t.Errorf("Inspect(Twice) = %q, %v", doc, ok)
	}
	doc, ok = s.Inspect("strings.ToUpper", 15)
	if !ok || !strings.Contains(doc, "func strings.ToUpper(string) string") || !strings.Contains(doc, "upper case") {
		t.Errorf("Inspect(strings.ToUpper) = %q, %v", doc, ok)
	}
	if _, ok := s.Inspect("nothingHere", 5); ok {
		t.Error("Inspect found an undefined name")
	}
}

func TestIsComplete(t *testing.T) {
	s, _, _ := newSession(t)
	cases := map[string]string{
		"x := 1":                         "complete",
		"":                               "complete",
		"func f() int { return 1 }":      "complete",
		"import \"fmt\"\nfmt.Println(1)": "complete",
		"func f() {":                     "incomplete",
		"for i := 0; i < 3; i++ {":       "incomplete",
		"x := []int{1,\n":                "incomplete",
		"s := `raw":                      "incomplete",
		"x := 1 +":                       "incomplete",
		"x := )":                         "invalid",
		"func 1() {}":                    "invalid",
		"}":                              "invalid",
		"s := \"open":                    "invalid",
	}
	for code, want := range cases {
		if got, _ := s.IsComplete(code); got != want {
			t.Errorf("IsComplete(%q) = %s, want %s", code, got, want)
		}
	}
	if _, indent := s.IsComplete("func f() {\n\tif true {"); indent != "\t\t" {
		t.Errorf("indent = %q", indent)
	}
}
