// Package truesim runs model-predictive control with CEM on the true
// simulator for the MuJoCo tasks of the DCEM paper (§5.2.2): at every
// control step, CEM searches over the next Horizon actions by simulating
// each sample on the real physics from the current state, and the first
// action is applied. PlaNet (Hafner et al. 2019) reports this upper
// baseline at ≈656 for cheetah.run and ≈994 for walker.walk with horizon
// 12, 10 iterations and 1000 samples; Config sets a smaller budget that
// fits a 2-core machine, and Result reports what it reaches next to a
// random policy.
package truesim

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/dmc"
	"github.com/dcem-go/dcem/envs/mujoco"
)

// Config holds the settings of the experiment.
type Config struct {
	// Tasks lists the dmc tasks to run ("cheetah.run", "walker.walk").
	Tasks []string
	// Repeat is the action repeat per task (4 for cheetah.run and 2 for
	// walker.walk in the paper); tasks not listed use 1.
	Repeat map[string]int
	// Horizon is the number of (repeated) actions CEM plans (≥ 1).
	Horizon int
	// Samples, Elites and Iters set the CEM search of each control step
	// (samples ≥ 2, 1 ≤ elites < samples, iterations ≥ 1); InitStd is the
	// deviation it starts from (> 0). The mean starts from the previous
	// plan shifted by one action (a warm start) unless ColdStart is set.
	Samples, Elites, Iters int
	InitStd                float64
	// ColdStart starts every planning step's search from a zero mean, as
	// PlaNet's planner does in its learned model: with InitStd 1 this is
	// the planner of the learned-model runs on the true simulator, the
	// ceiling of that planner alone.
	ColdStart bool `json:",omitempty"`
	// Steps is the number of planning steps per episode (≥ 0); 0 plays
	// whole episodes (MaxSteps/Repeat planning steps: 250 for cheetah.run
	// and 500 for walker.walk at the paper's repeats).
	Steps int
	// Episodes is the number of planned episodes per task (≥ 1), and
	// RandomEpisodes the number of random-policy episodes (≥ 0).
	Episodes, RandomEpisodes int
	// Seed seeds the resets and the planner.
	Seed uint64
	// Workers simulates this many samples at once (≥ 1).
	Workers int
	// FrameEvery, if positive, renders a frame of the first planned
	// episode every FrameEvery planning steps (when the machine can
	// render offscreen).
	FrameEvery int
}

// The planner of the paper and of PlaNet: CEM over 12 actions with 1000
// candidates, the 100 best as elites, 10 iterations per planning step.
const (
	PaperHorizon = 12
	PaperSamples = 1000
	PaperElites  = 100
	PaperIters   = 10
)

// Default returns a reduced budget that plays whole episodes on 2 cores:
// horizon 12 as in the paper, but 200 candidates, 20 elites and 5
// iterations per planning step (the paper: 1000, 100, 10). Its returns
// are those of a smaller search than the paper's.
func Default() Config {
	return Config{
		Tasks:   []string{"cheetah.run", "walker.walk"},
		Repeat:  map[string]int{"cheetah.run": 4, "walker.walk": 2},
		Horizon: 12, Samples: 200, Elites: 20, Iters: 5, InitStd: 0.5,
		Steps: 0, Episodes: 1, RandomEpisodes: 3, Seed: 0, Workers: 2, FrameEvery: 25,
	}
}

// Quick returns a run of seconds: 20 planning steps with 50 samples.
func Quick() Config {
	c := Default()
	c.Samples, c.Elites, c.Iters = 50, 5, 3
	c.Steps = 20
	c.RandomEpisodes = 1
	c.FrameEvery = 10
	return c
}

// Reduced reports whether the planner searches less than the paper's:
// fewer candidates, elites or iterations, or a shorter horizon.
func (c *Config) Reduced() bool {
	return c.Horizon < PaperHorizon || c.Samples < PaperSamples || c.Elites < PaperElites || c.Iters < PaperIters
}

// Budget describes the planner's budget in one line, for labels and logs,
// and says whether it is the paper's or reduced: "reduced budget: 200
// candidates, 20 elites, 5 iterations, horizon 12; the paper: 1000/100/10,
// horizon 12".
func (c *Config) Budget() string {
	b := fmt.Sprintf("%d candidates, %d elites, %d iterations, horizon %d", c.Samples, c.Elites, c.Iters, c.Horizon)
	if c.ColdStart {
		b += fmt.Sprintf(", cold start (σ %g)", c.InitStd)
	}
	if c.Reduced() {
		return fmt.Sprintf("reduced budget: %s; the paper: %d/%d/%d, horizon %d", b, PaperSamples, PaperElites, PaperIters, PaperHorizon)
	}
	if c.Samples == PaperSamples && c.Elites == PaperElites && c.Iters == PaperIters && c.Horizon == PaperHorizon {
		return "the paper's budget: " + b
	}
	return "budget above the paper's: " + b
}

