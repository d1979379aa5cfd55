package cem

import (
	"context"
	"fmt"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// dcemSizes are the sizes (B, n, S, k) of the published reference timings
// (PyTorch, one CPU thread: 8.6, 50, 368 and 2033 ms).
var dcemSizes = [][4]int{{1, 2, 100, 10}, {16, 10, 1000, 100}, {128, 10, 1000, 100}, {128, 100, 1000, 100}}

// BenchmarkDCEM measures soft DCEM (τ = 1, LML eps 1e-3), 10 iterations on
// f = ½‖X − c‖², forward and backward (the gradient of Σ μ_T with respect
// to c), at the sizes (B, n, S, k) of dcemSizes, in float64 and (names
// ending in f32) float32.
func BenchmarkDCEM(b *testing.B) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		for _, sz := range dcemSizes {
			bs, n, s, k := sz[0], sz[1], sz[2], sz[3]
			name := fmt.Sprintf("B%d_n%d_S%d_k%d", bs, n, s, k)
			if dt == tensor.Float32 {
				name += "_f32"
			}
			b.Run(name, func(b *testing.B) {
				c := tensor.RandNOf(dt, tensor.NewRNG(1), bs, 1, n).RequiresGrad()
				f := func(x *tensor.Tensor) *tensor.Tensor {
					return x.Sub(c).Square().SumAxis(-1, false).MulScalar(0.5)
				}
				cfg := Config{Samples: s, Elites: k, Iters: 10, Temp: 1, Seed: 1}
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					res, err := Solve(context.Background(), f, tensor.ZerosOf(dt, bs, n), tensor.FullOf(dt, 1), cfg)
					if err != nil {
						b.Fatal(err)
					}
					res.Mean.Sum().Backward()
				}
			})
		}
	}
}
