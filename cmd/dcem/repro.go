package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/exp/regression"
	"github.com/dcem-go/dcem/dcemlib/tensor"
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

func reproRegression(args []string) (err error) {
	fs := flag.NewFlagSet("dcem repro regression", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "small settings that run in seconds (shows the losses fall, not the paper's numbers)")
	run := addRunFlags(fs)
	methods := fs.String("methods", "gd,dcem", "comma-separated inner optimizers: gd, dcem")
	dtype := fs.String("dtype", "float32", "precision of the energy network: float32 or float64")
	out := fs.String("out", "repro-regression", "directory for the figures (SVG, PNG) and result.json")
	from := fs.String("from", "", "draw the figures of a result.json written before, without training")
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
		return err
	}
	cfg.Methods = strings.Split(*methods, ",")
	cfg.DType = *dtype
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Workers > 1 {
		// Runs go in parallel; one BLAS thread each avoids oversubscription.
		tensor.SetBLASThreads(1)
	}
	cleanup, err := makeOutDir(*out)
	if err != nil {
		return err
	}
	defer cleanup(&err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgressBar(os.Stderr, len(cfg.Methods)*len(cfg.Seeds)*cfg.Updates)
	fmt.Fprintf(os.Stderr, "regression: %d runs (%s × %d seeds) of %d updates, %d at once\n",
		len(cfg.Methods)*len(cfg.Seeds), strings.Join(cfg.Methods, ", "), len(cfg.Seeds), cfg.Updates, cfg.Workers)
	res, err := regression.Run(ctx, cfg, func(p regression.Progress) {
		bar.update(fmt.Sprintf("%s/%d", p.Method, p.Seed), p.Update,
			fmt.Sprintf("%s seed %d: update %d, MSE %.3g, lr %.2g", p.Method, p.Seed, p.Update, p.MSE, p.LR), p.Done)
	})
	bar.finish()
	if err != nil {
		return err
	}
	return reportRegression(res, *out, true)
}

// reportRegression writes the figures of res into out, and result.json
// when writeJSON is set, and prints the headline numbers.
func reportRegression(res *regression.Result, out string, writeJSON bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if writeJSON {
		b, err := json.MarshalIndent(struct {
			Summary []regression.Summary `json:"summary"`
			*regression.Result
		}{res.Summarize(), res}, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "result.json"), b, 0o644); err != nil {
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
	fmt.Printf("total %.0f s; wrote %d figure files in %s\n", res.Seconds, len(files), out)
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
