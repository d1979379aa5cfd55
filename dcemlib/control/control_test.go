package control

import (
	"context"
	"math"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/cartpole"
)

func TestDecoder(t *testing.T) {
	d, err := NewDecoder(2, 5, 2, []int{8, 8}, -100, 100, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	z := tensor.RandU(tensor.NewRNG(2), -3, 3, 4, 2).RequiresGrad()
	u := d.Decode(z)
	if s := u.Shape(); s[0] != 4 || s[1] != 10 {
		t.Fatalf("shape %v", s)
	}
	for _, v := range u.Data() {
		if v <= -100 || v >= 100 {
			t.Fatalf("action %g out of bounds", v)
		}
	}
	params := append([]*tensor.Tensor{z}, d.Params()...)
	if err := tensor.GradCheck(func() *tensor.Tensor { return d.Decode(z).MulScalar(0.01) }, params, 1e-6, 1e-5); err != nil {
		t.Error(err)
	}
	if _, err := NewDecoder(0, 5, 1, nil, -1, 1, tensor.NewRNG(1)); err == nil {
		t.Error("latent 0 accepted")
	}
	if _, err := NewDecoder(2, 5, 1, nil, 1, 1, tensor.NewRNG(1)); err == nil {
		t.Error("empty bounds accepted")
	}
}

// TestPlanLatentGradient checks the gradient of the planned sequence's
// cost with respect to the decoder's parameters through a whole soft solve
// (paper alg. 2) against finite differences.
func TestPlanLatentGradient(t *testing.T) {
	d, _ := NewDecoder(2, 3, 1, []int{6}, -2, 2, tensor.NewRNG(3))
	target := tensor.New([]float64{0.5, -1, 1.5}, 1, 3)
	cost := func(u *tensor.Tensor) *tensor.Tensor { return u.Sub(target).Square().SumAxis(-1, false) }
	cfg := cem.Config{Samples: 16, Elites: 4, Iters: 3, Temp: 1, Lower: -1, Upper: 1, Seed: 5, LMLEps: 1e-12}
	f := func() *tensor.Tensor {
		plan, err := PlanLatent(context.Background(), d, cost, 2, 0.5, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return cost(plan.Actions)
	}
	if err := tensor.GradCheck(f, d.Params(), 1e-6, 1e-4); err != nil {
		t.Error(err)
	}
}

// TestExpertBeatsDoingNothing: full-space CEM on the cartpole finds
// sequences far better than zero force from the paper's start states.
func TestExpertBeatsDoingNothing(t *testing.T) {
	p := cartpole.DefaultParams()
	states := cartpole.SampleStates(tensor.NewRNG(4), 3)
	x0 := cartpole.StatesTensor(states)
	const s = 200
	cost := func(u *tensor.Tensor) *tensor.Tensor {
		// Problem-major rows: repeat each start S times.
		idx := make([]int, 0, 3*s)
		for b := 0; b < 3; b++ {
			for j := 0; j < s; j++ {
				idx = append(idx, b)
			}
		}
		return p.RolloutCost(x0.IndexSelect(0, idx), u)
	}
	res, err := PlanFull(context.Background(), cost, 3, 20, 100, cem.Config{Samples: s, Elites: 20, Iters: 10, Lower: -100, Upper: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for b, st := range states {
		planned := p.Cost(st, res.Mean.Data()[b*20:(b+1)*20])
		idle := p.Cost(st, make([]float64, 20))
		if !(planned < idle-1) {
			t.Errorf("state %d: planned cost %g, idle %g", b, planned, idle)
		}
	}
}

func TestRun(t *testing.T) {
	env := cartpole.NewEnv()
	env.MaxSteps = 10
	calls := 0
	tr, err := Run(context.Background(), env, func(_ context.Context, step int, obs []float64) ([]float64, error) {
		calls++
		if len(obs) != 5 {
			t.Fatalf("obs %v", obs)
		}
		return []float64{10}, nil
	}, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 10 || len(tr.Rewards) != 10 || len(tr.Obs) != 11 {
		t.Fatalf("calls %d, rewards %d, obs %d", calls, len(tr.Rewards), len(tr.Obs))
	}
	sum := 0.0
	for _, r := range tr.Rewards {
		sum += r
	}
	if math.Abs(sum-tr.Return) > 1e-12 {
		t.Fatal("return is not the sum of rewards")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, env, func(context.Context, int, []float64) ([]float64, error) { return []float64{0}, nil }, 1, 5); err == nil {
		t.Fatal("cancelled run did not stop")
	}
}
