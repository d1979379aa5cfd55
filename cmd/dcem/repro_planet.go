package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"github.com/dcem-go/dcem/dcemlib/sweep"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/dmc"
	"gonum.org/v1/plot"
)

func init() {
	reproExperiments["planet"] = reproExperiment{
		summary: "PlaNet world model on cheetah.run or walker.walk, full-space CEM in the model (§5.2.2, app. E phase 1)",
		run:     reproPlanet,
	}
}

func reproPlanet(args []string) (err error) {
	fs := flag.NewFlagSet("dcem repro planet", flag.ContinueOnError)
	tasks := fs.String("task", "cheetah.run", "dmc tasks, comma-separated: cheetah.run, walker.walk")
	budget := fs.String("budget", "small", `preset: "small" (65k environment steps, reduced planner), "100k" (100k steps, the same planner), "paper" (2M steps: months on 2 cores) or "quick" (seconds; shows the pipeline only)`)
	quick := fs.Bool("quick", false, "same as --budget quick")
	paper := fs.Bool("paper", false, "same as --budget paper")
	episodes := fs.Int("episodes", -1, "planned episodes after the seed episodes (default: the preset's)")
	schedule := fs.String("schedule", "", `model updates "episode" (before each episode) or "interleaved" (spread over its steps); default: the preset's`)
	normObs := fs.Bool("normalize-obs", false, "the model sees observations divided by each dimension's deviation in the replay at the first update (planet.Config.NormalizeObs)")
	klBalance := fs.Float64("kl-balance", 0, "the prior's share of the KL term's gradient, 0 ≤ a < 1 (rssm.Config.KLBalance; DreamerV2's 0.8; 0: PlaNet's single gradient)")
	seed := fs.Uint64("seed", 0, "seed of the first run (the others: seed+1, seed+2, …)")
	seeds := fs.Int("seeds", 1, "training seeds per task")
	finalEval := fs.Int("final-eval", 0, "noiseless evaluation episodes of each finished run, its final score (0: none)")
	workers := fs.Int("workers", 2, "goroutines that imagine candidates (and BLAS threads of the updates), per run")
	out := fs.String("out", "repro-planet", "sweep directory: sweep.json, runs/, work/NNNN/ (each run's checkpoint, result.json and figures), the summary result.json and figures")
	device := fs.String("device", "", "where the planner imagines: cpu, opencl or opencl:N (binaries built with the opencl tag; see make build-opencl); default: $DCEM_DEVICE, else cpu")
	report := fs.Bool("report", false, "only write each run's result.json and figures from the checkpoints in --out's work directories, without training (also while runs train there)")
	sf := addSweepFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	if *quick && *paper {
		return usageErrorf("--quick and --paper exclude each other")
	}
	switch {
	case *quick:
		*budget = "quick"
	case *paper:
		*budget = "paper"
	}
	preset, ok := planetPresets[*budget]
	if !ok {
		return usageErrorf("--budget %q, want small, 100k, paper or quick", *budget)
	}
	if *seeds < 1 {
		return usageErrorf("--seeds = %d, want ≥ 1", *seeds)
	}
	if *finalEval < 0 {
		return usageErrorf("--final-eval = %d, want ≥ 0", *finalEval)
	}
	if !(*klBalance >= 0 && *klBalance < 1) {
		return usageErrorf("--kl-balance = %g, want 0 ≤ a < 1", *klBalance)
	}
	if _, err := deviceFlag(*device); err != nil {
		return err
	}
	if *report {
		return reportPlanet(*out)
	}
	g := &planetSweep{grid: planetGrid{Device: *device, FinalEval: *finalEval}}
	for _, task := range strings.Split(*tasks, ",") {
		for k := range *seeds {
			cfg := preset(strings.TrimSpace(task))
			if *episodes >= 0 {
				cfg.Episodes = *episodes
			}
			if *schedule != "" {
				cfg.Schedule = *schedule
			}
			if *normObs {
				cfg.NormalizeObs = true
			}
			if *klBalance > 0 {
				cfg.Model.KLBalance = *klBalance
			}
			cfg.Seed, cfg.Workers = *seed+uint64(k), *workers
			g.grid.Runs = append(g.grid.Runs, cfg)
		}
	}
	if !*sf.resume && *sf.collect == "" && *sf.runIndex < 0 {
		if err := g.validate(); err != nil {
			return err
		}
		c := g.grid.Runs[0]
		fmt.Fprintf(os.Stderr, "%d runs (%s × %d seeds), each %s\n", len(g.grid.Runs), *tasks, *seeds, c.Budget())
	}
	return runSweep(fs, g, sf, *out)
}

