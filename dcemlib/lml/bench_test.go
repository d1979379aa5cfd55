package lml

import (
	"fmt"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// BenchmarkProject measures a forward and backward pass, k = 10,
// eps = 1e-3, on standard normal inputs, at the sizes of the published
// reference timings (PyTorch, one CPU thread: 0.8, 7.5 and 117 ms), in
// float64 and (names ending in f32) float32.
func BenchmarkProject(b *testing.B) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		for _, sz := range [][2]int{{64, 100}, {256, 300}, {1024, 1000}} {
			name := fmt.Sprintf("%dx%d", sz[0], sz[1])
			if dt == tensor.Float32 {
				name += "_f32"
			}
			b.Run(name, func(b *testing.B) {
				x := tensor.RandNOf(dt, tensor.NewRNG(1), sz[0], sz[1])
				g := tensor.RandNOf(dt, tensor.NewRNG(2), sz[0], sz[1])
				b.ReportAllocs()
				b.ResetTimer()
				start := cpuTime()
				for i := 0; i < b.N; i++ {
					xv := x.Detach().Clone().RequiresGrad()
					y, err := Project(xv, 10, 1, 1e-3)
					if err != nil {
						b.Fatal(err)
					}
					y.BackwardWith(g)
				}
				if d := cpuTime() - start; d > 0 {
					b.ReportMetric(float64(d)/float64(b.N)/1e3, "cpu-µs/op")
				}
			})
		}
	}
}
