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
	workers := min(runtime.GOMAXPROCS(0), rows*cols/parallelGrain, rows)
	if workers <= 1 {
		f(0, rows)
		return
	}
	chunk := (rows + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := chunk; lo < rows; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+chunk, rows))
	}
	f(0, min(chunk, rows))
	wg.Wait()
}

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
