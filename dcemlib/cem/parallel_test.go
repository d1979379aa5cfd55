package cem

import (
	"context"
	"runtime"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestThreadsGiveSameResult: a solve large enough to be split over
// goroutines gives bit-identical results and gradients on 1, 2 and 3
// threads, in both dtypes.
func TestThreadsGiveSameResult(t *testing.T) {
	const b, n, s = 8, 50, 200 // 80 000 sample elements: above parallelMin
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		var ref []*tensor.Tensor
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			c := tensor.RandNOf(dt, tensor.NewRNG(1), b, 1, n).RequiresGrad()
			mean := tensor.ZerosOf(dt, b, n).RequiresGrad()
			std := tensor.FullOf(dt, 1, b, n).RequiresGrad()
			cfg := Config{Samples: s, Elites: 20, Iters: 4, Temp: 1, Seed: 5, Lower: -2, Upper: 2}
			res, err := Solve(context.Background(), quadratic(c), mean, std, cfg)
			if err != nil {
				t.Fatal(err)
			}
			res.Mean.Sum().Add(res.Std.Sum()).Backward()
			got := []*tensor.Tensor{res.Mean, res.Std, c.Grad(), mean.Grad(), std.Grad()}
			if ref == nil {
				ref = got
				continue
			}
			for i := range got {
				if d := maxDiff(got[i], ref[i]); d != 0 {
					t.Errorf("%v, %d threads: result %d differs from 1 thread by %g", dt, procs, i, d)
				}
			}
		}
	}
}
