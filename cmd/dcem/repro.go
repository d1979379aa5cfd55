package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/regression"
	"github.com/dcem-go/dcem/dcemlib/sweep"
)

// reproExperiment re-makes one experiment of the paper from its arguments.
type reproExperiment struct {
	summary string
	run     func(args []string) error
}

var reproExperiments = map[string]reproExperiment{
	"regression": {summary: "energy-based regression, unrolled GD vs DCEM (paper §5.1, figs. 1, 5, 6)", run: reproRegression},
}

func init() {
	register(command{name: "repro", summary: "re-make a paper experiment's figures and numbers", run: repro})
}

func reproUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: dcem repro <experiment> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Experiments:")
	names := make([]string, 0, len(reproExperiments))
	for n := range reproExperiments {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, reproExperiments[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "dcem repro <experiment> -h" for its flags.`)
}

func repro(args []string) error {
	if len(args) == 0 {
		reproUsage(os.Stderr)
		return usageErrorf("name an experiment")
	}
	if isHelp(args[0]) {
		reproUsage(os.Stdout)
		return flag.ErrHelp
	}
	e, ok := reproExperiments[args[0]]
	if !ok {
		reproUsage(os.Stderr)
		return usageErrorf("unknown experiment %q", args[0])
	}
	return e.run(args[1:])
}

func reproRegression(args []string) error {
	fs := flag.NewFlagSet("dcem repro regression", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "small settings that run in seconds (shows the losses fall, not the paper's numbers)")
	run := addRunFlags(fs)
	methods := fs.String("methods", "gd,dcem", "comma-separated inner optimizers: gd, dcem")
	dtype := fs.String("dtype", "float32", "precision of the energy network: float32 or float64")
	out := fs.String("out", "repro-regression", "directory for the figures (SVG, PNG), result.json and the per-run results")
	from := fs.String("from", "", "draw the figures of a result.json written before, without training")
	sf := addSweepFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	if *from != "" {
		res, err := regression.ReadResult(*from)
		if err != nil {
			return err
		}
		return reportRegression(res, *out, false)
	}
	cfg := regression.Default()
	if *quick {
		cfg = regression.Quick()
	}
	if err := run.apply(&cfg.Seeds, &cfg.Updates, &cfg.Workers); err != nil {
		return usageErrorf("%v", err)
	}
	cfg.Methods = strings.Split(*methods, ",")
	cfg.DType = *dtype
	return runSweep(fs, &regressionSweep{cfg: cfg}, sf, *out)
}

// regressionSweep runs the regression experiment as a sweep: one point per
// (method, seed).
type regressionSweep struct {
	cfg regression.Config
	bar *progressBar
}

func (s *regressionSweep) Name() string { return "regression" }
func (s *regressionSweep) Config() any  { return s.cfg }
func (s *regressionSweep) Points() []string {
	var names []string
	for _, p := range s.cfg.Grid() {
		names = append(names, p.Name())
	}
	return names
}
func (s *regressionSweep) validate() error { return s.cfg.Validate() }
func (s *regressionSweep) setConfig(raw json.RawMessage) error {
	var c regression.Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return err
	}
	s.cfg = c
	return c.Validate()
}
func (s *regressionSweep) workers() int  { return s.cfg.Workers }
func (s *regressionSweep) taskCPUs() int { return 1 }
func (s *regressionSweep) start(n int)   { s.bar = newProgressBar(os.Stderr, n*s.cfg.Updates) }

func (s *regressionSweep) RunPoint(ctx context.Context, i int, work string) (any, error) {
	pt := s.cfg.Grid()[i]
	return regression.RunPoint(ctx, s.cfg, pt, func(p regression.Progress) {
		s.bar.update(pt.Name(), p.Update,
			fmt.Sprintf("%s seed %d: update %d, MSE %.3g, lr %.2g", p.Method, p.Seed, p.Update, p.MSE, p.LR), false)
	})
}

func (s *regressionSweep) collect(ctx context.Context, d *sweep.Dir, recs []*sweep.Record) error {
	if s.bar != nil {
		s.bar.finish()
	}
	runs := make([]*regression.Training, len(recs))
	for i, r := range recs {
		var t regression.Training
		if err := json.Unmarshal(r.Result, &t); err != nil {
			return fmt.Errorf("%s: %w", d.RecordPath(i), err)
		}
		t.Seconds = r.Seconds
		runs[i] = &t
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	res, err := regression.Assemble(s.cfg, runs)
	if err != nil {
		return err
	}
	for _, t := range runs {
		res.Seconds += t.Seconds
	}
	return reportRegression(res, d.Path, true)
}

// reportRegression writes the figures of res into out, and result.json
// when writeJSON is set, and prints the headline numbers.
func reportRegression(res *regression.Result, out string, writeJSON bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if writeJSON {
		if err := writeResultJSON(out, struct {
			Summary []regression.Summary `json:"summary"`
			*regression.Result
		}{res.Summarize(), res}); err != nil {
			return err
		}
	}
	files, err := regression.SaveFigures(res, out)
	if err != nil {
		return err
	}
	for _, s := range res.Summarize() {
		n := len(s.EvalMSE)
		fmt.Printf("%-5s training MSE final %.3g ± %.2g, best %.3g ± %.2g; evaluated with 1/%d/%d inner steps: %.3g / %.3g / %.3g; %.1f s per run\n",
			s.Method, s.FinalMSE, s.FinalMSEStd, s.BestMSE, s.BestMSEStd, min(10, n), n, s.EvalMSE[0], at(s.EvalMSE, 9), s.EvalMSE[n-1], s.Seconds)
	}
	fmt.Printf("%d runs, %.0f s of run time; wrote %d figure files in %s\n", len(res.Runs), res.Seconds, len(files), out)
	return nil
}

// runFlags are the --seeds, --updates and --workers flags shared by the
// training experiments.
type runFlags struct{ seeds, updates, workers *int }

func addRunFlags(fs *flag.FlagSet) runFlags {
	return runFlags{
		seeds:   fs.Int("seeds", 0, "number of seeds 0 … N−1 (0: the preset's, 3 for the full run)"),
		updates: fs.Int("updates", 0, "training updates per run (0: the preset's)"),
		workers: fs.Int("workers", 0, "training runs done at once (0: the preset's, 2)"),
	}
}

// apply replaces the preset's values by the flags given: a positive value
// replaces (seeds 0 … N−1), zero keeps, a negative one is an error.
func (r runFlags) apply(seeds *[]uint64, updates, workers *int) error {
	if *r.seeds < 0 || *r.updates < 0 || *r.workers < 0 {
		return fmt.Errorf("--seeds, --updates and --workers must be ≥ 0")
	}
	if *r.seeds > 0 {
		*seeds = nil
		for s := 0; s < *r.seeds; s++ {
			*seeds = append(*seeds, uint64(s))
		}
	}
	if *r.updates > 0 {
		*updates = *r.updates
	}
	if *r.workers > 0 {
		*workers = *r.workers
	}
	return nil
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return v[len(v)-1]
}
