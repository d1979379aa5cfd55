package cartpole

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	cpenv "github.com/dcem-go/dcem/envs/cartpole"
)

// Training is one training run of a latent decoder.
type Training struct {
	Dim  int     `json:"dim"`
	Temp float64 `json:"temp"`
	Seed uint64  `json:"seed"`
	// Updates, TrainCost and ValCost are the curves of fig. 8: after
	// Updates[i] updates, the mean training cost over the last ValEvery
	// updates and the mean validation cost.
	Updates   []int     `json:"updates"`
	TrainCost []float64 `json:"train_cost"`
	ValCost   []float64 `json:"val_cost"`
	// BestVal is the lowest validation cost, reached by Best, and TestCost
	// Best's mean cost on the separate test states.
	BestVal  float64 `json:"best_val"`
	TestCost float64 `json:"test_cost"`
	// Best is the decoder at its best validation (a checkpoint).
	Best *control.Decoder `json:"-"`
	// Seconds is the run's wall-clock time; like every timing, it is left
	// out of the JSON, so that the same Config writes the same bytes.
	Seconds float64 `json:"-"`
}

// Factor is the improvement factor of one (latent dimension, temperature)
// pair over the seeds (fig. 9): the best validation cost of the latent
// controller divided by the expert's. Lo and Hi bound a 95% Student-t
// interval over the seeds (both equal Mean with a single seed). Because
// the checkpoint is chosen on the validation states, the Test fields give
// the same factor on separate test states, free of that selection.
type Factor struct {
	Dim    int       `json:"dim"`
	Temp   float64   `json:"temp"`
	Mean   float64   `json:"mean"`
	Lo     float64   `json:"lo"`
	Hi     float64   `json:"hi"`
	PerRun []float64 `json:"per_seed"`

	TestMean   float64   `json:"test_mean"`
	TestLo     float64   `json:"test_lo"`
	TestHi     float64   `json:"test_hi"`
	TestPerRun []float64 `json:"test_per_seed"`
}

// Progress reports a training run's state after each validation.
type Progress struct {
	Dim            int
	Temp           float64
	Seed           uint64
	Update         int     // updates done in this run
	Updates        int     // updates per run
	ValCost        float64 // the validation cost just measured
	RunsDone, Runs int
}

// Result holds everything the figures need.
type Result struct {
	Config Config `json:"config"`
	// Runs holds one training per (dimension, temperature, seed), in that
	// nesting order.
	Runs []*Training `json:"runs"`
	// ExpertVal is the expert's mean validation cost and ExpertValCosts its
	// cost for each validation state; ExpertTest its mean cost on the test
	// states.
	ExpertVal      float64   `json:"expert_val"`
	ExpertValCosts []float64 `json:"expert_val_costs"`
	ExpertTest     float64   `json:"expert_test"`
	// Factors holds one improvement factor per (dimension, temperature).
	Factors []Factor `json:"factors"`
	// Trace is fig. 2: what full-space CEM and latent DCEM evaluate from one
	// start state, iteration by iteration.
	Trace *Trace `json:"trace"`
	// Surfaces are the latent cost surfaces of fig. 10.
	Surfaces []Surface `json:"surfaces"`
	// SwingUp is the closed-loop swing-up from the hanging state.
	SwingUp *SwingUp `json:"swing_up"`
	// Seconds is the wall-clock time of Run (not in the JSON).
	Seconds float64 `json:"-"`
}

// RunsOf returns the runs of one (dimension, temperature) pair, in seed
// order.
func (r *Result) RunsOf(dim int, temp float64) []*Training {
	var out []*Training
	for _, t := range r.Runs {
		if t.Dim == dim && t.Temp == temp {
			out = append(out, t)
		}
	}
	return out
}

// Point is one point of the experiment's grid: one training run.
type Point struct {
	Dim  int
	Temp float64
	Seed uint64
}

// Name names the point in a sweep's list, as "dim2-tau1-seed0".
func (p Point) Name() string { return fmt.Sprintf("dim%d-tau%g-seed%d", p.Dim, p.Temp, p.Seed) }

