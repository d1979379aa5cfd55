package cem

import (
	"runtime"
	"sync"
)

// parallelMin is the number of elements a loop must touch before forEach
// splits it over goroutines: below it, starting them costs more than
// they save.
const parallelMin = 1 << 16

// forEach calls body on contiguous chunks [lo, hi) that cover [0, n), on up
// to GOMAXPROCS goroutines when the loop touches at least parallelMin
// elements (work), else on the caller's. Each index must be computed
// independently of the others (a problem of the batch, say), so that the
// results are the same however the range is split.
func forEach(n, work int, body func(lo, hi int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p <= 1 || work < parallelMin {
		body(0, n)
		return
	}
	var wg sync.WaitGroup
	for c := 1; c < p; c++ {
		lo, hi := c*n/p, (c+1)*n/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	body(0, n/p)
	wg.Wait()
}
