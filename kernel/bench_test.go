package kernel

import (
	"testing"
	"time"
)

// BenchmarkRoundTrip measures an execute_request of a trivial cell, from
// sending it to the idle status on iopub, through real sockets (the
// interpreter is the fake one: see BenchmarkExecuteOnePlusOne in
// kernel/session for the interpreter's share).
func BenchmarkRoundTrip(b *testing.B) {
	_, _, c, _ := startKernel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := c.send(c.shell, c.codec, "execute_request", execReq("value"))
		if _, err := c.recv(c.shell, 5*time.Second); err != nil {
			b.Fatal(err)
		}
		c.iopubUntilIdle(id)
	}
}
