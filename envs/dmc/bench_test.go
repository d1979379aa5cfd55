package dmc

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/internal/cloop"
	"github.com/dcem-go/dcem/envs/mujoco"
)

const benchEpisode = 1000 // control steps per benchmark episode

// benchActions returns one episode of uniform random actions, row-major.
func benchActions(seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 9))
	a := make([]float64, benchEpisode*6)
	for i := range a {
		a[i] = 2*rng.Float64() - 1
	}
	return a
}

// goEpisode steps e through one episode of actions with the Go API.
func goEpisode(b *testing.B, e *Env, actions []float64) {
	for t := range benchEpisode {
		if _, _, _, err := e.Step(actions[6*t : 6*t+6]); err != nil {
			b.Fatal(err)
		}
	}
}

// cEpisode steps e's simulation through the same episode in a C loop.
func cEpisode(b *testing.B, e *Env, actions []float64) {
	if err := cloop.Run(e.Data(), actions, e.spec.substeps, -1, 1); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStep measures one control step of each task through the Go API
// (Env.Step: action checks, stepping, observation and reward) and through a
// tight C loop over the same MuJoCo calls, from the same reset state with
// the same actions. The ns/op of go and c give the Go/C ratio; ratio runs
// both alternately and reports it directly.
func BenchmarkStep(b *testing.B) {
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		actions := benchActions(1)
		e, err := New(task)
		if err != nil {
			b.Fatal(err)
		}
		defer e.Close()
		for _, path := range []string{"go", "c"} {
			b.Run(fmt.Sprintf("%s/%s", task, path), func(b *testing.B) {
				episode := goEpisode
				if path == "c" {
					episode = cEpisode
				}
				steps := 0
				for b.Loop() {
					b.StopTimer()
					if _, err := e.Reset(1); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					episode(b, e, actions)
					steps += benchEpisode
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
				b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			})
		}
		b.Run(task+"/ratio", func(b *testing.B) {
			// Alternate the two paths episode by episode and compare the
			// median and the fastest episode of each, which other load
			// on the machine disturbs least.
			var goTimes, cTimes []time.Duration
			for b.Loop() {
				e.Reset(1)
				t0 := time.Now()
				goEpisode(b, e, actions)
				goTimes = append(goTimes, time.Since(t0))
				e.Reset(1)
				t0 = time.Now()
				cEpisode(b, e, actions)
				cTimes = append(cTimes, time.Since(t0))
			}
			slices.Sort(goTimes)
			slices.Sort(cTimes)
			b.ReportMetric(float64(goTimes[len(goTimes)/2])/float64(cTimes[len(cTimes)/2]), "go/c-median")
			b.ReportMetric(float64(goTimes[0])/float64(cTimes[0]), "go/c-min")
		})
	}
}

// BenchmarkBatchStep measures the throughput of envs.Batch on 8 cheetah.run
// or walker.walk environments with 1 and 2 workers; one op is one Step of
// all 8.
func BenchmarkBatchStep(b *testing.B) {
	const n = 8
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/envs=%d/workers=%d", task, n, workers), func(b *testing.B) {
				base, err := New(task)
				if err != nil {
					b.Fatal(err)
				}
				es := []envs.Env{base}
				for range n - 1 {
					c, err := base.Clone()
					if err != nil {
						b.Fatal(err)
					}
					defer c.Close()
					es = append(es, c)
				}
				defer base.Close()
				batch, _ := envs.NewBatch(es, workers)
				ctx := context.Background()
				seeds := make([]uint64, n)
				for i := range seeds {
					seeds[i] = uint64(i)
				}
				actions := benchActions(2)
				acts := make([][]float64, n)
				t, steps := benchEpisode, 0
				for b.Loop() {
					if t == benchEpisode {
						b.StopTimer()
						if _, err := batch.Reset(ctx, seeds); err != nil {
							b.Fatal(err)
						}
						t = 0
						b.StartTimer()
					}
					for i := range acts {
						acts[i] = actions[6*t : 6*t+6]
					}
					tr, err := batch.Step(ctx, acts)
					if err != nil || tr[0].Err != nil {
						b.Fatal(err, tr[0].Err)
					}
					t++
					steps += n
				}
				b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}

// BenchmarkRenderCheetah640x480 measures one 640×480 frame of cheetah.run
// from its side camera, when the machine can render offscreen.
func BenchmarkRenderCheetah640x480(b *testing.B) {
	e, err := New("cheetah.run")
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	r, err := mujoco.NewRenderer(e.Model())
	if err != nil {
		b.Skip(err)
	}
	defer r.Close()
	cam, _ := e.Model().ID(mujoco.ObjCamera, "side")
	e.Reset(0)
	for b.Loop() {
		if _, err := r.Render(e.Data(), cam, 640, 480); err != nil {
			b.Fatal(err)
		}
	}
}
