package latent

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/ppo"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// BenchmarkDecision times one planning decision on a cheetah-sized model
// (rssm.Default(17, 6)) in float32 without a graph: latent DCEM with the
// paper's settings (100 samples, 10 elites, τ 1, 10 iterations, horizon 12;
// a latent of 8 decoded through two ELU layers of 128) against PlaNet's
// full-space CEM (1000 candidates, 100 elites, 10 iterations), which
// imagines ten times as many sequences. latentDCEM's threads1 and threads2
// run its rollouts on one goroutine with 1 and 2 BLAS threads; workers
// splits them over GOMAXPROCS goroutines of one BLAS thread each
// (Controller.Workers), as the runs act (run with -cpu 1,2).
func BenchmarkDecision(b *testing.B) {
	m, err := rssm.New(rssm.Default(17, 6), tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	f := m.NewFilter(2)
	obs := make([]float64, 17)
	tensor.NewRNG(3).FillNormal(obs)
	if err := f.Observe(obs, nil); err != nil {
		b.Fatal(err)
	}
	h, s := f.Belief()
	prev := tensor.BLASThreads()
	defer tensor.SetBLASThreads(prev)
	for _, v := range []struct {
		name             string
		threads, workers int
	}{{"threads1", 1, 0}, {"threads2", 2, 0}, {"workers", 1, runtime.GOMAXPROCS(0)}} {
		b.Run("latentDCEM100x12x10/"+v.name, func(b *testing.B) {
			tensor.SetBLASThreads(v.threads)
			c, err := NewController(m, 8, 12, []int{128, 128}, PaperSolver(), tensor.NewRNG(4))
			if err != nil {
				b.Fatal(err)
			}
			c.Workers = v.workers
			for i := 0; i < b.N; i++ {
				if _, err := c.Act(context.Background(), h, s, uint64(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	tensor.SetBLASThreads(prev)
	b.Run("fullCEM1000x12x10", func(b *testing.B) {
		im, err := m.NewImagination(runtime.GOMAXPROCS(0), 5)
		if err != nil {
			b.Fatal(err)
		}
		defer im.Free()
		if err := im.SetStart(h, s); err != nil {
			b.Fatal(err)
		}
		p := control.PlaNetCEM()
		for i := 0; i < b.N; i++ {
			if _, err := p.Plan(context.Background(), im, uint64(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTrainStep times one decoder update of the phase-2 agent on a
// walker-sized model (rssm.Default(24, 6), float32): Batch start states
// filtered over 10 replay steps, a batched latent DCEM solve from each
// (100 samples × 10 iterations × horizon 12) and the backward pass through
// the solve and the rollouts, with 1 and 2 BLAS threads, on the heap, in
// a gradient arena (whose peak storage it reports), in an arena with the
// rollouts recomputed in the backward pass (Controller.Recompute), and in
// arenas with the start states split over GOMAXPROCS goroutines of one
// BLAS thread each (Controller.Workers; "workers", run with -cpu 2).
func BenchmarkTrainStep(b *testing.B) {
	m, err := rssm.New(rssm.Default(24, 6), tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	replay, err := rssm.NewReplay(24, 6)
	if err != nil {
		b.Fatal(err)
	}
	rng := tensor.NewRNG(2)
	for range 2 {
		var e rssm.Episode
		for range 100 {
			obs, act := make([]float64, 24), make([]float64, 6)
			rng.FillNormal(obs)
			rng.FillNormal(act)
			e.Append(obs, act, rng.Normal())
		}
		if err := replay.Add(e); err != nil {
			b.Fatal(err)
		}
	}
	prev := tensor.BLASThreads()
	defer tensor.SetBLASThreads(prev)
	for _, batch := range []int{10, 50} {
		for _, threads := range []int{1, 2} {
			for _, mode := range []string{"heap", "arena", "recompute", "workers"} {
				if mode == "workers" && threads != 1 {
					continue // the workers run one BLAS thread each
				}
				arena, recompute := mode != "heap", mode == "recompute"
				name := fmt.Sprintf("batch%d/threads%d/%s", batch, threads, mode)
				b.Run(name, func(b *testing.B) {
					tensor.SetBLASThreads(threads)
					a, err := NewAgent(DefaultAgent(), 6)
					if err != nil {
						b.Fatal(err)
					}
					c := a.Controller(m)
					c.Recompute = recompute
					if mode == "workers" {
						c.Workers = runtime.GOMAXPROCS(0)
					}
					if arena {
						c.Arena = tensor.NewArena()
						defer c.Arena.Free()
					}
					for i := 0; i < b.N; i++ {
						if _, err := c.TrainStep(context.Background(), replay, batch, 10, a.Opt, 100, rng); err != nil {
							b.Fatal(err)
						}
					}
					if arena {
						b.ReportMetric(float64(c.Arena.PeakBytes())/1e6, "MB/step")
					}
				})
			}
		}
	}
}

// BenchmarkPolicyMicroBatch times what phase 3 spends per PPO micro-batch:
// the policy's distribution for 16 beliefs of a cheetah-sized model
// (rssm.Default(17, 6), float32; the agent's default decoder, 16 → 256³ →
// 72; a DCEM solve per belief with its own draws, NoisePerBelief) and the
// backward pass of their log-probabilities into the decoder, the reward
// model and the transition, in a gradient arena, with 1 and 2 BLAS threads.
// It reports the milliseconds per belief, the cost of one belief in one
// pass of a PPO update.
func BenchmarkPolicyMicroBatch(b *testing.B) {
	const beliefs = 16
	m, err := rssm.New(rssm.Default(17, 6), tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	a, err := NewAgent(DefaultAgent(), 6)
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPolicy(a.Controller(m), 0.1, false, 3)
	if err != nil {
		b.Fatal(err)
	}
	p.NoisePerBelief = true
	g := tensor.NewRNG(2)
	obs := tensor.RandNOf(tensor.Float32, g, beliefs, m.BeliefSize+m.StateSize)
	act := tensor.RandUOf(tensor.Float32, g, -1, 1, beliefs, 6)
	prev := tensor.BLASThreads()
	defer tensor.SetBLASThreads(prev)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads%d", threads), func(b *testing.B) {
			tensor.SetBLASThreads(threads)
			arena := tensor.NewArena()
			defer arena.Free()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				mean, logStd, err := p.Distribution(context.Background(), arena.Use(obs))
				if err != nil {
					b.Fatal(err)
				}
				ppo.GaussianLogProb(arena.Use(act), mean, logStd).Mean().Backward()
				nn.ZeroGrad(p.Params())
				arena.Reset()
			}
			b.ReportMetric(time.Since(start).Seconds()*1e3/float64(b.N*beliefs), "ms/belief")
			b.ReportMetric(float64(arena.PeakBytes())/1e6/beliefs, "MB/belief")
		})
	}
}
