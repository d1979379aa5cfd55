package regression

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Progress reports the state of one training run, after each evaluation
// and when the run ends.
type Progress struct {
	// Method and Seed identify the run; Run counts finished runs and Runs
	// is their total.
	Method string
	Seed   uint64
	Run    int
	Runs   int
	// Update is the number of updates done in this run, of Updates.
	Update, Updates int
	// MSE is the latest full-data training MSE, LR the learning rate.
	MSE, LR float64
	// Done is true for the report that ends a run.
	Done bool
	// Elapsed is the time since Run started.
	Elapsed time.Duration
}

// Curve is the training MSE of one run over updates.
type Curve struct {
	Updates []int     `json:"updates"` // updates done at each evaluation
	MSE     []float64 `json:"mse"`     // full-data MSE then
	LR      []float64 `json:"lr"`      // learning rate then
}

// Surface is an energy function sampled on a grid: Energy[j][i] is
// E(X[i], Y[j]).
type Surface struct {
	X      []float64   `json:"x"`      // grid x coordinates, increasing
	Y      []float64   `json:"y"`      // grid y coordinates, increasing
	Energy [][]float64 `json:"energy"` // Energy[j][i] = E(X[i], Y[j])
}

// Training is the outcome of one training run.
type Training struct {
	Method string `json:"method"` // GD or DCEM
	Seed   uint64 `json:"seed"`   // the run's seed
	// Curve is the full-data MSE over updates (fig. 5, left).
	Curve Curve `json:"curve"`
	// FinalMSE is the full-data MSE with the training number of inner
	// steps after the last update.
	FinalMSE float64 `json:"final_mse"`
	// EvalSteps are the inner step counts 1 … MaxEvalSteps the trained
	// model was evaluated with, EvalMSE the full-data MSE for each (fig. 5,
	// right) and Preds the predictions at every training point for each
	// (fig. 6): Preds[k][i] is ŷ(xᵢ) with EvalSteps[k] steps.
	EvalSteps []int       `json:"eval_steps"`
	EvalMSE   []float64   `json:"eval_mse"`
	Preds     [][]float64 `json:"preds"`
	// Surface is the trained energy on the grid (fig. 1).
	Surface Surface `json:"surface"`
	// Seconds is the run's wall-clock time; like every timing, it is left
	// out of the JSON, so that the same Config writes the same bytes.
	Seconds float64 `json:"-"`
}

// Result holds everything the figures of paper §5.1 are made from.
type Result struct {
	// Config is the configuration the result was made with.
	Config Config `json:"config"`
	// X and Y are the training data, y = x·sin(x).
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
	// Runs holds one training per method and seed, methods in the order of
	// Config.Methods, seeds in the order of Config.Seeds within each.
	Runs []*Training `json:"runs"`
	// Seconds is the wall-clock time of the whole experiment (not in the
	// JSON).
	Seconds float64 `json:"-"`
}

// RunsOf returns the trainings of one method, in seed order.
func (r *Result) RunsOf(method string) []*Training {
	var out []*Training
	for _, t := range r.Runs {
		if t.Method == method {
			out = append(out, t)
		}
	}
	return out
}

// ReadResult reads a Result written as JSON (as by `dcem repro
// regression`), to draw its figures again without training.
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("regression.ReadResult: %w", err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("regression.ReadResult %s: %w", path, err)
	}
	if len(r.Runs) == 0 || len(r.X) == 0 {
		return nil, fmt.Errorf("regression.ReadResult %s: no runs or no data", path)
	}
	if err := r.Config.Validate(); err != nil {
		return nil, fmt.Errorf("regression.ReadResult %s: %w", path, err)
	}
	return &r, nil
}

// Data returns n points of y = x·sin(x), x evenly spaced on [0, 2π].
func Data(n int) (x, y []float64) {
	x = tensor.Linspace(0, 2*math.Pi, n).Data()
	y = make([]float64, n)
	for i, v := range x {
		y[i] = v * math.Sin(v)
	}
	return x, y
}