// planetPresets are the budgets of --budget.
var planetPresets = map[string]func(string) planet.Config{
	"quick": planet.Quick, "small": planet.Small, "100k": planet.Steps100k, "paper": planet.Default,
}

// planetGrid is the configuration of a planet sweep: one run per task and
// seed.
type planetGrid struct {
	Runs []planet.Config `json:"runs"`
	// Device is the --device of every run ("" for $DCEM_DEVICE or the CPU).
	Device string `json:"device,omitempty"`
	// FinalEval is the number of noiseless evaluation episodes of each
	// finished run.
	FinalEval int `json:"final_eval"`
}

// planetSweep runs world-model training as a sweep: each point is one run,
// checkpointed in its work directory after every episode, so that a point
// stopped by an interruption or a Slurm time limit resumes where it was.
type planetSweep struct {
	grid planetGrid
}

// planetPoint is the record of one finished run: its logs in short, and its
// final evaluation.
type planetPoint struct {
	Task     string  `json:"task"`
	Seed     uint64  `json:"seed"`
	Budget   string  `json:"budget"`
	EnvSteps int     `json:"env_steps"`
	Updates  int     `json:"updates"`
	Seconds  float64 `json:"seconds"`
	// EvalSteps and EvalReturns are the evaluations during training.
	EvalSteps   []float64   `json:"eval_steps"`
	EvalReturns []float64   `json:"eval_returns"`
	Final       []float64   `json:"final,omitempty"`
	Cost        planet.Cost `json:"cost"`
}

func (s *planetSweep) Name() string { return "planet" }
func (s *planetSweep) Config() any  { return s.grid }
func (s *planetSweep) Points() []string {
	var names []string
	for _, c := range s.grid.Runs {
		names = append(names, fmt.Sprintf("%s-seed%d", c.Task, c.Seed))
	}
	return names
}

func (s *planetSweep) validate() error {
	if len(s.grid.Runs) == 0 {
		return errors.New("planet: the grid is empty")
	}
	known := dmc.Tasks()
	seen := map[string]bool{}
	for _, c := range s.grid.Runs {
		if !slices.Contains(known, c.Task) {
			return fmt.Errorf("planet: unknown task %q, want one of %s", c.Task, strings.Join(known, ", "))
		}
		if err := c.Validate(); err != nil {
			return err
		}
		name := fmt.Sprintf("%s-seed%d", c.Task, c.Seed)
		if seen[name] {
			return fmt.Errorf("planet: %s appears twice in the grid", name)
		}
		seen[name] = true
	}
	if s.grid.FinalEval < 0 {
		return fmt.Errorf("planet: FinalEval = %d, want ≥ 0", s.grid.FinalEval)
	}
	_, err := deviceFlag(s.grid.Device)
	return err
}

func (s *planetSweep) setConfig(raw json.RawMessage) error {
	var g planetGrid
	if err := json.Unmarshal(raw, &g); err != nil {
		return err
	}
	s.grid = g
	return s.validate()
}

// workers is 1: a run keeps its Workers cores busy itself.
func (s *planetSweep) workers() int { return 1 }
func (s *planetSweep) taskCPUs() int {
	n := 1
	for _, c := range s.grid.Runs {
		n = max(n, c.Workers)
	}
	return n
}
func (s *planetSweep) start(int) {}

func (s *planetSweep) RunPoint(ctx context.Context, i int, work string) (any, error) {
	cfg := s.grid.Runs[i]
	dev, err := deviceFlag(s.grid.Device)
	if err != nil {
		return nil, err
	}
	ckpt := filepath.Join(work, "checkpoint.bin")
	if _, err := os.Stat(ckpt); err == nil {
		fmt.Fprintf(os.Stderr, "%s-seed%d: resuming from %s\n", cfg.Task, cfg.Seed, ckpt)
	}
	progress, finish := planetProgress()
	res, err := planet.Run(ctx, cfg, planet.Options{Checkpoint: ckpt, Progress: progress, Device: dev})
	finish()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "stopped; the checkpoint %s keeps the work so far: resume with --resume --out %s\n", ckpt, filepath.Dir(filepath.Dir(work)))
		}
		return nil, err
	}
	if err := writePlanet(res, work); err != nil {
		return nil, err
	}
	pt := planetPoint{Task: cfg.Task, Seed: cfg.Seed, Budget: res.Config.Budget(), EnvSteps: res.EnvSteps,
		Updates: res.Updates, Seconds: res.Seconds, Cost: res.Cost}
	pt.EvalSteps, pt.EvalReturns = res.Returns("eval")
	if n := s.grid.FinalEval; n > 0 {
		evals, err := planet.OpenEvaluations(filepath.Join(work, "evaluations.json"))
		if err != nil {
			return nil, err
		}
		progress, finish := planetProgress()
		opts := planet.EvalOptions{Episodes: n, Seed: 1_000_003 + cfg.Seed, Workers: cfg.Workers, Device: dev, Progress: progress}
		pt.Final, err = evals.Evaluate(ctx, "final", ckpt, opts, func(ctx context.Context, o planet.EvalOptions) ([]float64, error) {
			return planet.Evaluate(ctx, ckpt, o)
		})
		finish()
		if err != nil {
			return nil, err
		}
	}
	return pt, nil
}

