//go:build unix

package latent

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
)

// TestPhase3ReadsPhase2Once gives RunPhase3 its phase-2 checkpoint through
// a named pipe that delivers the file's bytes to the first reader only:
// a second read of the checkpoint finds it empty, and is refused as
// corrupted. RunPhase3 must read it
// once (it used to read and decode the whole file three times: for the
// result, the world model and the agent).
func TestPhase3ReadsPhase2Once(t *testing.T) {
	dir := t.TempDir()
	phase1 := filepath.Join(dir, "phase1.bin")
	if _, err := planet.Run(context.Background(), planet.Quick("cheetah.run"), planet.Options{Checkpoint: phase1}); err != nil {
		t.Fatal(err)
	}
	p2 := Phase2Quick("cheetah.run")
	phase2 := filepath.Join(dir, "phase2.bin")
	if _, _, err := RunPhase2(context.Background(), p2, phase1, planet.Options{Checkpoint: phase2}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(phase2)
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "phase2.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	var stop atomic.Bool
	first := true
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0) // waits for a reader
			if err != nil || stop.Load() {
				if f != nil {
					f.Close()
				}
				return
			}
			if first {
				f.Write(data)
				first = false
			}
			f.Close()
			time.Sleep(time.Millisecond) // while the first reader still reads
		}
	}()
	defer func() {
		stop.Store(true)
		// Release the writer waiting for a reader.
		if f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer f.Close()
		}
		<-done
	}()

	// A done context stops the run at its first evaluation, after loading.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = RunPhase3(ctx, Phase3Quick(), fifo, p2.Agent, Phase3Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("RunPhase3 on a checkpoint that can be read once: %v, want context.Canceled (after loading)", err)
	}
}
