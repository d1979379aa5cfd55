package worker

import (
	"io"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// lockedReader returns a function that reads the next chunk of f into buf
// and passes it to emit, holding mu from the read system call until emit
// returns: bytes are always either in the pipe or already emitted when mu
// is free. It returns an error at the end of the pipe.
func lockedReader(f *os.File, mu *sync.Mutex) func(buf []byte, emit func([]byte)) error {
	rc, rcErr := f.SyscallConn()
	return func(buf []byte, emit func([]byte)) error {
		if rcErr != nil {
			return rcErr
		}
		var n int
		var rerr error
		locked := false
		err := rc.Read(func(fd uintptr) bool {
			mu.Lock()
			n, rerr = syscall.Read(int(fd), buf)
			if rerr == syscall.EAGAIN || rerr == syscall.EINTR {
				mu.Unlock()
				return false // wait until the pipe is readable
			}
			locked = true
			return true
		})
		if locked {
			defer mu.Unlock()
		}
		switch {
		case err != nil:
			return err
		case rerr != nil:
			return rerr
		case n <= 0:
			return io.EOF
		}
		emit(buf[:n])
		return nil
	}
}

// pipeBuffered is the number of unread bytes in a pipe.
func pipeBuffered(f *os.File) int {
	var n int32
	sc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	sc.Control(func(fd uintptr) {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
			n = 0
		}
	})
	return int(n)
}
