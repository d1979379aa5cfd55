package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/cartpole"
)

func init() {
	reproExperiments["cartpole"] = reproExperiment{
		summary: "latent action space of the cartpole, DCEM vs full-space CEM (paper §5.2.1, figs. 2, 8, 9, 10)",
		run:     reproCartpole,
	}
}

func reproCartpole(args []string) (err error) {
	fs := flag.NewFlagSet("dcem repro cartpole", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "small settings that run in seconds (shows the pipeline, not the paper's numbers)")
	run := addRunFlags(fs)
	dims := fs.String("dims", "", "comma-separated latent dimensions (default: the preset's, 2,8,16 for the full run)")
	temps := fs.String("temps", "", "comma-separated temperatures, 0 for hard CEM (default: the preset's, 1,0.1,0)")
	out := fs.String("out", "repro-cartpole", "directory for the figures (SVG, PNG), the swing-up animations and result.json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	cfg := cartpole.Default()
	if *quick {
		cfg = cartpole.Quick()
	}
	if err := run.apply(&cfg.Seeds, &cfg.Updates, &cfg.Workers); err != nil {
		return err
	}
	if *dims != "" {
		cfg.LatentDims = nil
		for _, f := range strings.Split(*dims, ",") {
			d, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("--dims: %q is not an integer", f)
			}
			cfg.LatentDims = append(cfg.LatentDims, d)
		}
	}
	if *temps != "" {
		cfg.Temps = nil
		for _, f := range strings.Split(*temps, ",") {
			t, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return fmt.Errorf("--temps: %q is not a number", f)
			}
			cfg.Temps = append(cfg.Temps, t)
		}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	cleanup, err := makeOutDir(*out)
	if err != nil {
		return err
	}
	defer cleanup(&err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	runs := len(cfg.LatentDims) * len(cfg.Temps) * len(cfg.Seeds)
	fmt.Fprintf(os.Stderr, "cartpole: %d runs (dims %v × τ %v × %d seeds) of %d updates, %d at once\n",
		runs, cfg.LatentDims, cfg.Temps, len(cfg.Seeds), cfg.Updates, cfg.Workers)
	bar := newProgressBar(os.Stderr, runs*cfg.Updates)
	res, err := cartpole.Run(ctx, cfg, func(p cartpole.Progress) {
		job := fmt.Sprintf("%d/%g/%d", p.Dim, p.Temp, p.Seed)
		bar.update(job, p.Update, fmt.Sprintf("dim %d τ %g seed %d: update %d, val %.3f", p.Dim, p.Temp, p.Seed, p.Update, p.ValCost), p.Update == p.Updates && p.RunsDone+1 == p.Runs)
	})
	bar.finish()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(struct {
		Summary []cartpole.Summary `json:"summary"`
		*cartpole.Result
	}{res.Summarize(), res}, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "result.json"), b, 0o644); err != nil {
		return err
	}
	files, err := cartpole.SaveFigures(res, *out)
	if err != nil {
		return err
	}
	ckpts, err := cartpole.SaveCheckpoints(res, *out)
	if err != nil {
		return err
	}
	files = append(files, ckpts...)
	fmt.Printf("expert (full-space CEM, %d samples): validation cost %.3f, test cost %.3f\n", cfg.ExpertSamples, res.ExpertVal, res.ExpertTest)
	interval := func(lo, hi float64) string {
		if hi > lo {
			return fmt.Sprintf(" [%.3f, %.3f]", lo, hi)
		}
		return ""
	}
	for _, s := range res.Summarize() {
		fmt.Printf("dim %2d τ %-4g best validation cost %.3f, improvement factor %.3f%s (test states %.3f%s), %.0f s per run\n",
			s.Dim, s.Temp, s.BestVal, s.Factor, interval(s.FactorLo, s.FactorHi), s.TestFactor, interval(s.TestFactorLo, s.TestFactorHi), s.Seconds)
	}
	su := res.SwingUp
	fmt.Printf("swing-up return over %d steps: latent %.2f, expert %.2f\n", su.Steps, su.LatentReturn, su.ExpertReturn)
	fmt.Printf("total %.0f s; wrote result.json and %d figure files in %s\n", res.Seconds, len(files), *out)
	return nil
}
