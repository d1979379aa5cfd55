package ppo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// counter is an environment for checking the bookkeeping: its observation
// is (step in the episode, episode number), every reward is 1, episodes
// last Len steps, and it records the actions it was given.
type counter struct {
	Len      int
	step, ep int
	actions  []float64
}

func (c *counter) Reset(seed uint64) ([]float64, error) {
	c.step = 0
	c.ep++
	return c.obs(), nil
}

func (c *counter) obs() []float64 { return []float64{float64(c.step), float64(c.ep)} }

func (c *counter) Step(a []float64) ([]float64, float64, bool, error) {
	if err := envs.CheckAction(a, []float64{-1}, []float64{1}); err != nil {
		return nil, 0, false, err
	}
	c.actions = append(c.actions, a[0])
	c.step++
	return c.obs(), 1, c.step >= c.Len, nil
}

func (c *counter) ObservationSize() int             { return 2 }
func (c *counter) ActionSize() int                  { return 1 }
func (c *counter) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }

func tinyConfig() Config {
	c := Standard()
	c.Updates, c.Steps, c.Epochs, c.Minibatches = 2, 5, 2, 1
	return c
}

func newTiny(t *testing.T, envList []envs.Env, cfg Config, opts Options) *Trainer {
	t.Helper()
	rng := tensor.NewRNG(5)
	tr, err := NewTrainer(envList, NewGaussianMLP(2, 1, []int{4}, 0, true, rng), NewMLPValue(2, []int{4}, rng), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// A rollout of 5 steps of 3-step episodes: the episode's end is a time
// limit (Truncated, bootstrapped from the last observation), the rollout's
// end as well, and the next rollout goes on with the unfinished episode.
func TestCollectSteps(t *testing.T) {
	env := &counter{Len: 3}
	tr := newTiny(t, []envs.Env{env}, tinyConfig(), Options{})
	ro, err := tr.collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantEnds := []End{Continue, Continue, Truncated, Continue, Truncated}
	if !slices.Equal(ro.ends, wantEnds) {
		t.Fatalf("ends = %v, want %v", ro.ends, wantEnds)
	}
	assertSlice(t, "obs", ro.obs, []float64{0, 1, 1, 1, 2, 1, 0, 2, 1, 2}, 0)
	if len(ro.bootIdx) != 2 || ro.bootIdx[0] != 2 || ro.bootIdx[1] != 4 {
		t.Fatalf("bootIdx = %v, want [2 4]", ro.bootIdx)
	}
	assertSlice(t, "bootObs[0]", ro.bootObs[0], []float64{3, 1}, 0)
	assertSlice(t, "bootObs[1]", ro.bootObs[1], []float64{2, 2}, 0)
	if ro.episodes != 1 || len(ro.episodeReturns) != 1 || ro.episodeReturns[0] != 3 {
		t.Errorf("episodes = %d, returns %v, want 1 episode of return 3", ro.episodes, ro.episodeReturns)
	}
	ro, err = tr.collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertSlice(t, "next rollout's obs", ro.obs, []float64{2, 2, 0, 3, 1, 3, 2, 3, 0, 4}, 0)
	if want := []End{Truncated, Continue, Continue, Truncated, Truncated}; !slices.Equal(ro.ends, want) {
		t.Errorf("next rollout's ends = %v, want %v", ro.ends, want)
	}
	if ro.episodeReturns[0] != 3 {
		t.Errorf("the episode spanning two rollouts returned %g, want 3", ro.episodeReturns[0])
	}

	// With TerminalDone the episode's end is Terminal, the rollout's end
	// still Truncated.
	cfg := tinyConfig()
	cfg.TerminalDone = true
	tr = newTiny(t, []envs.Env{&counter{Len: 3}}, cfg, Options{})
	ro, _ = tr.collect(context.Background())
	if want := []End{Continue, Continue, Terminal, Continue, Truncated}; !slices.Equal(ro.ends, want) {
		t.Errorf("TerminalDone: ends = %v, want %v", ro.ends, want)
	}
}

// Three whole episodes on two environments: the first environment to
// finish runs the third; each environment's steps come one after another.
func TestCollectEpisodes(t *testing.T) {
	cfg := tinyConfig()
	cfg.Steps, cfg.Episodes = 0, 3
	e0, e1 := &counter{Len: 3}, &counter{Len: 3}
	tr := newTiny(t, []envs.Env{e0, e1}, cfg, Options{})
	ro, err := tr.collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []End{Continue, Continue, Truncated, Continue, Continue, Truncated, Continue, Continue, Truncated}
	if !slices.Equal(ro.ends, want) {
		t.Fatalf("ends = %v, want %v", ro.ends, want)
	}
	if ro.episodes != 3 || len(e0.actions) != 6 || len(e1.actions) != 3 {
		t.Errorf("episodes %d, env steps %d and %d, want 3 episodes of 6 and 3 steps", ro.episodes, len(e0.actions), len(e1.actions))
	}
	// A new update starts new episodes.
	ro, _ = tr.collect(context.Background())
	if ro.obs[0] != 0 || ro.len() != 9 {
		t.Errorf("second update: first obs %v, %d steps, want a fresh episode and 9 steps", ro.obs[:2], ro.len())
	}
}

// TestWithin checks the progress inside updates: collection reports
// finished episodes (or steps) up to the update's quota and the steps so
// far, optimization every minibatch of every pass.
func TestWithin(t *testing.T) {
	for _, episodes := range []bool{true, false} {
		cfg := tinyConfig()
		cfg.Updates, cfg.Epochs, cfg.Minibatches = 1, 2, 3
		if episodes {
			cfg.Steps, cfg.Episodes = 0, 3 // 9 steps of 3-step episodes on 2 environments
		} else {
			cfg.Steps = 8
		}
		var got []Within
		tr := newTiny(t, []envs.Env{&counter{Len: 3}, &counter{Len: 3}}, cfg, Options{Within: func(w Within) { got = append(got, w) }})
		if _, err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var collect, optimize []Within
		for _, w := range got {
			if w.Update != 1 {
				t.Errorf("%+v: want Update 1", w)
			}
			switch w.Phase {
			case "collect":
				collect = append(collect, w)
			case "optimize":
				optimize = append(optimize, w)
			default:
				t.Errorf("phase %q", w.Phase)
			}
		}
		total, steps := 8, 8
		if episodes {
			total, steps = 3, 9
		}
		if len(collect) == 0 {
			t.Fatalf("episodes %v: no collection progress", episodes)
		}
		last := collect[len(collect)-1]
		if last.Done != total || last.Total != total || last.Steps != steps {
			t.Errorf("episodes %v: last collection report %+v, want Done = Total = %d, Steps %d", episodes, last, total, steps)
		}
		for k := 1; k < len(collect); k++ {
			if collect[k].Steps <= collect[k-1].Steps || collect[k].Done < collect[k-1].Done {
				t.Errorf("episodes %v: collection progress went back: %+v after %+v", episodes, collect[k], collect[k-1])
			}
		}
		if len(optimize) != 6 {
			t.Fatalf("episodes %v: %d optimization reports, want 2 passes × 3 minibatches", episodes, len(optimize))
		}
		for k, w := range optimize {
			if w.Done != k+1 || w.Total != 6 || w.Steps != steps {
				t.Errorf("episodes %v: optimization report %d: %+v, want Done %d of 6, Steps %d", episodes, k, w, k+1, steps)
			}
		}
	}
}

// Samples are clipped to the bounds for stepping and stored unclipped,
// with their log-probabilities under the policy.
func TestActionsClippedForTheEnvironment(t *testing.T) {
	env := &counter{Len: 50}
	cfg := tinyConfig()
	cfg.Steps = 50
	tr := newTiny(t, []envs.Env{env}, cfg, Options{})
	pol := tr.Policy.(*GaussianMLP)
	pol.Mean.Layers[1].B.Data()[0] = 1 // mean ≈ 1, σ = 1: half the draws exceed the bound
	ro, err := tr.collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	outside := 0
	for i, a := range ro.act {
		if a > 1 || a < -1 {
			outside++
		}
		if want := min(max(a, -1), 1); env.actions[i] != want {
			t.Fatalf("step %d: env got %g, want the clipped %g", i, env.actions[i], want)
		}
	}
	if outside < 10 {
		t.Errorf("%d of 50 stored actions outside [−1, 1], want many (stored unclipped)", outside)
	}
	m, s, _ := pol.Distribution(context.Background(), fromValues(tensor.Float64, ro.obs, 50, 2))
	lp := GaussianLogProb(fromValues(tensor.Float64, ro.act, 50, 1), m, s).Values()
	assertSlice(t, "stored log π", ro.logp, lp, 1e-12)
}

// Frozen parameters keep their values and end without gradients; the
// others train. The run is reproducible from the seed.
func TestUpdateFrozenAndDeterministic(t *testing.T) {
	run := func(seed uint64, frozen bool) (*Trainer, []UpdateLog, []float64) {
		cfg := tinyConfig()
		cfg.Seed = seed
		rng := tensor.NewRNG(9)
		pol := NewGaussianMLP(2, 1, []int{4}, 0, true, rng)
		var opts Options
		if frozen {
			opts.Frozen = pol.Mean.Layers[0].Params()
		}
		before := append([]float64(nil), pol.Mean.Layers[0].W.Data()...)
		var logs []UpdateLog
		opts.Progress = func(l UpdateLog) { logs = append(logs, l) }
		tr, err := NewTrainer([]envs.Env{&counter{Len: 3}}, pol, NewMLPValue(2, []int{4}, rng), cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Logs) != 2 || len(logs) != 2 || res.TotalSteps != 10 {
			t.Fatalf("%d logs, %d progress calls, %d steps; want 2, 2, 10", len(res.Logs), len(logs), res.TotalSteps)
		}
		return tr, res.Logs, before
	}
	tr, _, before := run(1, true)
	pol := tr.Policy.(*GaussianMLP)
	assertSlice(t, "frozen W", pol.Mean.Layers[0].W.Data(), before, 0)
	for _, p := range pol.Mean.Layers[0].Params() {
		if g := p.Grad(); g != nil {
			for _, v := range g.Values() {
				if v != 0 {
					t.Fatalf("a frozen parameter kept a gradient %g", v)
				}
			}
		}
	}
	if pol.LogStd.Data()[0] == 0 {
		t.Error("the learned log std did not change")
	}
	_, _, before = run(1, false)
	tr, a, _ := run(1, false)
	if w := tr.Policy.(*GaussianMLP).Mean.Layers[0].W.Data(); w[0] == before[0] {
		t.Error("an unfrozen weight did not change")
	}
	_, b, _ := run(1, false)
	_, c, _ := run(2, false)
	for i := range a {
		a[i].Seconds, b[i].Seconds, c[i].Seconds = 0, 0, 0
	}
	if !reflect.DeepEqual(a[1], b[1]) {
		t.Errorf("same seed, different logs:\n%+v\n%+v", a[1], b[1])
	}
	if reflect.DeepEqual(a[1], c[1]) {
		t.Error("different seeds gave the same log")
	}
}

// runCounter trains a Gaussian MLP policy of the given hidden widths
// (and a value network of 4) on a counter of 5 steps with cfg and returns
// the result and the trainer.
func runCounter(t *testing.T, cfg Config, hidden []int) (*Result, *Trainer) {
	t.Helper()
	rng := tensor.NewRNG(9)
	pol := NewGaussianMLP(2, 1, hidden, 0, true, rng)
	tr, err := NewTrainer([]envs.Env{&counter{Len: 5}}, pol, NewMLPValue(2, []int{4}, rng), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res, tr
}

// TestMicroBatch checks that minibatches taken in parts of MicroBatch
// samples give the updates of whole minibatches (to rounding) and the same
// logged statistics, and that a MicroBatch of at least the minibatch is
// the whole-minibatch update bit for bit.
func TestMicroBatch(t *testing.T) {
	run := func(micro int) ([]UpdateLog, [][]float64) {
		cfg := tinyConfig()
		cfg.Steps, cfg.Minibatches, cfg.Seed = 12, 2, 3
		cfg.MicroBatch = micro
		cfg.EntropyCoef = 0.01
		res, tr := runCounter(t, cfg, []int{4})
		var ps [][]float64
		for _, p := range tr.Policy.Params() {
			ps = append(ps, p.Values())
		}
		for i := range res.Logs {
			res.Logs[i].Seconds = 0
		}
		return res.Logs, ps
	}
	wholeLogs, whole := run(0)
	for _, micro := range []int{1, 4, 5} { // parts of 1; 4+2; 5+1 of 6-sample minibatches
		logs, ps := run(micro)
		for i := range ps {
			assertSlice(t, fmt.Sprintf("MicroBatch %d: parameters %d", micro, i), ps[i], whole[i], 1e-12)
		}
		for i := range logs {
			for _, f := range []struct {
				name string
				a, b float64
			}{{"PolicyLoss", logs[i].PolicyLoss, wholeLogs[i].PolicyLoss}, {"Entropy", logs[i].Entropy, wholeLogs[i].Entropy},
				{"ApproxKL", logs[i].ApproxKL, wholeLogs[i].ApproxKL}, {"ClipFraction", logs[i].ClipFraction, wholeLogs[i].ClipFraction}} {
				if math.Abs(f.a-f.b) > 1e-12 {
					t.Errorf("MicroBatch %d, update %d: %s %g, want %g", micro, i+1, f.name, f.a, f.b)
				}
			}
		}
	}
	logs, ps := run(6)
	if !reflect.DeepEqual(logs, wholeLogs) || !reflect.DeepEqual(ps, whole) {
		t.Error("MicroBatch = the minibatch's size: not the whole-minibatch update bit for bit")
	}
}

// TestTargetKL checks the per-minibatch KL of the log and the early stop:
// the first minibatch's KL is 0 (the policy has not moved), without a
// target every minibatch steps, and with one the policy's steps stop at the
// first minibatch whose KL passes 1.5·TargetKL — that step skipped, the
// policy left exactly as it was after the last step taken, while the value
// function goes on learning.
func TestTargetKL(t *testing.T) {
	run := func(target float64) ([]UpdateLog, *Trainer) {
		cfg := tinyConfig()
		cfg.Updates, cfg.Steps, cfg.Epochs, cfg.Minibatches, cfg.Seed = 1, 24, 4, 4, 3
		cfg.LR, cfg.LRDecay, cfg.MaxGradNorm = 0.05, false, 0
		cfg.TargetKL = target
		res, tr := runCounter(t, cfg, []int{8})
		return res.Logs, tr
	}
	free, ftr := run(0)
	l := free[0]
	if l.PolicySteps != 16 || len(l.KL) != 16 {
		t.Fatalf("no target: %d policy steps and %d KLs, want 16 and 16", l.PolicySteps, len(l.KL))
	}
	if l.KL[0] != 0 {
		t.Errorf("first minibatch's KL %g, want 0", l.KL[0])
	}
	maxKL := slices.Max(l.KL)
	if !(maxKL > 0.01) {
		t.Fatalf("the unstopped update's largest KL is %g: too small to test the stop", maxKL)
	}
	target := maxKL / 4
	stopped, str := run(target)
	s := stopped[0]
	if s.PolicySteps >= 16 || len(s.KL) != s.PolicySteps+1 {
		t.Fatalf("target %g: %d policy steps and %d KLs, want fewer than 16 steps and one KL more than steps", target, s.PolicySteps, len(s.KL))
	}
	for i, kl := range s.KL {
		if over := kl > 1.5*target; over != (i == len(s.KL)-1) {
			t.Errorf("target %g: minibatch %d has KL %g; only the last may pass %g", target, i+1, kl, 1.5*target)
		}
		if i < len(s.KL)-1 && kl != l.KL[i] {
			t.Errorf("minibatch %d: KL %g, want the unstopped run's %g before the stop", i+1, kl, l.KL[i])
		}
	}
	if got := str.policyOpt.Steps(); got != s.PolicySteps {
		t.Errorf("the policy's optimizer took %d steps, the log says %d", got, s.PolicySteps)
	}
	if reflect.DeepEqual(str.Policy.Params()[0].Values(), ftr.Policy.Params()[0].Values()) {
		t.Error("the stopped and unstopped policies are equal")
	}
	if s.ValueLoss != l.ValueLoss || !reflect.DeepEqual(str.Value.Params()[0].Values(), ftr.Value.Params()[0].Values()) {
		t.Error("the value function learned differently: it should take all its steps, on the same data, whether the policy stopped or not")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr := newTiny(t, []envs.Env{&counter{Len: 3}}, tinyConfig(), Options{})
	if _, err := tr.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := Evaluate(ctx, &counter{Len: 3}, tr.Policy, 1, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Evaluate with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestEvaluate(t *testing.T) {
	tr := newTiny(t, []envs.Env{&counter{Len: 3}}, tinyConfig(), Options{})
	tr.Policy.(*GaussianMLP).Mean.Layers[1].B.Data()[0] = 5
	env := &counter{Len: 4}
	ret, err := Evaluate(context.Background(), env, tr.Policy, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	assertSlice(t, "returns", ret, []float64{4, 4}, 0)
	for _, a := range env.actions {
		if a != 1 {
			t.Fatalf("Evaluate stepped with %g, want the mean clipped to 1", a)
		}
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	if err := (&Config{}).Validate(); err == nil {
		t.Error("the zero Config is valid, want an error")
	}
	s := Standard()
	if err := s.Validate(); err != nil {
		t.Fatalf("Standard: %v", err)
	}
	for _, c := range []struct {
		field string
		edit  func(*Config)
	}{
		{"Updates", func(c *Config) { c.Updates = 0 }},
		{"Epochs", func(c *Config) { c.Epochs = 0 }},
		{"Minibatches", func(c *Config) { c.Minibatches = 0 }},
		{"Minibatches", func(c *Config) { c.Minibatches = 4096 }},
		{"Steps", func(c *Config) { c.Steps = -1 }},
		{"MicroBatch", func(c *Config) { c.MicroBatch = -1 }},
		{"Episodes", func(c *Config) { c.Episodes = -2 }},
		{"Episodes", func(c *Config) { c.Episodes = 10 }}, // both set
		{"Episodes", func(c *Config) { c.Steps = 0 }},     // neither set
		{"LR", func(c *Config) { c.LR = 0 }},
		{"ValueLR", func(c *Config) { c.ValueLR = -1 }},
		{"AdamEps", func(c *Config) { c.AdamEps = math.NaN() }},
		{"Clip", func(c *Config) { c.Clip = -0.2 }},
		{"MaxGradNorm", func(c *Config) { c.MaxGradNorm = math.Inf(1) }},
		{"TargetKL", func(c *Config) { c.TargetKL = -0.01 }},
		{"ValueCoef", func(c *Config) { c.ValueCoef = -0.5 }},
		{"EntropyCoef", func(c *Config) { c.EntropyCoef = -1 }},
		{"Gamma", func(c *Config) { c.Gamma = 1.01 }},
		{"Lambda", func(c *Config) { c.Lambda = -0.1 }},
	} {
		cfg := Standard()
		c.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want one naming %s", c.field, err, c.field)
		}
		if _, err := Train(context.Background(), &counter{Len: 3}, NewGaussianMLP(2, 1, nil, 0, false, tensor.NewRNG(1)),
			NewMLPValue(2, nil, tensor.NewRNG(1)), cfg, Options{}); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("Train with bad %s: error %v, want one naming it", c.field, err)
		}
	}

	rng := tensor.NewRNG(1)
	pol, val := NewGaussianMLP(2, 1, nil, 0, false, rng), NewMLPValue(2, nil, rng)
	cfg := Standard()
	cfg.Steps = 2049
	if _, err := NewTrainer([]envs.Env{&counter{Len: 3}, &counter{Len: 3}}, pol, val, cfg, Options{}); err == nil || !strings.Contains(err.Error(), "Steps") {
		t.Errorf("Steps not a multiple of the environments: %v, want an error naming Steps", err)
	}
	other := tensor.Zeros(3).RequiresGrad()
	if _, err := NewTrainer([]envs.Env{&counter{Len: 3}}, pol, val, Standard(), Options{Frozen: []*tensor.Tensor{other}}); err == nil || !strings.Contains(err.Error(), "Frozen") {
		t.Errorf("a foreign frozen tensor: %v, want an error naming Frozen", err)
	}
	cfg = Standard()
	cfg.Steps, cfg.Episodes = 0, 1
	tr, err := NewTrainer([]envs.Env{&counter{Len: 3}}, pol, val, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Update(context.Background()); err == nil || !strings.Contains(err.Error(), "Minibatches") {
		t.Errorf("3 steps for 32 minibatches: %v, want an error naming Minibatches", err)
	}
}

// rowStd is a policy with a log standard deviation per row, (B, A), that
// records the batch sizes it is asked for.
type rowStd struct {
	*GaussianMLP
	batches []int
}

func (p *rowStd) Distribution(ctx context.Context, obs *tensor.Tensor) (mean, logStd *tensor.Tensor, err error) {
	p.batches = append(p.batches, obs.Dim(0))
	m, ls, err := p.GaussianMLP.Distribution(ctx, obs)
	return m, m.MulScalar(0.1).Add(ls), err // depends on the observation
}

// With several environments the policy is asked for all their actions in
// one batch per time step; a per-row log std trains like a shared one.
func TestBatchedActingAndPerRowStd(t *testing.T) {
	cfg := tinyConfig()
	cfg.Steps, cfg.Episodes, cfg.Updates = 0, 4, 1
	rng := tensor.NewRNG(4)
	pol := &rowStd{GaussianMLP: NewGaussianMLP(2, 1, []int{4}, 0, true, rng)}
	before := pol.LogStd.Data()[0]
	tr, err := NewTrainer([]envs.Env{&counter{Len: 3}, &counter{Len: 3}, &counter{Len: 3}}, pol, NewMLPValue(2, []int{4}, rng), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	log, err := tr.Update(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Episodes 1–3 run together; the first environment to end runs the
	// fourth alone. Then come the minibatches of 12 steps.
	want := []int{3, 3, 3, 1, 1, 1, 12, 12}
	if len(pol.batches) != len(want) {
		t.Fatalf("batch sizes %v, want %v", pol.batches, want)
	}
	for i := range want {
		if pol.batches[i] != want[i] {
			t.Fatalf("batch sizes %v, want %v", pol.batches, want)
		}
	}
	if log.Episodes != 4 || log.MeanReturn != 3 || pol.LogStd.Data()[0] == before {
		t.Errorf("log %+v, log std %g → %g: want 4 episodes of return 3 and a trained log std", log, before, pol.LogStd.Data()[0])
	}
	if math.IsNaN(log.PolicyLoss) || math.IsNaN(log.ValueLoss) || math.IsNaN(log.Entropy) {
		t.Errorf("NaN in the log %+v", log)
	}
}
