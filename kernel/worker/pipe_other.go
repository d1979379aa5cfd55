//go:build !linux

package worker

import (
	"os"
	"sync"
)

// lockedReader returns a function that reads the next chunk of f into buf
// and passes it to emit under mu.
func lockedReader(f *os.File, mu *sync.Mutex) func(buf []byte, emit func([]byte)) error {
	return func(buf []byte, emit func([]byte)) error {
		n, err := f.Read(buf)
		if n > 0 {
			mu.Lock()
			emit(buf[:n])
			mu.Unlock()
		}
		return err
	}
}

// pipeBuffered is 0 where it cannot be measured: output may then trail
// the displays that follow it by a few milliseconds.
func pipeBuffered(f *os.File) int { return 0 }
