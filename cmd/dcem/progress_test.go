package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTimeLeft(t *testing.T) {
	var e timeLeft
	t0 := time.Unix(1000, 0)
	if _, ok := e.left(t0, 100); ok {
		t.Error("an estimate before any report")
	}
	// Start-up took 5 minutes; the first report says 10 steps are done.
	e.observe(t0.Add(5*time.Minute), 10)
	if _, ok := e.left(t0.Add(5*time.Minute), 100); ok {
		t.Error("an estimate from one report")
	}
	// 10 more steps in 20 s: 80 steps left take 160 s, start-up aside.
	e.observe(t0.Add(5*time.Minute+20*time.Second), 20)
	d, ok := e.left(t0.Add(5*time.Minute+20*time.Second), 100)
	if !ok || d != 160*time.Second {
		t.Errorf("left = %v, %v; want 2m40s", d, ok)
	}
	e.observe(t0.Add(6*time.Minute), 100)
	if d, ok := e.left(t0.Add(6*time.Minute), 100); !ok || d != 0 {
		t.Errorf("left when done = %v, %v", d, ok)
	}
}

func TestProgressBarLines(t *testing.T) {
	var buf bytes.Buffer
	b := newProgressBarTo(&buf, false, 10)
	b.update("a", 0, "a: update 0", true)
	first := buf.String()
	if !strings.Contains(first, noEstimate) || strings.Contains(first, "s left") {
		t.Errorf("first line %q: want no time-left estimate before data", first)
	}
	time.Sleep(20 * time.Millisecond)
	b.update("a", 5, "a: update 5", true)
	second := strings.TrimPrefix(buf.String(), first)
	if !strings.Contains(second, " left | a: update 5") || !strings.Contains(second, "5/10") {
		t.Errorf("second line %q: want the count and a time left", second)
	}
}
