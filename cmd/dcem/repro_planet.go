package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"github.com/dcem-go/dcem/dcemlib/sweep"
	"github.com/dcem-go/dcem/dcemlib/tensor"
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
	task := fs.String("task", "cheetah.run", "dmc task: cheetah.run or walker.walk")
	quick := fs.Bool("quick", false, "a tiny model and two short episodes (seconds; shows the pipeline only)")
	paper := fs.Bool("paper", false, "the paper's budget (2M environment steps: months on 2 cores) instead of the reduced default")
	episodes := fs.Int("episodes", -1, "planned episodes after the seed episodes (default: the preset's)")
	schedule := fs.String("schedule", "", `model updates "episode" (before each episode) or "interleaved" (spread over its steps); default: the preset's`)
	seed := fs.Uint64("seed", 0, "seed of everything random in the run")
	workers := fs.Int("workers", 2, "goroutines that imagine candidates (and BLAS threads of the updates)")
	out := fs.String("out", "repro-planet", "directory for result.json, the figures and the checkpoint")
	device := fs.String("device", "", "where the planner imagines: cpu, opencl or opencl:N (binaries built with the opencl tag; see make build-opencl); default: $DCEM_DEVICE, else cpu")
	report := fs.Bool("report", false, "only write result.json and the figures from the checkpoint in --out, without training (also while a run trains there)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	if *quick && *paper {
		return usageErrorf("--quick and --paper exclude each other")
	}
	cfg := planet.Small(*task)
	switch {
	case *quick:
		cfg = planet.Quick(*task)
	case *paper:
		cfg = planet.Default(*task)
	}
	if *episodes >= 0 {
		cfg.Episodes = *episodes
	}
	if *schedule != "" {
		cfg.Schedule = *schedule
	}
	cfg.Seed, cfg.Workers = *seed, *workers
	if err := cfg.Validate(); err != nil {
		return err
	}
	dev, err := deviceFlag(*device)
	if err != nil {
		return err
	}
	ckpt := filepath.Join(*out, "checkpoint.bin")
	if *report {
		res, err := planet.LoadResult(ckpt)
		if err != nil {
			return err
		}
		return writePlanet(res, *out)
	}
	cleanup, err := makeOutDir(*out)
	if err != nil {
		return err
	}
	defer cleanup(&err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := os.Stat(ckpt); err == nil {
		fmt.Fprintf(os.Stderr, "resuming from %s\n", ckpt)
	}
	fmt.Fprintf(os.Stderr, "%s, %s\n", cfg.Task, cfg.Budget())
	if !dev.IsCPU() {
		fmt.Fprintf(os.Stderr, "the planner imagines on %v\n", dev)
	}
	progress, finish := planetProgress()
	res, err := planet.Run(ctx, cfg, planet.Options{Checkpoint: ckpt, Progress: progress, Device: dev})
	finish()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "stopped; the checkpoint %s keeps the work so far: run the same command to resume\n", ckpt)
		}
		return err
	}
	return writePlanet(res, *out)
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
