package notebook

import (
	"context"
	"testing"
	"time"
)

func TestContext(t *testing.T) {
	if Context() != context.Background() {
		t.Fatal("Context outside a cell is not Background")
	}
	ctx, cancel := context.WithCancel(context.Background())
	SetContext(ctx)
	got := Context()
	cancel()
	select {
	case <-got.Done():
	default:
		t.Fatal("cancelling the cell does not cancel Context()")
	}
	start := time.Now()
	if err := Sleep(time.Minute); err != context.Canceled {
		t.Errorf("Sleep in a cancelled cell = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("Sleep did not stop on cancel")
	}
	SetContext(nil)
	if err := Sleep(time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	if Context() != context.Background() {
		t.Fatal("SetContext(nil) does not restore Background")
	}
}
