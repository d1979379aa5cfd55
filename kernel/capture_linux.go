package kernel

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// FDCapture sends what the process writes to file descriptors 1 and 2
// (compiled code printing to os.Stdout, C libraries, the Go runtime) to the
// kernel's stdout and stderr streams.
type FDCapture struct {
	log     *os.File
	readers [2]*os.File
	busy    atomic.Int32
	once    sync.Once
}

// CaptureFDs points descriptors 1 and 2 at pipes and returns the capture
// and a writer to the original stderr, for the kernel's own log. Call Start
// once the kernel exists; until then the pipes buffer.
func CaptureFDs() (*FDCapture, io.Writer, error) {
	logFD, err := syscall.Dup(2)
	if err != nil {
		return nil, nil, err
	}
	c := &FDCapture{log: os.NewFile(uintptr(logFD), "stderr")}
	for i, fd := range []int{1, 2} {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, nil, err
		}
		if err := syscall.Dup3(int(w.Fd()), fd, 0); err != nil {
			return nil, nil, err
		}
		w.Close()
		c.readers[i] = r
	}
	return c, c.log, nil
}

// Start copies the captured output into k's streams.
func (c *FDCapture) Start(k *Kernel) {
	c.once.Do(func() {
		k.capture = c
		for i, s := range []*Stream{k.stdout, k.stderr} {
			go c.copy(c.readers[i], s)
		}
	})
}

func (c *FDCapture) copy(r *os.File, s *Stream) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			c.busy.Add(1)
			s.Write(buf[:n])
			c.busy.Add(-1)
		}
		if err != nil {
			return
		}
	}
}

// sync waits (at most 200 ms) until what was written to the descriptors so
// far has reached the streams.
func (c *FDCapture) sync() {
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) {
		if c.pending() == 0 && c.busy.Load() == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// pending is the number of unread bytes in the pipes.
func (c *FDCapture) pending() int {
	total := 0
	for _, r := range c.readers {
		var n int32
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, r.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
		if errno == 0 {
			total += int(n)
		}
	}
	return total
}
