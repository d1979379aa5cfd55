package cartpole

import (
	"strings"
	"testing"
)

func TestSmallIsValidAndReduced(t *testing.T) {
	s, d := Small(), Default()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Updates >= d.Updates || len(s.LatentDims)*len(s.Temps)*len(s.Seeds) >= len(d.LatentDims)*len(d.Temps)*len(d.Seeds) {
		t.Errorf("Small is not smaller than Default: %s vs %s", s.Budget(), d.Budget())
	}
	if b := s.Budget(); !strings.Contains(b, "1000 updates") || !strings.Contains(b, "2 seeds") {
		t.Errorf("budget %q", b)
	}
}
