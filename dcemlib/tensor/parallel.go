package tensor

import (
	"runtime"
	"sync"
)

// parallelGrain is the fewest elements an elementwise pass splits over
// goroutines: below it, starting them costs more than they save.
const parallelGrain = 1 << 15

// parallelSlices runs f on consecutive chunks [lo, hi) of n elements, on up
// to GOMAXPROCS goroutines when n is large, else at once on this one.
// Chunks are disjoint and f must only write within its chunk, so the result
// does not depend on the number of threads.
func parallelSlices(n int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelGrain)
	if workers <= 1 {
		f(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	chunk = (chunk + 7) &^ 7 // whole vectors of eight
	var wg sync.WaitGroup
	for lo := chunk; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	f(0, min(chunk, n))
	wg.Wait()
}
