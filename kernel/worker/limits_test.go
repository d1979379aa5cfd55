package worker

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dcem-go/dcem/kernel"
)

// TestFrameLimit: a display or a result over the frame limit is an error
// of its cell, and the supervisor and the worker go on serving.
func TestFrameLimit(t *testing.T) {
	const limit = 1 << 20
	old := maxFrame.Load()
	t.Cleanup(func() { maxFrame.Store(old) }) // after the supervisor's Close
	maxFrame.Store(limit)
	s, _, _, _ := start(t, maxFrameEnv+"=1048576")
	value(t, s, `import ("strings"; "github.com/dcem-go/dcem/kernel/display")`)
	for _, cell := range []string{
		`display.Show(display.HTML(strings.Repeat("x", 2<<20)))`,
		`display.HTML(strings.Repeat("x", 2<<20))`,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := s.Execute(ctx, cell)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "limit") {
			t.Errorf("%s: err = %v, want an error that names the limit", cell, err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: the cell never ended", cell)
		}
		if v := value(t, s, "1 + 1"); v != "2" {
			t.Fatalf("after %s: 1 + 1 = %q", cell, v)
		}
	}
}

// TestFrameReadSkipsOversize: the reader skips a frame over the limit and
// reads the next one.
func TestFrameReadSkipsOversize(t *testing.T) {
	defer maxFrame.Store(maxFrame.Load())
	maxFrame.Store(64)
	var b bytes.Buffer
	b.Write(binary.BigEndian.AppendUint32(nil, 100))
	b.Write(bytes.Repeat([]byte{'x'}, 100))
	fw := &frameWriter{w: &b}
	if err := fw.write(&message{Op: opNote, Text: "next"}); err != nil {
		t.Fatal(err)
	}
	var m message
	var fse *frameSizeError
	if err := readFrame(&b, &m); !errors.As(err, &fse) {
		t.Fatalf("oversize frame: err = %v, want a *frameSizeError", err)
	}
	if err := readFrame(&b, &m); err != nil || m.Text != "next" {
		t.Fatalf("the next frame: %v, %+v", err, m)
	}
	if err := fw.write(&message{Op: opNote, Text: strings.Repeat("y", 100)}); !errors.As(err, &fse) {
		t.Errorf("writing an oversize event: err = %v, want a *frameSizeError", err)
	}
}

// TestFrameWriterKeepsNoLargeBuffer: after a large frame the writer does
// not hold a buffer of its size.
func TestFrameWriterKeepsNoLargeBuffer(t *testing.T) {
	var b bytes.Buffer
	fw := &frameWriter{w: &b}
	if err := fw.write(&message{Op: opNote, Text: strings.Repeat("z", 4<<20)}); err != nil {
		t.Fatal(err)
	}
	if c := cap(fw.buf); c > 1<<16 {
		t.Errorf("the writer keeps a buffer of %d bytes", c)
	}
	var m message
	if err := readFrame(&b, &m); err != nil || len(m.Text) != 4<<20 {
		t.Errorf("read back: %v, %d bytes", err, len(m.Text))
	}
}

// TestStdinWithoutProc: where /proc/self/task/*/syscall cannot be read,
// reading standard input in a cell fails at once with an error that says
// why and names notebook.Input, which still works.
func TestStdinWithoutProc(t *testing.T) {
	s, _, _, _ := start(t, noProcEnv+"=1")
	asked := 0
	ctx := kernel.WithInput(context.Background(), func(prompt string, password bool) (string, error) {
		asked++
		return "typed", nil
	})
	value(t, s, `import ("fmt"; "github.com/dcem-go/dcem/kernel/notebook")`)
	start := time.Now()
	b, err := s.Execute(ctx, "var n int\n_, err := fmt.Scan(&n)\nerr.Error()")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b["text/plain"].(string); !strings.Contains(got, "syscall") || !strings.Contains(got, "notebook.Input") {
		t.Errorf("fmt.Scan without /proc: %q", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("fmt.Scan without /proc took %v", d)
	}
	b, err = s.Execute(ctx, `line, err := notebook.Input("? ")
line`)
	if err != nil || b["text/plain"] != `"typed"` || asked != 1 {
		t.Errorf("notebook.Input: %v, %v, asked %d", b, err, asked)
	}
}

// TestFrameWriterConcurrent: frames written at once from several
// goroutines, small ones and large ones (written in two parts), arrive
// whole and unmixed.
func TestFrameWriterConcurrent(t *testing.T) {
	r, w := io.Pipe()
	fw := &frameWriter{w: w}
	const writers, each = 4, 20
	var wg sync.WaitGroup
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				size := 10
				if i%3 == 0 {
					size = smallFrame + 1000*g
				}
				text := strings.Repeat(string(rune('a'+g)), size)
				if err := fw.write(&message{Op: opNote, ID: uint64(g), Text: text}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		w.Close()
	}()
	n := 0
	for {
		var m message
		err := readFrame(r, &m)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Repeat(string(rune('a'+m.ID)), len(m.Text)); m.Text != want {
			t.Fatalf("frame %d of writer %d is mixed", n, m.ID)
		}
		n++
	}
	if n != writers*each {
		t.Errorf("%d frames, want %d", n, writers*each)
	}
}
