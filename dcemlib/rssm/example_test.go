package rssm_test

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// A small world model trained on a replay buffer of one episode, then
// used as a planner uses it: a filter turns observations into a belief,
// and an imagination predicts the returns of candidate action sequences
// from that belief.
func Example() {
	cfg := rssm.Config{ObsSize: 3, ActionSize: 1, StateSize: 4, BeliefSize: 8, HiddenSize: 16, EmbedSize: 8,
		MinStd: 0.1, FreeNats: 3, RewardScale: 10}
	m, err := rssm.New(cfg, tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		fmt.Println(err)
		return
	}

	// An episode of 20 steps: the first entry holds the first observation
	// (with a zero action and reward), each later one an action, the
	// observation it led to and its reward.
	replay, err := rssm.NewReplay(cfg.ObsSize, cfg.ActionSize)
	if err != nil {
		fmt.Println(err)
		return
	}
	var ep rssm.Episode
	ep.Append([]float64{0, 0, 1}, []float64{0}, 0)
	for t := 1; t <= 20; t++ {
		a := math.Sin(float64(t))
		ep.Append([]float64{a, math.Cos(float64(t)), 1}, []float64{a}, a*a)
	}
	if err := replay.Add(ep); err != nil {
		fmt.Println(err)
		return
	}

	// A few Adam steps on the negative variational bound of sampled
	// chunks.
	opt := nn.NewAdam(m.Params(), 1e-3)
	rng := tensor.NewRNG(2)
	var first, last float64
	for i := range 5 {
		b, err := replay.Sample(4, 8, tensor.Float32, rng)
		if err != nil {
			fmt.Println(err)
			return
		}
		l, err := m.Loss(b, rng)
		if err != nil {
			fmt.Println(err)
			return
		}
		l.Total.Backward()
		opt.Step()
		opt.ZeroGrad()
		if i == 0 {
			first = l.Total.Item()
		}
		last = l.Total.Item()
	}
	fmt.Println("finite losses:", !math.IsNaN(first+last) && !math.IsInf(first+last, 0))

	// Filter two observations into a belief, then predict the returns of
	// three sequences of 5 actions from it.
	f := m.NewFilter(3)
	if err := f.Observe([]float64{0, 0, 1}, nil); err != nil {
		fmt.Println(err)
		return
	}
	if err := f.Observe([]float64{0.5, 0.9, 1}, []float64{0.5}); err != nil {
		fmt.Println(err)
		return
	}
	h, s := f.Belief()
	im, err := m.NewImagination(1, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer im.Free()
	if err := im.SetStart(h, s); err != nil {
		fmt.Println(err)
		return
	}
	const n, horizon = 3, 5
	actions := make([]float32, n*horizon*cfg.ActionSize) // (n, horizon, ActionSize)
	for i := range actions {
		actions[i] = float32(i%horizon) / horizon
	}
	returns := make([]float32, n)
	if err := im.PredictReturns(context.Background(), actions, n, horizon, returns); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("belief %d + state %d values, %d predicted returns\n", len(h), len(s), len(returns))
	// Output:
	// finite losses: true
	// belief 8 + state 4 values, 3 predicted returns
}
