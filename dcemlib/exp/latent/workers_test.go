package latent

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/cem"
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