// Grid returns the training runs of c: every latent dimension, temperature
// and seed, in that nesting order (the order of Result.Runs). Run, and a
// sweep that runs the points apart, enumerate the runs with it.
func (c *Config) Grid() []Point {
	var pts []Point
	for _, d := range c.LatentDims {
		for _, t := range c.Temps {
			for _, s := range c.Seeds {
				pts = append(pts, Point{d, t, s})
			}
		}
	}
	return pts
}

// NewDecoder returns a decoder of the configured shape for latent dimension
// dim, with parameters drawn from rng; a checkpoint is loaded into one made
// with any rng (nn.LoadParamsFile into its Params).
func (c *Config) NewDecoder(dim int, rng *tensor.RNG) (*control.Decoder, error) {
	return control.NewDecoder(dim, c.Horizon, 1, c.Hidden, -100, 100, rng)
}

// Run trains a decoder for every latent dimension, temperature and seed of
// cfg, measures the expert, and computes the data of figs. 2, 8, 9 and 10
// and the swing-up: RunPoint for every point of cfg.Grid, Workers at a
// time, then Assemble. progress (may be nil) is called from one goroutine at
// a time; ctx is checked between updates. The same Config gives the same
// Result, whatever Workers is.
func Run(ctx context.Context, cfg Config, progress func(Progress)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	jobs := cfg.Grid()
	runs := make([]*Training, len(jobs))
	var (
		mu    sync.Mutex
		done  int
		first error
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	report := func(pr Progress) {
		mu.Lock()
		defer mu.Unlock()
		pr.RunsDone, pr.Runs = done, len(jobs)
		if progress != nil {
			progress(pr)
		}
	}
	for w := 0; w < min(cfg.Workers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				tr, err := runPoint(ctx, &cfg, jobs[i], report)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				}
				runs[i] = tr
				done++
				mu.Unlock()
			}
		}()
	}
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cartpole: %w", err)
	}
	res, err := Assemble(ctx, cfg, runs)
	if err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// RunPoint does one training run of the grid (paper alg. 2) and measures its
// best decoder on the test states. progress may be nil; ctx is checked
// between updates. Its result depends only on cfg and pt.
func RunPoint(ctx context.Context, cfg Config, pt Point, progress func(Progress)) (*Training, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return runPoint(ctx, &cfg, pt, func(p Progress) {
		if progress != nil {
			p.Runs = 1
			progress(p)
		}
	})
}

func runPoint(ctx context.Context, cfg *Config, pt Point, report func(Progress)) (*Training, error) {
	p := cpenv.DefaultParams()
	val := cpenv.ValidationStates()[:cfg.ValStates]
	tr, err := train(ctx, cfg, p, val, pt.Dim, pt.Temp, pt.Seed, report)
	if err != nil {
		return nil, err
	}
	test := cpenv.TestStates()[:cfg.ValStates]
	costs, err := validate(ctx, cfg, p, tr.Best, pt.Temp, test)
	if err != nil {
		return nil, err
	}
	tr.TestCost = stat.Mean(costs, nil)
	return tr, nil
}

