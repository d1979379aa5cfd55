package tensor

import (
	"runtime"
	"sync"
)

// parallelGrain is the fewest elements an elementwise pass splits over
// goroutines: below it, starting them costs more than they save.
const parallelGrain = 1 << 15

// parallelRows runs f on consecutive row ranges [lo, hi) of a rows × cols
// matrix, split over goroutines as parallelSlices splits rows·cols
// elements: f must only write within its rows.
func parallelRows(rows, cols int, f func(lo, hi int)) {
	splitRange(rows, min(runtime.GOMAXPROCS(0), rows*cols/parallelGrain, rows), 1, f)
}

// parallelSlices runs f on consecutive chunks [lo, hi) of n elements, on up
// to GOMAXPROCS goroutines when n is large, else at once on this one.
// Chunks are disjoint and f must only write within its chunk, so the result
// does not depend on the number of threads.
func parallelSlices(n int, f func(lo, hi int)) {
	splitRange(n, min(runtime.GOMAXPROCS(0), n/parallelGrain), 8, f) // whole vectors of eight
}

// splitRange runs f on up to workers consecutive chunks [lo, hi) covering
// [0, n), each but the last a multiple of align long: the first on this
// goroutine, the others on new ones, and returns when all are done.
func splitRange(n, workers, align int, f func(lo, hi int)) {
	if workers <= 1 {
		f(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	chunk = (chunk + align - 1) / align * align
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
