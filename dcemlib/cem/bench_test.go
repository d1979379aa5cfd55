package cem

import (
	"context"
	"fmt"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// BenchmarkDCEM measures soft DCEM (τ = 1, LML eps 1e-3), 10 iterations on
// f = ½‖X − c‖², forward and backward (the gradient of Σ μ_T with respect
// to c), at the sizes (B, n, S, k) of the published reference timings
// (PyTorch, one CPU thread: 8.6, 50, 368 and 2033 ms).
func BenchmarkDCEM(b *testing.B) {
	for _, sz := range [][4]int{{1, 2, 100, 10}, {16, 10, 1000, 100}, {128, 10, 1000, 100}, {128, 100, 1000, 100}} {
		bs, n, s, k := sz[0], sz[1], sz[2], sz[3]
		b.Run(fmt.Sprintf("B%d_n%d_S%d_k%d", bs, n, s, k), func(b *testing.B) {
			c := tensor.RandN(tensor.NewRNG(1), bs, 1, n).RequiresGrad()
			f := func(x *tensor.Tensor) *tensor.Tensor {
				return x.Sub(c).Square().SumAxis(-1, false).MulScalar(0.5)
			}
			cfg := Config{Samples: s, Elites: k, Iters: 10, Temp: 1, Seed: 1}
			for i := 0; i < b.N; i++ {
				res, err := Solve(context.Background(), f, tensor.Zeros(bs, n), tensor.Scalar(1), cfg)
				if err != nil {
					b.Fatal(err)
				}
				res.Mean.Sum().Backward()
			}
		})
	}
}