// Validate reports the first setting out of range.
func (c *Config) Validate() error {
	if len(c.Tasks) == 0 {
		return errors.New("truesim: Tasks is empty")
	}
	for _, t := range c.Tasks {
		if r, ok := c.Repeat[t]; ok && r < 1 {
			return fmt.Errorf("truesim: Repeat[%q] = %d, want ≥ 1", t, r)
		}
	}
	if err := (&cem.Config{Samples: c.Samples, Elites: c.Elites, Iters: c.Iters}).Validate(); err != nil {
		return fmt.Errorf("truesim: %w", err)
	}
	switch {
	case c.Horizon < 1:
		return fmt.Errorf("truesim: Horizon = %d, want ≥ 1", c.Horizon)
	case !(c.InitStd > 0) || math.IsInf(c.InitStd, 1):
		return fmt.Errorf("truesim: InitStd = %g, want 0 < InitStd < +Inf", c.InitStd)
	case c.Steps < 0:
		return fmt.Errorf("truesim: Steps = %d, want ≥ 0 (0 for whole episodes)", c.Steps)
	case c.Episodes < 1:
		return fmt.Errorf("truesim: Episodes = %d, want ≥ 1", c.Episodes)
	case c.RandomEpisodes < 0:
		return fmt.Errorf("truesim: RandomEpisodes = %d, want ≥ 0", c.RandomEpisodes)
	case c.Workers < 1:
		return fmt.Errorf("truesim: Workers = %d, want ≥ 1", c.Workers)
	}
	return nil
}

func (c *Config) repeat(task string) int {
	if r, ok := c.Repeat[task]; ok {
		return r
	}
	return 1
}

// TaskResult is the outcome for one task.
type TaskResult struct {
	Task   string `json:"task"`
	Repeat int    `json:"repeat"`
	// PlannedReturns and RandomReturns are the episode returns (sums of the
	// task's per-control-step rewards over the planned steps) of CEM and of
	// uniform random actions over the same number of steps.
	PlannedReturns []float64 `json:"planned_returns"`
	RandomReturns  []float64 `json:"random_returns"`
	// Rewards are the rewards of the first planned episode per planning
	// step (summed over the repeat), for plots.
	Rewards []float64 `json:"rewards"`
	// Frames are rendered frames of the first planned episode (empty when
	// rendering is unavailable; RenderError says why).
	Frames      []*image.RGBA `json:"-"`
	RenderError string        `json:"render_error,omitempty"`
	// SecondsPerStep is the wall-clock time of one planning step; like
	// every timing, it is left out of the JSON, so that the same Config
	// writes the same bytes.
	SecondsPerStep float64 `json:"-"`
}

// Progress reports a planning step.
type Progress struct {
	Task          string
	Episode, Step int
	Steps         int
	Return        float64 // so far in this episode
}

// Result is the outcome of Run.
type Result struct {
	Config  Config        `json:"config"`
	Tasks   []*TaskResult `json:"tasks"`
	Seconds float64       `json:"-"` // wall-clock time of Run, not in the JSON
}

// Point is one point of the experiment's grid: one task.
type Point struct {
	Task string
}

// Name names the point in a sweep's list: the task.
func (p Point) Name() string { return p.Task }

// Grid returns the points of c, one per task, in the order of Result.Tasks.
// Run, and a sweep that runs the points apart, enumerate them with it.
func (c *Config) Grid() []Point {
	pts := make([]Point, len(c.Tasks))
	for i, t := range c.Tasks {
		pts[i] = Point{t}
	}
	return pts
}

// RunPoint plays one task of the grid. progress may be nil; ctx is checked
// every planning step. Its result depends only on cfg and pt.
func RunPoint(ctx context.Context, cfg Config, pt Point, progress func(Progress)) (*TaskResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return runTask(ctx, &cfg, pt.Task, progress)
}

// Assemble makes the Result from the results of every point of cfg.Grid,
// in that order. Result.Seconds is left zero.
func Assemble(cfg Config, tasks []*TaskResult) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	grid := cfg.Grid()
	if len(tasks) != len(grid) {
		return nil, fmt.Errorf("truesim: Assemble got %d tasks, want %d (one per grid point)", len(tasks), len(grid))
	}
	for i, t := range tasks {
		if t == nil || t.Task != grid[i].Task {
			return nil, fmt.Errorf("truesim: Assemble: result %d is not task %s", i, grid[i].Task)
		}
	}
	return &Result{Config: cfg, Tasks: tasks}, nil
}