// Assemble makes the Result from the training runs of every point of
// cfg.Grid, in that order, each with its Best decoder: it measures the
// expert, computes the improvement factors, and the data of figs. 2 and 10
// and the swing-up. Result.Seconds is left zero.
func Assemble(ctx context.Context, cfg Config, runs []*Training) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	grid := cfg.Grid()
	if len(runs) != len(grid) {
		return nil, fmt.Errorf("cartpole: Assemble got %d runs, want %d (one per grid point)", len(runs), len(grid))
	}
	for i, t := range runs {
		if t == nil || t.Best == nil {
			return nil, fmt.Errorf("cartpole: Assemble: run %d (%s) has no decoder", i, grid[i].Name())
		}
		if (Point{t.Dim, t.Temp, t.Seed}) != grid[i] {
			return nil, fmt.Errorf("cartpole: Assemble: run %d is %s, want %s", i, Point{t.Dim, t.Temp, t.Seed}.Name(), grid[i].Name())
		}
	}
	res := &Result{Config: cfg, Runs: runs}
	p := cpenv.DefaultParams()
	val := cpenv.ValidationStates()[:cfg.ValStates]
	expert, err := expertCosts(ctx, &cfg, p, val, 1)
	if err != nil {
		return nil, err
	}
	res.ExpertValCosts = expert
	res.ExpertVal = stat.Mean(expert, nil)
	test := cpenv.TestStates()[:cfg.ValStates]
	expertTest, err := expertCosts(ctx, &cfg, p, test, 2)
	if err != nil {
		return nil, err
	}
	res.ExpertTest = stat.Mean(expertTest, nil)
	for _, d := range cfg.LatentDims {
		for _, t := range cfg.Temps {
			res.Factors = append(res.Factors, factor(res.RunsOf(d, t), d, t, res.ExpertVal, res.ExpertTest))
		}
	}
	showcase := res.showcase()
	if res.Trace, err = trace(ctx, &cfg, p, showcase, val[0]); err != nil {
		return nil, err
	}
	if res.Surfaces, err = surfaces(ctx, &cfg, p, res); err != nil {
		return nil, err
	}
	if res.SwingUp, err = swingUp(ctx, &cfg, p, showcase); err != nil {
		return nil, err
	}
	return res, nil
}

// showcase is the run whose decoder the single-decoder figures use: the
// best 2-d run at the highest temperature, or the best run overall.
func (r *Result) showcase() *Training {
	var best *Training
	for _, t := range r.Runs {
		if t.Dim != 2 {
			continue
		}
		if best == nil || t.Temp > best.Temp || (t.Temp == best.Temp && t.BestVal < best.BestVal) {
			best = t
		}
	}
	if best != nil {
		return best
	}
	for _, t := range r.Runs {
		if best == nil || t.BestVal < best.BestVal {
			best = t
		}
	}
	return best
}

// repeatRows returns x (N, 4) with each row repeated s times
// (problem-major), the start states of N problems of S samples.
func repeatRows(x *tensor.Tensor, s int) *tensor.Tensor {
	n := x.Dim(0)
	idx := make([]int, 0, n*s)
	for i := 0; i < n; i++ {
		for j := 0; j < s; j++ {
			idx = append(idx, i)
		}
	}
	return x.IndexSelect(0, idx)
}

// latentCfg is the latent DCEM solve at temperature temp.
func latentCfg(c *Config, temp float64, seed uint64) cem.Config {
	return cem.Config{Samples: c.LatentSamples, Elites: c.LatentElites, Iters: c.LatentIters, Temp: temp,
		Lower: -c.LatentBound, Upper: c.LatentBound, Seed: seed}
}

func expertCfg(c *Config, seed uint64) cem.Config {
	return cem.Config{Samples: c.ExpertSamples, Elites: c.ExpertElites, Iters: c.ExpertIters,
		Lower: -100, Upper: 100, Seed: seed}
}

// validate plans with the decoder for every validation state at once and
// returns the cost of each decoded plan.
func validate(ctx context.Context, c *Config, p cpenv.Params, dec *control.Decoder, temp float64, states []cpenv.State) ([]float64, error) {
	x0 := cpenv.StatesTensor(states)
	rep := repeatRows(x0, c.LatentSamples)
	cost := func(u *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(rep, u) }
	plan, err := control.PlanLatent(ctx, dec.Frozen(), cost, len(states), c.LatentInitStd, latentCfg(c, temp, 12345))
	if err != nil {
		return nil, err
	}
	return p.RolloutCost(x0, plan.Actions).Data(), nil
}

// expertCosts plans with full-space CEM for every state and returns each
// plan's cost.
func expertCosts(ctx context.Context, c *Config, p cpenv.Params, states []cpenv.State, seed uint64) ([]float64, error) {
	x0 := cpenv.StatesTensor(states)
	rep := repeatRows(x0, c.ExpertSamples)
	cost := func(u *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(rep, u) }
	res, err := control.PlanFull(ctx, cost, len(states), c.Horizon, c.ExpertInitStd, expertCfg(c, seed))
	if err != nil {
		return nil, fmt.Errorf("cartpole: expert: %w", err)
	}
	return p.RolloutCost(x0, res.Mean).Data(), nil
}