// planetTaskSummary aggregates a task's runs.
type planetTaskSummary struct {
	Task   string   `json:"task"`
	Budget string   `json:"budget"`
	Seeds  []uint64 `json:"seeds"`
	// FinalMeans is each run's mean final evaluation return, and
	// MedianFinalMean their median over seeds.
	FinalMeans      []float64 `json:"final_means,omitempty"`
	MedianFinalMean float64   `json:"median_final_mean,omitempty"`
	// LastEvals is each run's last evaluation during training.
	LastEvals []float64 `json:"last_evals"`
	EnvSteps  int       `json:"env_steps"`
}

func (s *planetSweep) collect(ctx context.Context, d *sweep.Dir, recs []*sweep.Record) error {
	byTask := map[string][]planetPoint{}
	var order []string
	for _, r := range recs {
		var pt planetPoint
		if err := json.Unmarshal(r.Result, &pt); err != nil {
			return fmt.Errorf("planet: %s: %w", d.RecordPath(r.Index), err)
		}
		if _, ok := byTask[pt.Task]; !ok {
			order = append(order, pt.Task)
		}
		byTask[pt.Task] = append(byTask[pt.Task], pt)
	}
	var out struct {
		Tasks []planetTaskSummary     `json:"tasks"`
		Paper map[string][][2]float64 `json:"paper_curves_read_off"`
	}
	out.Paper = planet.PaperCurves
	// The per-seed means and their median are planet.SummarizeGrid's, the
	// statistic notebook 04 shows: every point here has finished.
	var runs []planet.GridRun
	for _, task := range order {
		for _, pt := range byTask[task] {
			runs = append(runs, planet.GridRun{Config: planet.Config{Task: task}, Finished: len(pt.Final) > 0, Final: pt.Final})
		}
	}
	summaries := planet.SummarizeGrid(runs)
	for k, task := range order {
		pts := byTask[task]
		sum := planetTaskSummary{Task: task, Budget: pts[0].Budget, EnvSteps: pts[0].EnvSteps}
		var curves []planet.SeedCurve
		for _, pt := range pts {
			sum.Seeds = append(sum.Seeds, pt.Seed)
			last := math.NaN()
			if len(pt.EvalReturns) > 0 {
				last = pt.EvalReturns[len(pt.EvalReturns)-1]
			}
			sum.LastEvals = append(sum.LastEvals, last)
			curves = append(curves, planet.SeedCurve{Seed: pt.Seed, Steps: pt.EvalSteps, Returns: pt.EvalReturns, Final: pt.Final, FinalStep: float64(pt.EnvSteps)})
		}
		if g := summaries[k]; !math.IsNaN(g.Median) {
			sum.FinalMeans, sum.MedianFinalMean = g.FinalMeans, g.Median
			fmt.Printf("%s: final evaluation (mean of %d episodes) per seed %.1f; median over %d seeds %.1f\n",
				task, s.grid.FinalEval, sum.FinalMeans, len(pts), sum.MedianFinalMean)
		} else {
			fmt.Printf("%s: last evaluation per seed %.1f\n", task, sum.LastEvals)
		}
		out.Tasks = append(out.Tasks, sum)
		p, err := planet.SeedsPlot(task, sum.Budget, curves)
		if err != nil {
			return err
		}
		if err := plots.SaveAll(p, 7, 4.5, filepath.Join(d.Path, "returns-"+task)); err != nil {
			return err
		}
	}
	return writeResultJSON(d.Path, out)
}

// reportPlanet writes result.json and the figures of every run in the sweep
// directory out that has a checkpoint, finished or still training.
func reportPlanet(out string) error {
	d, err := sweep.Open(out, "planet")
	if err != nil {
		return err
	}
	n := 0
	for i := range d.Manifest.Points {
		ckpt := filepath.Join(d.WorkDir(i), "checkpoint.bin")
		if _, err := os.Stat(ckpt); err != nil {
			continue
		}
		res, err := planet.LoadResult(ckpt)
		if err != nil {
			return err
		}
		if err := writePlanet(res, d.WorkDir(i)); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("planet: no run in %s has a checkpoint yet", out)
	}
	return nil
}