// Run trains every method of cfg once per seed and evaluates the trained
// models (paper §5.1). It reports progress to progress (which may be nil;
// it is called from one goroutine at a time) and checks ctx between
// updates. The same Config gives the same Result, whatever Workers is.
func Run(ctx context.Context, cfg Config, progress func(Progress)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Result{Config: cfg}
	res.X, res.Y = Data(cfg.Points)
	for _, pt := range cfg.Grid() {
		res.Runs = append(res.Runs, &Training{Method: pt.Method, Seed: pt.Seed})
	}
	var mu sync.Mutex
	done := 0
	report := func(p Progress) {
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if p.Done {
			done++
		}
		p.Run, p.Runs, p.Elapsed = done, len(res.Runs), time.Since(start)
		progress(p)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	errs := make([]error, len(res.Runs))
	var wg sync.WaitGroup
	for w := 0; w < min(cfg.Workers, len(res.Runs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := train(ctx, &cfg, res.X, res.Y, res.Runs[i], report); err != nil {
					errs[i] = err
					cancel()
				}
			}
		}()
	}
	// DCEM runs cost about ten times more than GD runs: start them first
	// so that the workers finish together.
	for _, first := range []bool{true, false} {
		for i, t := range res.Runs {
			if (t.Method == DCEM) == first {
				jobs <- i
			}
		}
	}
	close(jobs)
	wg.Wait()
	// Report the cause: a failed run cancels the others, whose errors
	// only say that they stopped.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// Point is one point of the experiment's grid: one training run.
type Point struct {
	Method string
	Seed   uint64
}

// Name names the point in a sweep's list, as "dcem-seed0".
func (p Point) Name() string { return fmt.Sprintf("%s-seed%d", p.Method, p.Seed) }

// Grid returns the training runs of c: every method and seed, in that
// nesting order (the order of Result.Runs). Run, and a sweep that runs the
// points apart, enumerate the runs with it.
func (c *Config) Grid() []Point {
	var pts []Point
	for _, m := range c.Methods {
		for _, s := range c.Seeds {
			pts = append(pts, Point{m, s})
		}
	}
	return pts
}

// RunPoint does the training run of one grid point and its evaluations.
// progress may be nil; ctx is checked between updates. Its result depends
// only on cfg and pt.
func RunPoint(ctx context.Context, cfg Config, pt Point, progress func(Progress)) (*Training, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	x, y := Data(cfg.Points)
	t := &Training{Method: pt.Method, Seed: pt.Seed}
	start := time.Now()
	err := train(ctx, &cfg, x, y, t, func(p Progress) {
		if progress != nil {
			p.Runs, p.Elapsed = 1, time.Since(start)
			if p.Done {
				p.Run = 1
			}
			progress(p)
		}
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Assemble makes the Result from the training runs of every point of
// cfg.Grid, in that order. Result.Seconds is left zero.
func Assemble(cfg Config, runs []*Training) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	grid := cfg.Grid()
	if len(runs) != len(grid) {
		return nil, fmt.Errorf("regression: Assemble got %d runs, want %d (one per grid point)", len(runs), len(grid))
	}
	for i, t := range runs {
		if t == nil || (Point{t.Method, t.Seed}) != grid[i] {
			return nil, fmt.Errorf("regression: Assemble: run %d is not %s", i, grid[i].Name())
		}
	}
	res := &Result{Config: cfg, Runs: runs}
	res.X, res.Y = Data(cfg.Points)
	return res, nil
}

// runSeed mixes a seed with a method so that the two methods of one seed
// draw different streams, independent of the order runs are done in.
func runSeed(method string, seed uint64) uint64 {
	h := seed*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	for _, c := range method {
		h = (h ^ uint64(c)) * 0x100000001b3
	}
	return h
}

// predictor returns ŷ for the points x with the given number of inner steps,
// and calls trace with every intermediate prediction when it is not nil.
type predictor func(ctx context.Context, m *Model, x *tensor.Tensor, steps int, seed uint64, trace func(int, *tensor.Tensor)) (*tensor.Tensor, error)

func predictorOf(cfg *Config, method string) predictor {
	if method == GD {
		return func(_ context.Context, m *Model, x *tensor.Tensor, steps int, _ uint64, trace func(int, *tensor.Tensor)) (*tensor.Tensor, error) {
			return m.GD(x, steps, cfg.GDStepSize, trace), nil
		}
	}
	return func(ctx context.Context, m *Model, x *tensor.Tensor, steps int, seed uint64, trace func(int, *tensor.Tensor)) (*tensor.Tensor, error) {
		o := DCEMOptions{Iters: steps, Samples: cfg.DCEMSamples, Elites: cfg.DCEMElites, Temp: cfg.DCEMTemp,
			InitMean: cfg.DCEMInitMean, InitStd: cfg.DCEMInitStd, Tol: cfg.DCEMTol, Seed: seed}
		return m.DCEM(ctx, x, o, trace)
	}
}

// trainSteps is the number of inner steps a method trains with.
func trainSteps(cfg *Config, method string) int {
	if method == GD {
		return cfg.GDSteps
	}
	return cfg.DCEMIters
}

func mse(pred, y []float64) float64 {
	s := 0.0
	for i, v := range pred {
		d := v - y[i]
		s += d * d
	}
	return s / float64(len(y))
}

// evalSeed is the fixed seed of the DCEM solves that evaluate a model, so
// that evaluations differ only by the model.
const evalSeed = 0x5eed

// train does one training run and its evaluations, filling t.
func train(ctx context.Context, cfg *Config, xs, ys []float64, t *Training, report func(Progress)) error {
	start := time.Now()
	rng := tensor.NewRNG(runSeed(t.Method, t.Seed))
	dt, err := cfg.dtype()
	if err != nil {
		return err
	}
	model := NewModel(cfg.Hidden, cfg.Layers, rng).Convert(dt)
	frozen := model.Frozen()
	params := model.Params()
	opt := nn.NewAdam(params, cfg.LR)
	sched := nn.NewPlateau(opt, cfg.PlateauFactor, cfg.PlateauPatience)
	predict := predictorOf(cfg, t.Method)
	steps := trainSteps(cfg, t.Method)
	xAll := tensor.New(xs).To(dt)
	arena := tensor.NewArena() // one update's tensors, recycled after the step
	evaluate := func() (float64, error) {
		p, err := predict(ctx, frozen, xAll, steps, evalSeed, nil)
		if err != nil {
			return 0, err
		}
		return mse(p.Values(), ys), nil
	}
	fail := func(err error) error {
		return fmt.Errorf("regression: %s seed %d: %w", t.Method, t.Seed, err)
	}
	j := 0
	for u := 0; u < cfg.Updates; u++ {
		if err := ctx.Err(); err != nil {
			return fail(fmt.Errorf("stopped after %d updates: %w", u, err))
		}
		if u%cfg.Repeat == 0 {
			j = rng.Intn(cfg.Points)
		}
		pred, err := predict(ctx, model, arena.Use(tensor.New([]float64{xs[j]}).To(dt)), steps, rng.Uint64(), nil)
		if err != nil {
			arena.Reset()
			return fail(err)
		}
		loss := pred.AddScalar(-ys[j]).Square().Sum()
		opt.ZeroGrad()
		loss.Backward()
		arena.Reset()
		nn.ClipGradNorm(params, cfg.ClipNorm)
		opt.Step()
		if (u+1)%cfg.EvalEvery == 0 || u == 0 {
			m, err := evaluate()
			if err != nil {
				return fail(err)
			}
			if math.IsNaN(m) {
				return fail(fmt.Errorf("training MSE is NaN after %d updates", u+1))
			}
			t.Curve.Updates = append(t.Curve.Updates, u+1)
			t.Curve.MSE = append(t.Curve.MSE, m)
			t.Curve.LR = append(t.Curve.LR, opt.LR)
			if u > 0 {
				sched.Step(m)
			}
			report(Progress{Method: t.Method, Seed: t.Seed, Update: u + 1, Updates: cfg.Updates, MSE: m, LR: opt.LR})
		}
	}
	if t.FinalMSE, err = evaluate(); err != nil {
		return fail(err)
	}
	// One solve with MaxEvalSteps steps gives the predictions for every
	// smaller count: a solve with k steps is the first k of it (DCEM's
	// draws come from one seeded stream, iteration by iteration, and an
	// early stop ends every longer solve the same way).
	t.Preds = make([][]float64, cfg.MaxEvalSteps)
	if _, err := predict(ctx, frozen, xAll, cfg.MaxEvalSteps, evalSeed, func(k int, y *tensor.Tensor) {
		t.Preds[k-1] = y.Values()
	}); err != nil {
		return fail(err)
	}
	for k := 1; k <= cfg.MaxEvalSteps; k++ {
		t.EvalSteps = append(t.EvalSteps, k)
		t.EvalMSE = append(t.EvalMSE, mse(t.Preds[k-1], ys))
	}
	t.Surface = surface(frozen, cfg)
	t.Seconds = time.Since(start).Seconds()
	report(Progress{Method: t.Method, Seed: t.Seed, Update: cfg.Updates, Updates: cfg.Updates, MSE: t.FinalMSE, LR: opt.LR, Done: true})
	return nil
}

// surface samples the model's energy on the configured grid.
func surface(m *Model, cfg *Config) Surface {
	gx := tensor.Linspace(0, 2*math.Pi, cfg.GridX)
	gy := tensor.Linspace(cfg.YMin, cfg.YMax, cfg.GridY)
	dt := m.Net.DType()
	xx := gx.Reshape(1, cfg.GridX).Expand(cfg.GridY, cfg.GridX).To(dt)
	yy := gy.Reshape(cfg.GridY, 1).Expand(cfg.GridY, cfg.GridX).To(dt)
	e := m.Energy(xx, yy)
	return Surface{X: gx.Data(), Y: gy.Data(), Energy: e.Rows()}
}
