package latent

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestPlanSequenceWorkers: a graph-free decision whose rollouts are split
// over Workers goroutines plans what the decision on one goroutine plans,
// up to float32 rounding (stated tolerance 1e-4 on actions in [−1, 1]),
// from several beliefs and seeds; it keeps one imagination between
// decisions and makes a new one for another model; decisions made at once
// from several goroutines on one controller (one holds the imagination, the
// others imagine on their own goroutine) agree with those made one by one.
func TestPlanSequenceWorkers(t *testing.T) {
	m, err := rssm.New(rssm.Default(5, 2), tensor.Float32, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	solver := cem.Config{Samples: 30, Elites: 5, Temp: 1, Iters: 4}
	one, err := NewController(m, 3, 6, []int{32, 32}, solver, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	split := *one
	split.Workers, split.imag = 3, &imaginationCache{}
	ctx := context.Background()
	f := m.NewFilter(5)
	g := tensor.NewRNG(6)
	type decision struct {
		h, s []float64
		seed uint64
		want []float64
	}
	var ds []decision
	for i := range 6 {
		obs := make([]float64, 5)
		g.FillNormal(obs)
		if err := f.Observe(obs, []float64{0.3, -0.2}); err != nil {
			t.Fatal(err)
		}
		h, s := f.Belief()
		want, err := one.PlanSequence(ctx, h, s, uint64(10+i))
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, decision{h, s, uint64(10 + i), want})
	}
	check := func(name string, got, want []float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d actions, want %d", name, len(got), len(want))
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-4 {
				t.Fatalf("%s: action %d is %g with workers, %g without", name, i, got[i], want[i])
			}
		}
	}
	for i, d := range ds {
		got, err := split.PlanSequence(ctx, d.h, d.s, d.seed)
		if err != nil {
			t.Fatal(err)
		}
		check("decision "+string(rune('0'+i)), got, d.want)
	}
	im := split.imag.im
	if im == nil {
		t.Fatal("the split decisions made no imagination")
	}
	if _, err := split.PlanSequence(ctx, ds[0].h, ds[0].s, ds[0].seed); err != nil || split.imag.im != im {
		t.Fatalf("a second decision on the same model made a new imagination (err %v)", err)
	}
	other := split
	other.Model = m.Frozen()
	if _, err := other.PlanSequence(ctx, ds[0].h, ds[0].s, ds[0].seed); err != nil || split.imag.im == im || split.imag.m != other.Model {
		t.Fatalf("a decision on another model kept the old imagination (err %v)", err)
	}

	var wg sync.WaitGroup
	got := make([][]float64, len(ds))
	errs := make([]error, len(ds))
	for i, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = split.PlanSequence(ctx, d.h, d.s, d.seed)
		}()
	}
	wg.Wait()
	for i, d := range ds {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		check("concurrent decision "+string(rune('0'+i)), got[i], d.want)
	}

	bad := split
	bad.Workers = -1
	if _, err := bad.PlanSequence(ctx, ds[0].h, ds[0].s, 1); err == nil {
		t.Fatal("Workers = -1 was accepted")
	}
}

// TestTrainStepWorkers: a decoder update split over 2 or 3 goroutines
// predicts the same mean return and moves the decoder as the update on one
// goroutine does, up to float32 rounding (1e-4 relative to the largest
// move), on the heap, in arenas, with recomputed rollouts and with the
// bound penalty; and it leaves the BLAS thread count as it found it.
func TestTrainStepWorkers(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	scaleParams(m.Reward.Layers[len(m.Reward.Layers)-1].Params(), 10)
	replay, _ := randomReplay(t, 4, 6)
	solver := cem.Config{Samples: 20, Elites: 4, Temp: 1, Iters: 3}
	type variant struct {
		name             string
		batch            int
		arena, recompute bool
		penalty          float64
		shared           bool
	}
	for _, v := range []variant{
		{name: "heap", batch: 6},
		{name: "arena", batch: 5, arena: true},
		{name: "recompute", batch: 6, arena: true, recompute: true},
		{name: "penalty", batch: 6, penalty: 0.5},
		{name: "shared noise", batch: 6, shared: true},
	} {
		t.Run(v.name, func(t *testing.T) {
			step := func(workers int) (float64, []float64, []float64) {
				c, err := NewController(m, 2, 4, []int{16, 16}, solver, tensor.NewRNG(4))
				if err != nil {
					t.Fatal(err)
				}
				c.Workers, c.Recompute, c.BoundPenalty, c.SharedNoise = workers, v.recompute, v.penalty, v.shared
				if v.arena {
					c.Arena = tensor.NewArena()
					defer c.Arena.Free()
				}
				before := paramValues(c.Decoder.Params())
				// Eps 1 and rate 1: each parameter moves by g/(|g| + 1), a
				// smooth function of its gradient g.
				opt := nn.NewAdam(c.Decoder.Params(), 1)
				opt.Eps = 1
				threads := tensor.BLASThreads()
				value, err := c.TrainStep(context.Background(), replay, v.batch, 5, opt, 0, tensor.NewRNG(9))
				if err != nil {
					t.Fatal(err)
				}
				if got := tensor.BLASThreads(); got != threads {
					t.Errorf("%d workers: BLAS threads %d after the step, %d before", workers, got, threads)
				}
				return value, before, paramValues(c.Decoder.Params())
			}
			v1, before, after1 := step(1)
			largest := 0.0
			for i := range before {
				largest = max(largest, math.Abs(after1[i]-before[i]))
			}
			if largest < 1e-3 {
				t.Fatalf("the update moved the decoder by at most %g: the test cannot tell updates apart", largest)
			}
			for _, w := range []int{2, 3} {
				vw, _, afterW := step(w)
				if math.Abs(vw-v1) > 1e-5*math.Max(1, math.Abs(v1)) {
					t.Errorf("%d workers: predicted return %g, one goroutine %g", w, vw, v1)
				}
				for i := range before {
					if d := math.Abs(afterW[i] - after1[i]); d > 1e-4*largest {
						t.Fatalf("%d workers: parameter %d moved to %g, on one goroutine to %g (largest move %g)", w, i, afterW[i], after1[i], largest)
					}
				}
			}
		})
	}
}

// paramValues returns the values of params, one after another.
func paramValues(params []*tensor.Tensor) []float64 {
	var out []float64
	for _, p := range params {
		out = append(out, p.Values()...)
	}
	return out
}