// Run plays every task of cfg with CEM on the true simulator and with a
// random policy. progress may be nil; ctx is checked every planning step.
func Run(ctx context.Context, cfg Config, progress func(Progress)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Result{Config: cfg}
	for _, pt := range cfg.Grid() {
		tr, err := runTask(ctx, &cfg, pt.Task, progress)
		if err != nil {
			return nil, err
		}
		res.Tasks = append(res.Tasks, tr)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func runTask(ctx context.Context, cfg *Config, name string, progress func(Progress)) (*TaskResult, error) {
	env, err := dmc.New(name)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	rep := cfg.repeat(name)
	tr := &TaskResult{Task: name, Repeat: rep}
	planner, err := dmc.NewPlanner(env, cfg.Workers, rep)
	if err != nil {
		return nil, err
	}
	defer planner.Close()
	nu := env.ActionSize()
	lo, hi := env.ActionBounds()
	var renderer *mujoco.Renderer
	camera := -1
	if cfg.FrameEvery > 0 {
		if renderer, err = mujoco.NewRenderer(env.Model()); err != nil {
			tr.RenderError = err.Error()
			renderer = nil
		} else {
			defer renderer.Close()
			if id, err := env.Model().ID(mujoco.ObjCamera, "side"); err == nil {
				camera = id
			}
		}
	}
	rng := tensor.NewRNG(cfg.Seed)
	steps := cfg.Steps
	if steps == 0 {
		steps = (env.MaxSteps() + rep - 1) / rep
	}
	planTime, planSteps := 0.0, 0
	for ep := 0; ep < cfg.Episodes; ep++ {
		if _, err := env.Reset(cfg.Seed + uint64(ep)); err != nil {
			return nil, err
		}
		mean := make([]float64, cfg.Horizon*nu)
		total := 0.0
		for step := 0; step < steps; step++ {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("truesim: %s stopped at step %d: %w", name, step, err)
			}
			t0 := time.Now()
			f := func(x [][]float64) []float64 {
				r, err := planner.Returns(ctx, env, x)
				if err != nil {
					panic(err) // SolveFunc turns it into an error
				}
				for i := range r {
					r[i] = -r[i]
				}
				return r
			}
			sol, err := cem.SolveFunc(ctx, f, mean, []float64{cfg.InitStd}, cem.Config{
				Samples: cfg.Samples, Elites: cfg.Elites, Iters: cfg.Iters,
				Lower: lo[0], Upper: hi[0], Seed: rng.Uint64()})
			if err != nil {
				return nil, fmt.Errorf("truesim: %s step %d: %w", name, step, err)
			}
			planTime += time.Since(t0).Seconds()
			planSteps++
			action := sol.Mean[:nu]
			r, done, err := repeatStep(env, action, rep)
			if err != nil {
				return nil, fmt.Errorf("truesim: %s step %d: %w", name, step, err)
			}
			total += r
			if ep == 0 {
				tr.Rewards = append(tr.Rewards, r)
				if renderer != nil && step%cfg.FrameEvery == 0 {
					if img, err := renderer.Render(env.Data(), camera, 320, 240); err == nil {
						tr.Frames = append(tr.Frames, img)
					} else if tr.RenderError == "" {
						tr.RenderError = err.Error()
					}
				}
			}
			if cfg.ColdStart {
				clear(mean)
			} else {
				// Warm start: shift the plan by one action.
				copy(mean, sol.Mean[nu:])
				clear(mean[len(mean)-nu:])
			}
			if progress != nil {
				progress(Progress{Task: name, Episode: ep, Step: step + 1, Steps: steps, Return: total})
			}
			if done {
				break
			}
		}
		tr.PlannedReturns = append(tr.PlannedReturns, total)
	}
	tr.SecondsPerStep = planTime / float64(max(planSteps, 1))
	for ep := 0; ep < cfg.RandomEpisodes; ep++ {
		if _, err := env.Reset(cfg.Seed + 1000 + uint64(ep)); err != nil {
			return nil, err
		}
		total := 0.0
		a := make([]float64, nu)
		for step := 0; step < steps; step++ {
			for i := range a {
				a[i] = lo[i] + (hi[i]-lo[i])*rng.Uniform()
			}
			r, done, err := repeatStep(env, a, rep)
			if err != nil {
				return nil, fmt.Errorf("truesim: %s random episode: %w", name, err)
			}
			total += r
			if done {
				break
			}
		}
		tr.RandomReturns = append(tr.RandomReturns, total)
	}
	return tr, nil
}

// repeatStep applies action rep times and sums the rewards.
func repeatStep(env *dmc.Env, action []float64, rep int) (float64, bool, error) {
	sum := 0.0
	for range rep {
		_, r, done, err := env.Step(action)
		if err != nil {
			return sum, true, err
		}
		sum += r
		if done {
			return sum, true, nil
		}
	}
	return sum, false, nil
}
