package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/truesim"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"gonum.org/v1/plot"
)

func init() {
	reproExperiments["truesim"] = reproExperiment{
		summary: "CEM on the true MuJoCo simulator, cheetah.run and walker.walk (the PlaNet upper baseline, §5.2.2)",
		run:     reproTruesim,
	}
}

func reproTruesim(args []string) (err error) {
	fs := flag.NewFlagSet("dcem repro truesim", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "20 planning steps with 50 samples per task (seconds)")
	tasks := fs.String("tasks", "cheetah.run,walker.walk", "comma-separated dmc tasks")
	samples := fs.Int("samples", 0, "CEM samples per iteration (0: the preset's)")
	iters := fs.Int("iters", 0, "CEM iterations per planning step (0: the preset's)")
	steps := fs.Int("steps", -1, "planning steps per episode (0: whole episodes; default: the preset's)")
	out := fs.String("out", "repro-truesim", "directory for the figures, frames and result.json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := truesim.Default()
	if *quick {
		cfg = truesim.Quick()
	}
	cfg.Tasks = strings.Split(*tasks, ",")
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
	if err := cfg.Validate(); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	fmt.Println(cfg.Budget())
	cleanup, err := makeOutDir(*out)
	if err != nil {
		return err
	}
	defer cleanup(&err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var bar *progressBar // one bar per task and episode
	res, err := truesim.Run(ctx, cfg, func(p truesim.Progress) {
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
		return err
	}
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "result.json"), b, 0o644); err != nil {
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
		for i, img := range tr.Frames {
			f, err := os.Create(filepath.Join(*out, fmt.Sprintf("%s-frame-%02d.png", tr.Task, i)))
			if err != nil {
				return err
			}
			if err := png.Encode(f, img); err != nil {
				f.Close()
				return err
			}
			f.Close()
		}
		fmt.Printf("%s (repeat %d): planned return %.1f over %d planning steps, random %.1f (mean of %d); %.2f s per planning step\n",
			tr.Task, tr.Repeat, tr.PlannedReturns[0], len(tr.Rewards), mean(tr.RandomReturns), len(tr.RandomReturns), tr.SecondsPerStep)
		if tr.RenderError != "" {
			fmt.Printf("  frames: %s\n", tr.RenderError)
		}
	}
	if err := plots.SaveAll(p, 6, 4, filepath.Join(*out, "rewards")); err != nil {
		return err
	}
	fmt.Printf("total %.0f s; wrote result.json, rewards.svg/png and frames in %s\n", res.Seconds, *out)
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
