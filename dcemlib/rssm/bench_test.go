package rssm

import (
	"runtime"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// BenchmarkPlanCEM1000x12x10 times one full-space CEM decision of PlaNet's
// planner on a cheetah-sized model (1000 candidates, horizon 12, 10
// iterations, 100 elites): 92 GFLOP of matrix products, imagined on
// GOMAXPROCS workers (run with -cpu 1,2). It reports the rate as GFLOP/s.
func BenchmarkPlanCEM1000x12x10(b *testing.B) {
	for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
		b.Run(dt.String()[len("float"):], func(b *testing.B) {
			m, im := startedImagination(b, dt, 17, 6)
			benchPlans(b, m, im, control.PlaNetCEM())
		})
	}
}

// BenchmarkPlanCEM300x12x5 times one decision of the reduced planner the
// 100k-step runs use (planet.Small: 300 candidates, horizon 12, 5
// iterations, 30 elites, 13.9 GFLOP) as the runs make it: the candidates
// split over GOMAXPROCS workers with one BLAS thread each (run with -cpu
// 1,2). It reports the rate as GFLOP/s.
func BenchmarkPlanCEM300x12x5(b *testing.B) {
	m, im := startedImagination(b, tensor.Float32, 17, 6)
	prev := tensor.BLASThreads()
	tensor.SetBLASThreads(1)
	defer tensor.SetBLASThreads(prev)
	benchPlans(b, m, im, control.CEMPlanner{Horizon: 12, Candidates: 300, Elites: 30, Iterations: 5, InitStd: 1, Lower: -1, Upper: 1})
}

// BenchmarkUpdate50x50 times one model update of PlaNet's training on a
// cheetah-sized model: the loss of a batch of 50 chunks of 50 steps, its
// gradient, clipping and an Adam step, in float32 in an arena, with
// GOMAXPROCS BLAS threads (run with -cpu 1,2), as the runs update.
func BenchmarkUpdate50x50(b *testing.B) {
	m, err := New(Default(17, 6), tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	prev := tensor.BLASThreads()
	tensor.SetBLASThreads(runtime.GOMAXPROCS(0))
	defer tensor.SetBLASThreads(prev)
	opt := nn.NewAdam(m.Params(), 1e-3)
	opt.Eps = 1e-4
	batch := randBatch(tensor.Float32, 50, 50, 17, 6, 2)
	g := tensor.NewRNG(3)
	arena := tensor.NewArena()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bb := Batch{arena.Use(batch.Obs), arena.Use(batch.Actions), arena.Use(batch.Rewards)}
		l, err := m.Loss(bb, g)
		if err != nil {
			b.Fatal(err)
		}
		l.Total.Backward()
		nn.ClipGradNorm(m.Params(), 1000)
		opt.Step()
		opt.ZeroGrad()
		arena.Reset()
	}
}

// BenchmarkUpdate50x50Workers is BenchmarkUpdate50x50 with the gradient
// split over GradientWorkers (one BLAS thread each), as the world-model
// runs make their updates with 2 workers; run with -cpu 1,2 and compare
// with BenchmarkUpdate50x50 under OPENBLAS_NUM_THREADS = 1 and 2.
func BenchmarkUpdate50x50Workers(b *testing.B) {
	m, err := New(Default(17, 6), tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	opt := nn.NewAdam(m.Params(), 1e-3)
	opt.Eps = 1e-4
	batch := randBatch(tensor.Float32, 50, 50, 17, 6, 2)
	g := tensor.NewRNG(3)
	gw, err := m.NewGradientWorkers(runtime.GOMAXPROCS(0))
	if err != nil {
		b.Fatal(err)
	}
	defer gw.Free()
	prev := tensor.BLASThreads()
	tensor.SetBLASThreads(1)
	defer tensor.SetBLASThreads(prev)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := gw.Gradient(batch, g); err != nil {
			b.Fatal(err)
		}
		nn.ClipGradNorm(m.Params(), 1000)
		opt.Step()
		opt.ZeroGrad()
	}
}
