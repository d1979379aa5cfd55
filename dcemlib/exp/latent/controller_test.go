package latent

import (
	"context"
	"errors"
	"image"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/dmc"
)

func tinyModel(t testing.TB, dt tensor.DType) *rssm.Model {
	t.Helper()
	cfg := rssm.Config{ObsSize: 3, ActionSize: 2, StateSize: 2, BeliefSize: 4, HiddenSize: 5, EmbedSize: 4,
		MinStd: 0.1, FreeNats: 3, RewardScale: 10}
	m, err := rssm.New(cfg, dt, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPlanGradCheck checks the gradient of the controller's plan with
// respect to the decoder, reward and transition parameters (and the start
// state) against finite differences, through the whole DCEM solve.
func TestPlanGradCheck(t *testing.T) {
	m := tinyModel(t, tensor.Float64)
	solver := cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3}
	c, err := NewController(m, 2, 3, []int{6}, solver, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	g := tensor.NewRNG(5)
	h := tensor.RandN(g, 2, m.BeliefSize).RequiresGrad()
	s := tensor.RandN(g, 2, m.StateSize).RequiresGrad()
	f := func() *tensor.Tensor {
		plan, err := c.Plan(context.Background(), h, s, 7)
		if err != nil {
			t.Fatal(err)
		}
		return plan.Actions
	}
	groups := map[string][]*tensor.Tensor{
		"decoder":    c.Decoder.Params(),
		"reward":     m.Reward.Params(),
		"transition": append(append([]*tensor.Tensor{}, m.Pre.Params()...), m.Cell.Params()...),
		"start":      {h, s},
	}
	for name, ps := range groups {
		if err := tensor.GradCheck(f, ps, 1e-6, 1e-4); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestControllerErrors(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	for _, c := range []struct {
		field string
		cfg   cem.Config
	}{
		{"Samples", cem.Config{Samples: 1, Elites: 1, Iters: 1}},
		{"Elites", cem.Config{Samples: 10, Elites: 10, Iters: 1}},
		{"Iters", cem.Config{Samples: 10, Elites: 1, Iters: 0}},
		{"Temp", cem.Config{Samples: 10, Elites: 1, Iters: 1, Temp: -1}},
	} {
		if _, err := NewController(m, 2, 3, []int{6}, c.cfg, tensor.NewRNG(1)); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v", c.field, err)
		}
	}
	if _, err := NewController(m, 0, 3, nil, PaperSolver(), tensor.NewRNG(1)); err == nil || !strings.Contains(err.Error(), "latent") {
		t.Errorf("latent dimension 0: error %v", err)
	}
}

// TestTrainStepRaisesReturn: steps of the decoder's training raise the
// model's predicted return of the controller's plans from held-out start
// states (the model itself stays fixed).
func TestTrainStepRaisesReturn(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	// Make the predicted return depend on the actions enough to matter:
	// scale the reward's output layer and the transition's input layer.
	scaleParams(m.Reward.Layers[len(m.Reward.Layers)-1].Params(), 10)
	scaleParams(m.Pre.Params(), 3)
	solver := cem.Config{Samples: 20, Elites: 4, Temp: 1, Iters: 3}
	c, err := NewController(m, 2, 4, []int{16, 16}, solver, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	replay, g := randomReplay(t, 4, 6)
	b, _ := replay.Sample(16, 5, tensor.Float32, tensor.NewRNG(99))
	h, s, err := m.Beliefs(b, tensor.NewRNG(98))
	if err != nil {
		t.Fatal(err)
	}
	score := func() float64 {
		plan, err := c.Plan(context.Background(), h, s, 1)
		if err != nil {
			t.Fatal(err)
		}
		return m.ImagineReturns(h, s, plan.Actions.Detach(), c.Horizon(), nil).Mean().Item()
	}
	// The best of 200 random sequences from each start state, for scale.
	const n = 200
	index := make([]int, 16*n)
	for i := range index {
		index[i] = i / n
	}
	u := tensor.RandUOf(tensor.Float32, tensor.NewRNG(7), -1, 1, 16*n, c.Horizon()*2)
	rs := m.ImagineReturns(h.IndexSelect(0, index), s.IndexSelect(0, index), u, c.Horizon(), nil).Values()
	bestRandom := 0.0
	for b := range 16 {
		best := rs[b*n]
		for _, v := range rs[b*n : (b+1)*n] {
			best = max(best, v)
		}
		bestRandom += best / 16
	}
	before := score()
	opt := nn.NewAdam(c.Decoder.Params(), 3e-3)
	for range 60 {
		if _, err := c.TrainStep(context.Background(), replay, 16, 5, opt, 1000, g); err != nil {
			t.Fatal(err)
		}
	}
	after := score()
	t.Logf("predicted return of the plans: %.4f before, %.4f after 60 steps; best of %d random sequences %.4f", before, after, n, bestRandom)
	// The untrained decoder covers a sliver of the action space; training
	// must close at least half of the gap to the best random sequence.
	if !(after-before > 0.5*(bestRandom-before)) {
		t.Errorf("predicted return %.4f after training, %.4f before, best random %.4f: the decoder did not learn", after, before, bestRandom)
	}
	for _, p := range m.Params() {
		if p.Grad() != nil {
			for _, v := range p.Grad().Values() {
				if v != 0 {
					t.Fatal("TrainStep left a gradient on a model parameter")
				}
			}
		}
	}
}

// TestBoundPenalty checks the barrier against the action bounds: it is
// mean(−log(1 − u²)) of the decoded actions rescaled to [−1, 1], a negative
// weight is refused, and decoder training with it ends with plans further
// from the bounds than the same training without it.
func TestBoundPenalty(t *testing.T) {
	m := tinyModel(t, tensor.Float64)
	scaleParams(m.Reward.Layers[len(m.Reward.Layers)-1].Params(), 10) // returns that depend on the actions enough to matter
	solver := cem.Config{Samples: 20, Elites: 4, Temp: 1, Iters: 3}
	newController := func(penalty float64) *Controller {
		c, err := NewController(m, 2, 4, []int{16, 16}, solver, tensor.NewRNG(4))
		if err != nil {
			t.Fatal(err)
		}
		c.BoundPenalty = penalty
		return c
	}
	c := newController(0)
	z := tensor.RandN(tensor.NewRNG(5), 7, 2).MulScalar(3)
	want := 0.0
	u := c.Decoder.Decode(z).Values() // in [−1, 1] already
	for _, v := range u {
		want -= math.Log(1-v*v) / float64(len(u))
	}
	if got := c.boundBarrier(z).Item(); math.Abs(got-want) > 1e-9*(1+want) {
		t.Errorf("barrier %.12g, want mean(−log(1 − u²)) = %.12g", got, want)
	}
	c.BoundPenalty = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "BoundPenalty") {
		t.Errorf("BoundPenalty −1: %v, want an error naming it", err)
	}

	replay, _ := randomReplay(t, 4, 6)
	b, _ := replay.Sample(16, 5, tensor.Float64, tensor.NewRNG(99))
	h, s, err := m.Beliefs(b, tensor.NewRNG(98))
	if err != nil {
		t.Fatal(err)
	}
	barrier := map[float64]float64{}
	for _, penalty := range []float64{0, 1} {
		c := newController(penalty)
		opt := nn.NewAdam(c.Decoder.Params(), 1e-2)
		g := tensor.NewRNG(6)
		for range 40 {
			if _, err := c.TrainStep(context.Background(), replay, 16, 5, opt, 1000, g); err != nil {
				t.Fatal(err)
			}
		}
		plan, err := c.Plan(context.Background(), h, s, 1)
		if err != nil {
			t.Fatal(err)
		}
		barrier[penalty] = c.boundBarrier(plan.Z.Detach()).Item()
	}
	t.Logf("barrier of the plans after 40 steps: %.3f without the penalty, %.3f with weight 1", barrier[0], barrier[1])
	if !(barrier[1] < 0.8*barrier[0]) {
		t.Errorf("barrier %.3f with the penalty, %.3f without: the penalty did not keep the plans off the bounds", barrier[1], barrier[0])
	}
}

// TestTrainStepArena checks that decoder updates made in a gradient arena
// (reset after each step, its memory reused) are those made on the heap,
// bit for bit, and that a no-grad arena is refused.
func TestTrainStepArena(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	replay, _ := randomReplay(t, 3, 6)
	steps := func(arena *tensor.Arena) ([]float64, [][]float64) {
		c, err := NewController(m, 2, 4, []int{16}, cem.Config{Samples: 20, Elites: 4, Temp: 1, Iters: 3}, tensor.NewRNG(4))
		if err != nil {
			t.Fatal(err)
		}
		c.Arena = arena
		opt := nn.NewAdam(c.Decoder.Params(), 3e-3)
		rng := tensor.NewRNG(8)
		var rets []float64
		for range 4 {
			r, err := c.TrainStep(context.Background(), replay, 6, 5, opt, 1000, rng)
			if err != nil {
				t.Fatal(err)
			}
			rets = append(rets, r)
		}
		var params [][]float64
		for _, p := range c.Decoder.Params() {
			params = append(params, p.Values())
		}
		return rets, params
	}
	heapRets, heapParams := steps(nil)
	arena := tensor.NewArena()
	defer arena.Free()
	arenaRets, arenaParams := steps(arena)
	if !reflect.DeepEqual(heapRets, arenaRets) || !reflect.DeepEqual(heapParams, arenaParams) {
		t.Errorf("in an arena: returns %v, want the heap's %v (decoder parameters equal: %v)", arenaRets, heapRets, reflect.DeepEqual(heapParams, arenaParams))
	}
	if arena.PeakBytes() == 0 {
		t.Error("the arena handed out no storage: the step did not run in it")
	}
	c, _ := NewController(m, 2, 4, []int{16}, cem.Config{Samples: 20, Elites: 4, Temp: 1, Iters: 3}, tensor.NewRNG(4))
	c.Arena = tensor.NewNoGradArena()
	if _, err := c.TrainStep(context.Background(), replay, 6, 5, nn.NewAdam(c.Decoder.Params(), 1e-3), 0, tensor.NewRNG(1)); err == nil || !strings.Contains(err.Error(), "Arena") {
		t.Errorf("no-grad arena: error %v, want one naming Controller.Arena", err)
	}
}

// TestIterateRollouts records one decision's iterates on the true
// simulator: one rollout per iteration, each of Horizon states, and the
// environment itself left as it was.
func TestIterateRollouts(t *testing.T) {
	env, err := dmc.New("cheetah.run")
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	obs, err := env.Reset(1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := rssm.Default(17, 6)
	cfg.StateSize, cfg.BeliefSize, cfg.HiddenSize, cfg.EmbedSize = 4, 16, 16, 16
	m, err := rssm.New(cfg, tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	f := m.NewFilter(1)
	if err := f.Observe(obs, nil); err != nil {
		t.Fatal(err)
	}
	h, s := f.Belief()
	ac := DefaultAgent()
	ac.Latent, ac.Hidden, ac.Horizon, ac.Samples, ac.Elites, ac.Iters = 3, []int{8}, 5, 12, 3, 4
	agent, err := NewAgent(ac, 6)
	if err != nil {
		t.Fatal(err)
	}
	before := env.Data().State()
	rets, states, err := agent.IterateRollouts(context.Background(), m, env, 4, h, s, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rets) != 4 || len(states) != 4 || len(states[0]) != 5 {
		t.Fatalf("%d returns, %d rollouts of %d states; want 4, 4 of 5", len(rets), len(states), len(states[0]))
	}
	if !reflect.DeepEqual(before, env.Data().State()) {
		t.Error("IterateRollouts changed the environment's state")
	}
	// Near the episode's end (1000 steps) the sequences stop where it
	// ends: 990 steps done, then actions of 4 steps reach step 1000 within
	// the third action.
	for env.StepCount() < 990 {
		if _, _, _, err := env.Step(make([]float64, 6)); err != nil {
			t.Fatal(err)
		}
	}
	rets, states, err = agent.IterateRollouts(context.Background(), m, env, 4, h, s, 1)
	if err != nil {
		t.Fatalf("IterateRollouts near the episode's end: %v", err)
	}
	for i := range states {
		if len(states[i]) != 3 {
			t.Errorf("iteration %d near the episode's end: %d states, want 3 (the episode ends in the third action)", i, len(states[i]))
		}
		if rets[i] < 0 || rets[i] > 10 {
			t.Errorf("iteration %d: return %v over 10 steps of rewards in [0, 1]", i, rets[i])
		}
	}
	g := FrameGrid([][]image.Image{{image.NewRGBA(image.Rect(0, 0, 4, 3))}, {image.NewRGBA(image.Rect(0, 0, 4, 3)), image.NewRGBA(image.Rect(0, 0, 4, 3))}})
	if b := g.Bounds(); b.Dx() != 8 || b.Dy() != 6 {
		t.Errorf("FrameGrid of rows of 1 and 2 frames of 4×3: %v, want 8×6", b)
	}
}

// TestPolicyMeanPerBelief checks that the policy's mean for a belief does
// not depend on the other beliefs of its batch: PPO compares the
// log-probability of an action, recorded when acting from one belief,
// with the one a minibatch of beliefs gives, and their ratio must be 1
// before the parameters move.
func TestPolicyMeanPerBelief(t *testing.T) {
	m := tinyModel(t, tensor.Float64)
	c, err := NewController(m, 2, 3, []int{6}, cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3}, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPolicy(c, 0.1, false, 11)
	if err != nil {
		t.Fatal(err)
	}
	if c.SharedNoise || p.Controller.Decoder != c.Decoder || p.Controller.Model != c.Model {
		t.Error("NewPolicy changed the caller's controller, or does not share its decoder and model")
	}
	obs := tensor.RandN(tensor.NewRNG(5), 4, m.BeliefSize+m.StateSize)
	batch := mustMean(t, p, obs)
	bv := batch.Values()
	A := m.ActionSize
	for i := range 4 {
		one := mustMean(t, p, obs.Slice(0, i, i+1))
		for j, v := range one.Values() {
			if math.Abs(v-bv[i*A+j]) > 1e-12 {
				t.Fatalf("belief %d: mean %v alone, %v in a batch of 4", i, one.Values(), bv[i*A:(i+1)*A])
			}
		}
		act, err := p.Controller.Act(context.Background(), obs.Slice(0, i, i+1).Slice(1, 0, m.BeliefSize).Values(),
			obs.Slice(0, i, i+1).Slice(1, m.BeliefSize, m.BeliefSize+m.StateSize).Values(), p.Seed)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range act {
			if math.Abs(v-bv[i*A+j]) > 1e-12 {
				t.Fatalf("belief %d: the policy's Controller.Act %v, its mean %v", i, act, bv[i*A:(i+1)*A])
			}
		}
	}
}

// TestNoisePerBelief checks PlanEach (each start state gets the plan a solo
// solve with its own seed gives) and a policy with NoisePerBelief: its mean
// of a belief is the same alone and in a batch, equals the controller's
// Act with the belief's seed, and beliefs get different seeds (the fixed
// seed's means differ).
func TestNoisePerBelief(t *testing.T) {
	m := tinyModel(t, tensor.Float64)
	c, err := NewController(m, 2, 3, []int{6}, cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3}, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	D, S, A := m.BeliefSize, m.StateSize, m.ActionSize
	obs := tensor.RandN(tensor.NewRNG(5), 3, D+S)
	h, s := obs.Slice(1, 0, D), obs.Slice(1, D, D+S)
	seeds := []uint64{5, 9, 5}
	each, err := c.PlanEach(ctx, h, s, seeds)
	if err != nil {
		t.Fatal(err)
	}
	shared := *c
	shared.SharedNoise = true
	ev := each.Actions.Values()
	n := 3 * A
	for i, sd := range seeds {
		solo, err := shared.Plan(ctx, h.Slice(0, i, i+1), s.Slice(0, i, i+1), sd)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range solo.Actions.Values() {
			if math.Abs(v-ev[i*n+j]) > 1e-12 {
				t.Fatalf("start state %d: PlanEach %v, a solo shared-noise Plan with seed %d %v", i, ev[i*n:(i+1)*n], sd, solo.Actions.Values())
			}
		}
	}
	if _, err := c.PlanEach(ctx, h, s, seeds[:2]); err == nil || !strings.Contains(err.Error(), "seeds") {
		t.Errorf("2 seeds for 3 states: error %v, want one naming the seeds", err)
	}
	sampling := *c
	sampling.SampleStates = true
	if _, err := sampling.PlanEach(ctx, h, s, seeds); err == nil || !strings.Contains(err.Error(), "SampleStates") {
		t.Errorf("PlanEach with SampleStates: error %v, want one naming it", err)
	}

	p, _ := NewPolicy(c, 0.1, false, 11)
	fixed := mustMean(t, p, obs)
	p.NoisePerBelief = true
	batch := mustMean(t, p, obs)
	bv, fv := batch.Values(), fixed.Values()
	bs := p.beliefSeeds(obs)
	if bs[0] == bs[1] || bs[1] == bs[2] {
		t.Errorf("belief seeds %v: want one per belief", bs)
	}
	differ := false
	for i := range 3 {
		one := mustMean(t, p, obs.Slice(0, i, i+1))
		act, err := c.PlanEach(ctx, h.Slice(0, i, i+1), s.Slice(0, i, i+1), bs[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range one.Values() {
			if math.Abs(v-bv[i*A+j]) > 1e-12 || math.Abs(act.Actions.Values()[j]-v) > 1e-12 {
				t.Fatalf("belief %d: mean %v alone, %v in a batch, %v planned with its seed", i, one.Values(), bv[i*A:(i+1)*A], act.Actions.Values()[:A])
			}
			if v != fv[i*A+j] {
				differ = true
			}
		}
	}
	if !differ {
		t.Error("the means with per-belief seeds equal those of the fixed seed")
	}
}

// mustMean returns the policy's mean for obs, failing the test on an error.
func mustMean(t *testing.T, p *Policy, obs *tensor.Tensor) *tensor.Tensor {
	t.Helper()
	mean, _, err := p.Distribution(context.Background(), obs)
	if err != nil {
		t.Fatal(err)
	}
	return mean
}

// TestPolicyDistributionErrors checks that the policy returns the solve's
// errors (no panic) and solves under its caller's context.
func TestPolicyDistributionErrors(t *testing.T) {
	m := tinyModel(t, tensor.Float64)
	c, err := NewController(m, 2, 3, []int{6}, cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3}, tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPolicy(c, 0.1, false, 11)
	if err != nil {
		t.Fatal(err)
	}
	obs := tensor.RandN(tensor.NewRNG(5), 2, m.BeliefSize+m.StateSize)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, perBelief := range []bool{false, true} {
		p.NoisePerBelief = perBelief
		if mean, _, err := p.Distribution(done, obs); !errors.Is(err, context.Canceled) || mean != nil {
			t.Errorf("NoisePerBelief %v, a cancelled context: mean %v, error %v; want context.Canceled", perBelief, mean, err)
		}
	}
	if _, _, err := p.Distribution(context.Background(), obs.Slice(1, 0, m.BeliefSize)); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("observations without the state: error %v, want one naming the shape", err)
	}
	bad := *p
	bad.Controller = &Controller{Model: m, Decoder: c.Decoder, Solver: cem.Config{Samples: 8, Elites: 9, Temp: 1, Iters: 3}, InitStd: 1}
	if _, _, err := bad.Distribution(context.Background(), obs); err == nil {
		t.Error("a solver of 9 elites among 8 samples: no error")
	}
}

// TestControllerValidatesSolver checks that a controller refuses every
// solver setting cem.Config.Validate refuses when it is made — MinStd,
// Tol and the bounds too, which used to fail only at the first solve —
// and names the setting.
func TestControllerValidatesSolver(t *testing.T) {
	m := tinyModel(t, tensor.Float64)
	for _, c := range []struct {
		name string
		cfg  cem.Config
	}{
		{"Elites", cem.Config{Samples: 8, Elites: 8, Temp: 1, Iters: 3}},
		{"MinStd", cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3, MinStd: -1}},
		{"Tol", cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3, Tol: math.NaN()}},
		{"Lower", cem.Config{Samples: 8, Elites: 3, Temp: 1, Iters: 3, Lower: 1, Upper: -1}},
	} {
		_, err := NewController(m, 2, 3, []int{6}, c.cfg, tensor.NewRNG(4))
		if err == nil || !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), "Controller.Solver") {
			t.Errorf("%+v: NewController: %v, want an error naming Controller.Solver's %s", c.cfg, err, c.name)
		}
	}
}

// TestTrainStepRecompute checks Controller.Recompute: decoder updates with
// the rollouts imagined again in the backward pass are the same, bit for
// bit, as with their graph kept, and the step's arena holds far less.
func TestTrainStepRecompute(t *testing.T) {
	m := tinyModel(t, tensor.Float32)
	replay, _ := randomReplay(t, 3, 6)
	steps := func(recompute bool) ([]float64, [][]float64, int64) {
		c, err := NewController(m, 2, 8, []int{16}, cem.Config{Samples: 40, Elites: 4, Temp: 1, Iters: 4}, tensor.NewRNG(4))
		if err != nil {
			t.Fatal(err)
		}
		c.Arena = tensor.NewArena()
		defer c.Arena.Free()
		c.Recompute = recompute
		opt := nn.NewAdam(c.Decoder.Params(), 3e-3)
		rng := tensor.NewRNG(8)
		var rets []float64
		for range 3 {
			r, err := c.TrainStep(context.Background(), replay, 6, 5, opt, 1000, rng)
			if err != nil {
				t.Fatal(err)
			}
			rets = append(rets, r)
		}
		var params [][]float64
		for _, p := range c.Decoder.Params() {
			params = append(params, p.Values())
		}
		return rets, params, c.Arena.PeakBytes()
	}
	keptRets, keptParams, keptBytes := steps(false)
	recRets, recParams, recBytes := steps(true)
	if !reflect.DeepEqual(keptRets, recRets) || !reflect.DeepEqual(keptParams, recParams) {
		t.Errorf("with Recompute: returns %v, want %v (decoder parameters equal: %v)", recRets, keptRets, reflect.DeepEqual(keptParams, recParams))
	}
	if !(recBytes*2 < keptBytes) {
		t.Errorf("arena peak %d bytes with Recompute, %d without: want less than half", recBytes, keptBytes)
	}
}

// randomReplay returns a buffer of episodes of 20 random steps for the tiny
// model (3 observations, 2 actions), drawn from seed, and the generator
// after the draws.
// scaleParams multiplies the values of params by c.
func scaleParams(params []*tensor.Tensor, c float64) {
	for _, p := range params {
		v := p.Values()
		for i := range v {
			v[i] *= c
		}
		p.SetValues(v)
	}
}

func randomReplay(t *testing.T, episodes int, seed uint64) (*rssm.Replay, *tensor.RNG) {
	t.Helper()
	replay, _ := rssm.NewReplay(3, 2)
	g := tensor.NewRNG(seed)
	for range episodes {
		var ep rssm.Episode
		for range 20 {
			ep.Append([]float64{g.Normal(), g.Normal(), g.Normal()}, []float64{2*g.Uniform() - 1, 2*g.Uniform() - 1}, g.Uniform())
		}
		if err := replay.Add(ep); err != nil {
			t.Fatal(err)
		}
	}
	return replay, g
}
