package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/truesim"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"github.com/dcem-go/dcem/dcemlib/sweep"
	"github.com/dcem-go/dcem/envs/dmc"
	"gonum.org/v1/plot"
)

func init() {
	reproExperiments["truesim"] = reproExperiment{
		summary: "CEM on the true MuJoCo simulator, cheetah.run and walker.walk (the PlaNet upper baseline, §5.2.2)",
		run:     reproTruesim,
	}
}

func reproTruesim(args []string) error {
	fs := flag.NewFlagSet("dcem repro truesim", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "20 planning steps with 50 samples per task (seconds)")
	tasks := fs.String("tasks", "cheetah.run,walker.walk", "comma-separated dmc tasks")
	samples := fs.Int("samples", 0, "CEM samples per iteration (0: the preset's)")
	iters := fs.Int("iters", 0, "CEM iterations per planning step (0: the preset's)")
	cold := fs.Bool("cold-start", false, "start every planning step's search from μ = 0, σ = --init-std (PlaNet's planner) instead of the shifted previous plan")
	initStd := fs.Float64("init-std", 0, "the search's initial deviation (0: the preset's)")
	steps := fs.Int("steps", -1, "planning steps per episode (0: whole episodes; default: the preset's)")
	out := fs.String("out", "repro-truesim", "directory for the figures, frames, result.json and the per-run results")
	sf := addSweepFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	cfg := truesim.Default()
	if *quick {
		cfg = truesim.Quick()
	}
	cfg.Tasks = strings.Split(*tasks, ",")
	if *samples < 0 || *iters < 0 {
		return usageErrorf("--samples = %d, --iters = %d, want ≥ 0", *samples, *iters)
	}
	if *samples > 0 {
		cfg.Samples = *samples
		cfg.Elites = max(1, *samples/10)
	}
	if *iters > 0 {
		cfg.Iters = *iters
	}
	if *steps >= 0 {
		cfg.Steps = *steps
	}
	cfg.ColdStart = *cold
	if *initStd < 0 {
		return usageErrorf("--init-std = %g, want > 0 (or 0 for the preset's)", *initStd)
	}
	if *initStd > 0 {
		cfg.InitStd = *initStd
	}
	fmt.Println(cfg.Budget())
	return runSweep(fs, &truesimSweep{cfg: cfg}, sf, *out)
}

// truesimSweep runs the truesim experiment as a sweep: one point per task;
// a task's frames are kept in its work directory as frame-NN.png.
type truesimSweep struct {
	cfg truesim.Config
}

// truesimPoint is the saved result of one task: the task's result and its
// timing, which the result's JSON leaves out.
type truesimPoint struct {
	Task           *truesim.TaskResult `json:"task"`
	SecondsPerStep float64             `json:"seconds_per_step"`
	Frames         int                 `json:"frames"`
}

func (s *truesimSweep) Name() string { return "truesim" }
func (s *truesimSweep) Config() any  { return s.cfg }
func (s *truesimSweep) Points() []string {
	var names []string
	for _, p := range s.cfg.Grid() {
		names = append(names, p.Name())
	}
	return names
}
func (s *truesimSweep) validate() error {
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	known := dmc.Tasks()
	for _, t := range s.cfg.Tasks {
		if !slices.Contains(known, t) {
			return fmt.Errorf("truesim: unknown task %q, want one of %s", t, strings.Join(known, ", "))
		}
	}
	return nil
}
func (s *truesimSweep) setConfig(raw json.RawMessage) error {
	var c truesim.Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return err
	}
	s.cfg = c
	return c.Validate()
}

// workers is 1: a task simulates cfg.Workers samples at once itself.
func (s *truesimSweep) workers() int  { return 1 }
func (s *truesimSweep) taskCPUs() int { return s.cfg.Workers }
func (s *truesimSweep) start(int)     {} // RunPoint draws a bar per episode

func (s *truesimSweep) RunPoint(ctx context.Context, i int, work string) (any, error) {
	var bar *progressBar // one bar per episode
	tr, err := truesim.RunPoint(ctx, s.cfg, s.cfg.Grid()[i], func(p truesim.Progress) {
		if p.Step == 1 {
			if bar != nil {
				bar.finish()
			}
			bar = newProgressBar(os.Stderr, p.Steps)
		}
		bar.update(p.Task, p.Step, fmt.Sprintf("%s episode %d: step %d/%d, return %.1f", p.Task, p.Episode, p.Step, p.Steps, p.Return), p.Step == p.Steps)
	})
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return nil, err
	}
	for k, img := range tr.Frames {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, err
		}
		if err := sweep.WriteFileAtomic(filepath.Join(work, fmt.Sprintf("frame-%02d.png", k)), buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	return truesimPoint{Task: tr, SecondsPerStep: tr.SecondsPerStep, Frames: len(tr.Frames)}, nil
}

func (s *truesimSweep) collect(ctx context.Context, d *sweep.Dir, recs []*sweep.Record) error {
	out := d.Path
	var tasks []*truesim.TaskResult
	frames := make([]int, len(recs))
	total := 0.0
	for i, r := range recs {
		var pt truesimPoint
		if err := json.Unmarshal(r.Result, &pt); err != nil || pt.Task == nil {
			return fmt.Errorf("%s: not a truesim result (%v)", d.RecordPath(i), err)
		}
		pt.Task.SecondsPerStep = pt.SecondsPerStep
		tasks = append(tasks, pt.Task)
		frames[i] = pt.Frames
		total += r.Seconds
	}
	res, err := truesim.Assemble(s.cfg, tasks)
	if err != nil {
		return err
	}
	if err := writeResultJSON(out, res); err != nil {
		return err
	}
	p := plot.New()
	p.Title.Text = "Reward per planning step, CEM on the true simulator"
	p.X.Label.Text = "planning step"
	p.Y.Label.Text = "reward (summed over the action repeat)"
	for k, tr := range res.Tasks {
		x := make([]float64, len(tr.Rewards))
		for i := range x {
			x[i] = float64(i + 1)
		}
		if err := plots.AddLine(p, x, tr.Rewards, tr.Task, k); err != nil {
			return err
		}
		for i := 0; i < frames[k]; i++ {
			b, err := os.ReadFile(filepath.Join(d.WorkDir(k), fmt.Sprintf("frame-%02d.png", i)))
			if err != nil {
				return err
			}
			if err := sweep.WriteFileAtomic(filepath.Join(out, fmt.Sprintf("%s-frame-%02d.png", tr.Task, i)), b, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s (repeat %d): planned return %.1f over %d planning steps, random %.1f (mean of %d); %.2f s per planning step\n",
			tr.Task, tr.Repeat, tr.PlannedReturns[0], len(tr.Rewards), mean(tr.RandomReturns), len(tr.RandomReturns), tr.SecondsPerStep)
		if tr.RenderError != "" {
			fmt.Printf("  frames: %s\n", tr.RenderError)
		}
	}
	if err := plots.SaveAll(p, 6, 4, filepath.Join(out, "rewards")); err != nil {
		return err
	}
	fmt.Printf("%d tasks, %.0f s of run time; wrote result.json, rewards.svg/png and frames in %s\n", len(tasks), total, out)
	return nil
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
