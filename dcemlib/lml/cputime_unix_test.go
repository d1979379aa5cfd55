//go:build unix

package lml

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used: on a
// shared machine it varies less with other load than the wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