// writePlanet writes result.json and the figures of a run into dir.
func writePlanet(res *planet.Result, dir string) error {
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	if err := sweep.WriteFileAtomic(filepath.Join(dir, "result.json"), b, 0o644); err != nil {
		return err
	}
	figs := []struct {
		name string
		make func(*planet.Result) (*plot.Plot, error)
	}{
		{"returns", planet.ReturnsPlot}, {"losses", planet.LossPlot},
		{"reward-prediction", planet.RewardPredictionPlot}, {"obs-prediction", planet.ObsPredictionPlot},
	}
	var wrote []string
	for _, f := range figs {
		p, err := f.make(res)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", f.name, err)
			continue
		}
		if err := plots.SaveAll(p, 7, 4.5, filepath.Join(dir, f.name)); err != nil {
			return err
		}
		wrote = append(wrote, f.name)
	}
	_, evals := res.Returns("eval")
	_, rand := res.Returns("seed")
	last := "none"
	if len(evals) > 0 {
		last = fmt.Sprintf("%.1f", evals[len(evals)-1])
	}
	fmt.Printf("%s: %d environment steps, %d updates; last evaluation return %s (random actions %.1f)\n",
		res.Config.Task, res.EnvSteps, res.Updates, last, mean(rand))
	fmt.Printf("cost: %.3f s per update, %.3f s per planning decision, %.1f µs per simulator step; %.0f s in all\n",
		res.Cost.PerUpdate, res.Cost.PerDecision, 1e6*res.Cost.PerEnvStep, res.Seconds)
	fmt.Printf("wrote result.json and %s (.svg, .png) in %s\n", strings.Join(wrote, ", "), dir)
	return nil
}

// deviceFlag returns the device a --device flag names, or the one
// DCEM_DEVICE names when the flag is empty.
func deviceFlag(name string) (tensor.Device, error) {
	if name == "" {
		return tensor.DeviceFromEnv()
	}
	d, err := tensor.ParseDevice(name)
	if err != nil {
		return tensor.CPU, usageErrorf("--device: %v", err)
	}
	return d, nil
}

// planetProgress returns a progress callback for world-model runs that draws
// a terminal bar per phase, and the function that ends the last bar.
func planetProgress() (func(planet.Progress), func()) {
	var bar *progressBar
	lastPhase := ""
	progress := func(p planet.Progress) {
		if p.Phase != lastPhase || p.Step == 1 {
			if bar != nil {
				bar.finish()
			}
			bar = newProgressBar(os.Stderr, p.Steps)
			lastPhase = p.Phase
		}
		left := "?"
		if p.Left > 0 {
			left = p.Left.Round(1e9).String()
		}
		var what string
		switch p.Phase {
		case "test":
			what = fmt.Sprintf("evaluation episode: step %d/%d, return %.1f", p.Step, p.Steps, p.Return)
		case "eval":
			what = fmt.Sprintf("evaluation after %d/%d episodes: step %d/%d, return %.1f", p.Episode, p.Episodes, p.Step, p.Steps, p.Return)
		case "update":
			what = fmt.Sprintf("before episode %d/%d: update %d/%d, loss %.2f", p.Episode+1, p.Episodes, p.Step, p.Steps, p.Loss)
		case "agent":
			what = fmt.Sprintf("before episode %d/%d: agent update %d/%d, predicted return %.1f", p.Episode+1, p.Episodes, p.Step, p.Steps, p.Return)
		default:
			what = fmt.Sprintf("%s episode %d/%d: step %d/%d, return %.1f", p.Phase, p.Episode+1, p.Episodes, p.Step, p.Steps, p.Return)
		}
		msg := fmt.Sprintf("%s; %d env steps; run %s elapsed, ~%s left", what, p.EnvSteps, p.Elapsed.Round(1e9), left)
		bar.update(p.Phase, p.Step, msg, p.Step == p.Steps)
	}
	return progress, func() {
		if bar != nil {
			bar.finish()
		}
	}
}

// makeOutDir creates the output directory dir. The returned cleanup,
// deferred with the address of the command's error, removes the directory
// again when the command fails and dir was created here and is still empty,
// so that a failed run leaves nothing behind.
func makeOutDir(dir string) (cleanup func(*error), err error) {
	_, statErr := os.Stat(dir)
	existed := statErr == nil
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return func(errp *error) {
		if *errp != nil && !existed {
			os.Remove(dir) // only removes an empty directory
		}
	}, nil
}
