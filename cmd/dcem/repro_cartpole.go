package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/cartpole"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/sweep"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

func init() {
	reproExperiments["cartpole"] = reproExperiment{
		summary: "latent action space of the cartpole, DCEM vs full-space CEM (paper §5.2.1, figs. 2, 8, 9, 10)",
		run:     reproCartpole,
	}
}

func reproCartpole(args []string) error {
	fs := flag.NewFlagSet("dcem repro cartpole", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "small settings that run in seconds (shows the pipeline, not the paper's numbers)")
	run := addRunFlags(fs)
	dims := fs.String("dims", "", "comma-separated latent dimensions (default: the preset's, 2,8,16 for the full run)")
	temps := fs.String("temps", "", "comma-separated temperatures, 0 for hard CEM (default: the preset's, 1,0.1,0)")
	out := fs.String("out", "repro-cartpole", "directory for the figures (SVG, PNG), the decoders, result.json and the per-run results")
	sf := addSweepFlags(fs)
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
		return usageErrorf("%v", err)
	}
	if *dims != "" {
		cfg.LatentDims = nil
		for _, f := range strings.Split(*dims, ",") {
			d, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return usageErrorf("--dims: %q is not an integer", f)
			}
			cfg.LatentDims = append(cfg.LatentDims, d)
		}
	}
	if *temps != "" {
		cfg.Temps = nil
		for _, f := range strings.Split(*temps, ",") {
			t, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return usageErrorf("--temps: %q is not a number", f)
			}
			cfg.Temps = append(cfg.Temps, t)
		}
	}
	return runSweep(fs, &cartpoleSweep{cfg: cfg}, sf, *out)
}

// cartpoleSweep runs the cartpole experiment as a sweep: one point per
// (latent dimension, temperature, seed); the best decoder of each run is
// kept in its work directory as decoder.json.
type cartpoleSweep struct {
	cfg cartpole.Config
	bar *progressBar
}

func (s *cartpoleSweep) Name() string { return "cartpole" }
func (s *cartpoleSweep) Config() any  { return s.cfg }
func (s *cartpoleSweep) Points() []string {
	var names []string
	for _, p := range s.cfg.Grid() {
		names = append(names, p.Name())
	}
	return names
}
func (s *cartpoleSweep) validate() error { return s.cfg.Validate() }
func (s *cartpoleSweep) setConfig(raw json.RawMessage) error {
	var c cartpole.Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return err
	}
	s.cfg = c
	return c.Validate()
}
func (s *cartpoleSweep) workers() int  { return s.cfg.Workers }
func (s *cartpoleSweep) taskCPUs() int { return 1 }
func (s *cartpoleSweep) start(n int)   { s.bar = newProgressBar(os.Stderr, n*s.cfg.Updates) }

const decoderFile = "decoder.json"

func (s *cartpoleSweep) RunPoint(ctx context.Context, i int, work string) (any, error) {
	pt := s.cfg.Grid()[i]
	tr, err := cartpole.RunPoint(ctx, s.cfg, pt, func(p cartpole.Progress) {
		s.bar.update(pt.Name(), p.Update, fmt.Sprintf("dim %d τ %g seed %d: update %d, val %.3f", p.Dim, p.Temp, p.Seed, p.Update, p.ValCost), false)
	})
	if err != nil {
		return nil, err
	}
	if err := nn.SaveParamsFile(filepath.Join(work, decoderFile), tr.Best.Params()); err != nil {
		return nil, fmt.Errorf("cartpole: %s: %w", pt.Name(), err)
	}
	return tr, nil
}

func (s *cartpoleSweep) collect(ctx context.Context, d *sweep.Dir, recs []*sweep.Record) error {
	if s.bar != nil {
		s.bar.finish()
	}
	cfg := s.cfg
	runs := make([]*cartpole.Training, len(recs))
	total := 0.0
	for i, r := range recs {
		var tr cartpole.Training
		if err := json.Unmarshal(r.Result, &tr); err != nil {
			return fmt.Errorf("%s: %w", d.RecordPath(i), err)
		}
		dec, err := cfg.NewDecoder(tr.Dim, tensor.NewRNG(0))
		if err != nil {
			return err
		}
		if err := nn.LoadParamsFile(filepath.Join(d.WorkDir(i), decoderFile), dec.Params()); err != nil {
			return fmt.Errorf("cartpole: decoder of %s: %w", r.Name, err)
		}
		tr.Best, tr.Seconds = dec, r.Seconds
		runs[i] = &tr
		total += r.Seconds
	}
	fmt.Fprintf(os.Stderr, "cartpole: collecting %d runs: the expert, the improvement factors, figs. 2 and 10 and the swing-up\n", len(runs))
	res, err := cartpole.Assemble(ctx, cfg, runs)
	if err != nil {
		return err
	}
	out := d.Path
	if err := writeResultJSON(out, struct {
		Summary []cartpole.Summary `json:"summary"`
		*cartpole.Result
	}{res.Summarize(), res}); err != nil {
		return err
	}
	files, err := cartpole.SaveFigures(res, out)
	if err != nil {
		return err
	}
	ckpts, err := cartpole.SaveCheckpoints(res, out)
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
	fmt.Printf("%d runs, %.0f s of run time; wrote result.json and %d figure and decoder files in %s\n", len(runs), total, len(files), out)
	return nil
}
