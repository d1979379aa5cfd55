package cem

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// reportCPU reports the process's CPU time per operation since start (all
// threads: with -cpu 1 it is the solve's own time plus the collector's).
func reportCPU(b *testing.B, start time.Duration) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(d)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

// dcemSizes are the sizes (B, n, S, k) of the published reference timings
// (PyTorch, one CPU thread: 8.6, 50, 368 and 2033 ms).
var dcemSizes = [][4]int{{1, 2, 100, 10}, {16, 10, 1000, 100}, {128, 10, 1000, 100}, {128, 100, 1000, 100}}

// BenchmarkDCEM measures soft DCEM (τ = 1, LML eps 1e-3), 10 iterations on
// f = ½‖X − c‖², forward and backward (the gradient of Σ μ_T with respect
// to c), at the sizes (B, n, S, k) of dcemSizes, in float64 and (names
// ending in f32) float32.
func BenchmarkDCEM(b *testing.B) { benchDCEM(b, false) }

// BenchmarkDCEMArena is BenchmarkDCEM with the solve in a tensor.Arena that
// is Reset after each backward pass, so that the objective's intermediate
// tensors are recycled.
func BenchmarkDCEMArena(b *testing.B) { benchDCEM(b, true) }

func benchDCEM(b *testing.B, inArena bool) {
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
				use, reset := func(t *tensor.Tensor) *tensor.Tensor { return t }, func() {}
				if inArena {
					a := tensor.NewArena()
					use, reset = a.Use, a.Reset
				}
				solve := func() {
					res, err := Solve(context.Background(), f, use(tensor.ZerosOf(dt, bs, n)), use(tensor.FullOf(dt, 1)), cfg)
					if err != nil {
						b.Fatal(err)
					}
					res.Mean.Sum().Backward()
					reset()
				}
				if inArena {
					solve() // warm up: the first round fills the arena
				}
				b.ReportAllocs()
				b.ResetTimer()
				defer reportCPU(b, cpuTime())
				for i := 0; i < b.N; i++ {
					solve()
				}
			})
		}
	}
}

// fusedQuadratic is f = ½‖X − c‖² as one operation that allocates only its
// (B, S) result and captures X itself: with it, a benchmark's bytes are
// those of the solve rather than of the objective's intermediate tensors.
func fusedQuadratic[T float](c *tensor.Tensor) Objective {
	return func(x *tensor.Tensor) *tensor.Tensor {
		b, s, n := x.Dim(0), x.Dim(1), x.Dim(2)
		xd, cd := vals[T](x), vals[T](c)
		v := make([]T, b*s)
		for i := 0; i < b; i++ {
			cr := cd[i*n : (i+1)*n]
			for j := 0; j < s; j++ {
				acc := 0.0
				for d, xv := range xd[(i*s+j)*n : (i*s+j+1)*n] {
					e := float64(xv - cr[d])
					acc += e * e
				}
				v[i*s+j] = T(0.5 * acc)
			}
		}
		return newOp("Quadratic", v, []int{b, s}, []*tensor.Tensor{x, c}, func(g []T, grads [][]T) {
			gx, gc := grads[0], grads[1]
			for i := 0; i < b; i++ {
				cr := cd[i*n : (i+1)*n]
				for j := 0; j < s; j++ {
					gv := g[i*s+j]
					off := (i*s + j) * n
					for d, xv := range xd[off : off+n] {
						e := gv * (xv - cr[d])
						if gx != nil {
							gx[off+d] += e
						}
						if gc != nil {
							gc[i*n+d] -= e
						}
					}
				}
			}
		})
	}
}

// BenchmarkDCEMFused is BenchmarkDCEM at the largest size with the
// objective as one fused operation (fusedQuadratic), to measure what the
// solve itself allocates and costs.
func BenchmarkDCEMFused(b *testing.B) {
	bs, n, s, k := 128, 100, 1000, 100
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		name := fmt.Sprintf("B%d_n%d_S%d_k%d", bs, n, s, k)
		f := fusedQuadratic[float64]
		if dt == tensor.Float32 {
			name += "_f32"
			f = fusedQuadratic[float32]
		}
		b.Run(name, func(b *testing.B) {
			c := tensor.RandNOf(dt, tensor.NewRNG(1), bs, 1, n).RequiresGrad()
			cfg := Config{Samples: s, Elites: k, Iters: 10, Temp: 1, Seed: 1}
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			for i := 0; i < b.N; i++ {
				res, err := Solve(context.Background(), f(c), tensor.ZerosOf(dt, bs, n), tensor.FullOf(dt, 1), cfg)
				if err != nil {
					b.Fatal(err)
				}
				res.Mean.Sum().Backward()
			}
		})
	}
}
