//go:build !linux

package worker

import "os"

// pipeBuffered is 0 where it cannot be measured: output may then trail
// the displays that follow it by a few milliseconds.
func pipeBuffered(f *os.File) int { return 0 }