// train runs paper alg. 2 for one decoder.
func train(ctx context.Context, c *Config, p cpenv.Params, val []cpenv.State, dim int, temp float64, seed uint64,
	report func(Progress)) (*Training, error) {
	start := time.Now()
	rng := tensor.NewRNG(seed)
	dec, err := c.NewDecoder(dim, rng)
	if err != nil {
		return nil, err
	}
	params := dec.Params()
	opt := nn.NewAdam(params, c.LR)
	sched := nn.NewPlateau(opt, c.PlateauFactor, c.PlateauPatience)
	tr := &Training{Dim: dim, Temp: temp, Seed: seed, BestVal: math.Inf(1)}
	window := 0.0
	for u := 1; u <= c.Updates; u++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("cartpole: run dim %d τ %g seed %d stopped at update %d: %w", dim, temp, seed, u, err)
		}
		x0 := cpenv.StatesTensor(cpenv.SampleStates(rng, 1)).Reshape(4)
		cost := func(a *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(x0, a) }
		plan, err := control.PlanLatent(ctx, dec, cost, 1, c.LatentInitStd, latentCfg(c, temp, rng.Uint64()))
		if err != nil {
			return nil, fmt.Errorf("cartpole: run dim %d τ %g seed %d, update %d: %w", dim, temp, seed, u, err)
		}
		loss := cost(plan.Actions).Sum()
		window += loss.Item()
		opt.ZeroGrad()
		loss.Backward()
		nn.ClipGradNorm(params, c.ClipNorm)
		opt.Step()
		if u%c.ValEvery == 0 || u == c.Updates {
			costs, err := validate(ctx, c, p, dec, temp, val)
			if err != nil {
				return nil, fmt.Errorf("cartpole: run dim %d τ %g seed %d, validation at update %d: %w", dim, temp, seed, u, err)
			}
			v := stat.Mean(costs, nil)
			n := u % c.ValEvery
			if n == 0 {
				n = c.ValEvery
			}
			tr.Updates = append(tr.Updates, u)
			tr.TrainCost = append(tr.TrainCost, window/float64(n))
			tr.ValCost = append(tr.ValCost, v)
			window = 0
			if v < tr.BestVal {
				tr.BestVal = v
				tr.Best = snapshot(dec)
			}
			sched.Step(v)
			report(Progress{Dim: dim, Temp: temp, Seed: seed, Update: u, Updates: c.Updates, ValCost: v})
		}
	}
	tr.Seconds = time.Since(start).Seconds()
	return tr, nil
}

// snapshot returns a decoder with a copy of dec's current parameters.
func snapshot(dec *control.Decoder) *control.Decoder {
	cp, _ := control.NewDecoder(dec.Latent, dec.Horizon, dec.ActionDim, hiddenOf(dec), dec.Lower, dec.Upper, tensor.NewRNG(0))
	for i, t := range cp.Params() {
		copy(t.Data(), dec.Params()[i].Data())
	}
	return cp
}

func hiddenOf(dec *control.Decoder) []int {
	var h []int
	for _, l := range dec.Net.Layers[:len(dec.Net.Layers)-1] {
		h = append(h, l.Out)
	}
	return h
}

// factor computes the improvement factors of a group of runs.
func factor(runs []*Training, dim int, temp, expertVal, expertTest float64) Factor {
	f := Factor{Dim: dim, Temp: temp}
	for _, r := range runs {
		f.PerRun = append(f.PerRun, r.BestVal/expertVal)
		f.TestPerRun = append(f.TestPerRun, r.TestCost/expertTest)
	}
	f.Mean, f.Lo, f.Hi = meanCI(f.PerRun)
	f.TestMean, f.TestLo, f.TestHi = meanCI(f.TestPerRun)
	return f
}

// meanCI returns the mean of v and its 95% Student-t interval (the mean
// twice for a single value).
func meanCI(v []float64) (mean, lo, hi float64) {
	mean = stat.Mean(v, nil)
	if n := len(v); n > 1 {
		half := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975) * stat.StdDev(v, nil) / math.Sqrt(float64(n))
		return mean, mean - half, mean + half
	}
	return mean, mean, mean
}
