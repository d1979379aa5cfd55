package worker

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// crashMarkers start the lines with which the Go runtime reports a crash
// on standard error.
var crashMarkers = [][]byte{
	[]byte("panic: "),
	[]byte("fatal error: "),
	[]byte("runtime: "),
	[]byte("fatal: "),
	[]byte("unexpected fault address"),
	[]byte("SIGSEGV"),
	[]byte("SIGBUS"),
	[]byte("SIGILL"),
	[]byte("SIGFPE"),
}

// holdFor is how long text that looks like a crash report is held back
// while the worker lives on; after it, the text was output after all.
const holdFor = time.Second

// holdAtMost bounds the hold while held text keeps arriving: a runtime
// that dies of a deep stack overflow prints megabytes of frames, which on
// a loaded machine takes longer than holdFor, and the text must stay
// held until the process is gone.
const holdAtMost = 20 * time.Second

// copier copies one of the worker's output pipes to a stream. For standard
// error it holds back what follows a line that starts like a runtime crash
// report, so that the report becomes the cell's error instead of output.
type copier struct {
	r     *os.File
	w     io.Writer
	sniff bool
	done  chan struct{} // closed at the end of the pipe
	// rmu is held from the moment bytes leave the pipe until they were
	// written on, so that idle never sees them in neither place.
	rmu sync.Mutex

	mu        sync.Mutex
	lineStart bool
	held      []byte
	holding   bool
	heldAt    time.Time
	heldLast  time.Time // when held text last grew
	tail      []byte    // the last output, for reports of an exit
}

func newCopier(r *os.File, w io.Writer, sniff bool) *copier {
	c := &copier{r: r, w: w, sniff: sniff, done: make(chan struct{}), lineStart: true}
	go c.run()
	return c
}

func (c *copier) run() {
	defer close(c.done)
	read := lockedReader(c.r, &c.rmu)
	buf := make([]byte, 32<<10)
	for {
		if err := read(buf, c.write); err != nil {
			return
		}
	}
}

func (c *copier) write(p []byte) {
	c.mu.Lock()
	if !c.sniff {
		c.mu.Unlock()
		c.w.Write(p)
		return
	}
	if c.holding {
		c.held = append(c.held, p...)
		c.heldLast = time.Now()
		c.mu.Unlock()
		return
	}
	at := -1
	for _, m := range crashMarkers {
		if c.lineStart && bytes.HasPrefix(p, m) {
			at = 0
			break
		}
		if i := bytes.Index(p, append([]byte{'\n'}, m...)); i >= 0 && (at < 0 || i+1 < at) {
			at = i + 1
		}
	}
	out := p
	if at >= 0 {
		out = p[:at]
		c.held = append(c.held[:0], p[at:]...)
		c.holding = true
		c.heldAt = time.Now()
		c.heldLast = c.heldAt
		time.AfterFunc(holdFor, c.release)
	}
	c.lineStart = len(p) > 0 && p[len(p)-1] == '\n'
	c.tail = append(c.tail, out...)
	if len(c.tail) > 4096 {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-2048:]...)
	}
	c.mu.Unlock()
	if len(out) > 0 {
		c.w.Write(out)
	}
}

// release sends held text on: the worker outlived it, so it was no crash.
func (c *copier) release() {
	select {
	case <-c.done:
		return // the worker is gone: the text is its crash report
	default:
	}
	c.mu.Lock()
	if quiet := time.Since(c.heldLast); c.holding && quiet < holdFor && time.Since(c.heldAt) < holdAtMost {
		// Still being written: wait until it has been quiet for holdFor.
		c.mu.Unlock()
		time.AfterFunc(holdFor-quiet, c.release)
		return
	}
	c.mu.Unlock()
	c.flush()
}

// flush sends held text on.
func (c *copier) flush() {
	select {
	case <-c.done:
		return // the worker is gone: the text is its crash report
	default:
	}
	c.mu.Lock()
	held := c.held
	c.held, c.holding = nil, false
	c.lineStart = len(held) > 0 && held[len(held)-1] == '\n'
	c.mu.Unlock()
	if len(held) > 0 {
		c.w.Write(held)
	}
}

// releaseOlder releases text held for longer than d: a runtime that
// crashes exits within microseconds of its report, so text held that long
// while the worker lives was output. The supervisor calls it when a cell
// ends, so that such output belongs to the cell.
func (c *copier) releaseOlder(d time.Duration) {
	c.mu.Lock()
	stale := c.holding && time.Since(c.heldAt) > d
	c.mu.Unlock()
	if stale {
		c.flush()
	}
}

// crash returns the held text.
func (c *copier) crash() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.held)
}

// lastLines returns the last n lines of what was copied since resetTail.
func (c *copier) lastLines(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(c.tail), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	return lines
}

func (c *copier) resetTail() {
	c.mu.Lock()
	c.tail = c.tail[:0]
	c.mu.Unlock()
}

// idle reports whether everything written to the pipe so far was copied.
func (c *copier) idle() bool {
	select {
	case <-c.done:
		return true
	default:
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	return pipeBuffered(c.r) == 0
}
