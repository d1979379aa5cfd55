package sweep

import (
	"context"
	"errors"
	"os"
	"sync"
)

// RunLocal runs the points idx of e on this machine, workers at a time
// (≥ 1), in the order given, saving each result as it ends. The first
// failure stops the others; results saved before stay, so that a later
// call with d.Missing() goes on from there. It returns the first failure
// that is not only a consequence of that stop.
func (d *Dir) RunLocal(ctx context.Context, e Experiment, idx []int, workers int) error {
	for _, i := range idx {
		if err := d.Check(i); err != nil {
			return err
		}
	}
	workers = max(1, min(workers, len(idx)))
	host, _ := os.Hostname()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make([]error, len(idx))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if ctx.Err() != nil {
					continue // stopped: leave the point missing
				}
				if err := d.RunPoint(ctx, e, idx[k], host, ""); err != nil {
					errs[k] = err
					cancel()
				}
			}
		}()
	}
feed:
	for k := range idx {
		select {
		case next <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first == nil {
		// Stopped from outside before every point had started.
		first = parent.Err()
	}
	return first
}
