package worker

import (
	"os"
	"syscall"
	"unsafe"
)

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
