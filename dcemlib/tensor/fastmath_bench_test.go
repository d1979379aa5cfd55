//go:build goexperiment.simd && amd64

package tensor

import "testing"

// BenchmarkGRUGates times the GRU gate arithmetic of one row of 200 units
// (the belief size of the world model) with each kernel set: the portable
// code, eight lanes and sixteen lanes.
func BenchmarkGRUGates(b *testing.B) {
	rng := NewRNG(1)
	hs := 200
	a := RandNOf(Float32, rng, 3*hs).Data32()
	c := RandNOf(Float32, rng, 3*hs).Data32()
	h := RandNOf(Float32, rng, hs).Data32()
	bias := RandNOf(Float32, rng, 4*hs).Data32()
	out := make([]float32, hs)
	for name, k := range map[string]func(a, c, h, out, bias []float32){"x8": gruGates32x8, "x16": gruGates32x16, "scalar": gruGatesT[float32]} {
		b.Run(name, func(b *testing.B) {
			ga, gc := make([]float32, 3*hs), make([]float32, 3*hs)
			for i := 0; i < b.N; i++ {
				copy(ga, a)
				copy(gc, c)
				k(ga, gc, h, out, bias)
			}
		})
	}
}
