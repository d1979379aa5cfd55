package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/exp/modelcheck"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/sweep"
)

func init() {
	register(command{name: "modelcheck", summary: "separate a world model's errors from its planner's (a phase-1 checkpoint)", run: runModelcheck})
}

// parsePlanners reads "300x5,1000x10" (candidates × iterations, elites a
// tenth of the candidates, PlaNet's horizon, σ and bounds).
func parsePlanners(s string) ([]control.CEMPlanner, error) {
	var out []control.CEMPlanner
	for _, f := range strings.Split(s, ",") {
		c, it, ok := strings.Cut(strings.TrimSpace(f), "x")
		n, err1 := strconv.Atoi(c)
		k, err2 := strconv.Atoi(it)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("--planners: %q, want CANDIDATESxITERATIONS such as 300x5", f)
		}
		p := control.PlaNetCEM()
		p.Candidates, p.Iterations, p.Elites = n, k, max(1, n/10)
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("--planners: %q: %w", f, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func runModelcheck(args []string) error {
	fs := flag.NewFlagSet("dcem modelcheck", flag.ContinueOnError)
	from := fs.String("from", "", "phase-1 checkpoint (dcem repro planet's checkpoint.bin)")
	planners := fs.String("planners", "", "planners to play, CANDIDATESxITERATIONS, comma-separated (default: the run's)")
	episodes := fs.Int("episodes", 1, "noiseless episodes per planner")
	steps := fs.Int("steps", 0, "decisions per episode (0: whole episodes)")
	rankEvery := fs.Int("rank-every", 10, "compare the model's and the simulator's ranking of candidate plans every N decisions (0: never)")
	seed := fs.Uint64("seed", 0, "seed of the episodes, planners and rollouts")
	workers := fs.Int("workers", 2, "goroutines that imagine and simulate")
	out := fs.String("out", "modelcheck.json", "where to write the result (JSON)")
	meanStates := fs.Bool("mean-states", false, "plan with the prior's means instead of sampled states")
	retrainN := fs.Int("retrain", 0, "train a model again on the checkpoint's replay for N updates first, and check it (0: check the checkpoint's)")
	fresh := fs.Bool("fresh", false, "with --retrain: from new parameters instead of the checkpoint's")
	freeNats := fs.Float64("free-nats", -1, "with --retrain: the KL floor (default: the run's)")
	klBalance := fs.Float64("kl-balance", 0, "with --retrain: the prior's share of the KL gradient (0: off)")
	normObs := fs.Bool("normalize-obs", false, "with --retrain: scale observations by the seed episodes' deviations")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return usageErrorf("--from is required: a phase-1 checkpoint")
	}
	cfg := modelcheck.Default()
	if *planners != "" {
		ps, err := parsePlanners(*planners)
		if err != nil {
			return usageErrorf("%v", err)
		}
		cfg.Planners = ps
	}
	cfg.Episodes, cfg.Steps, cfg.RankEvery, cfg.Seed, cfg.Workers = *episodes, *steps, *rankEvery, *seed, *workers
	cfg.MeanStates = *meanStates
	if *retrainN > 0 {
		run, err := planet.LoadResult(*from)
		if err != nil {
			return err
		}
		mc := run.Config.Model
		if *freeNats >= 0 {
			mc.FreeNats = *freeNats
		}
		mc.KLBalance = *klBalance
		cfg.Retrain = &modelcheck.Retrain{Updates: *retrainN, Fresh: *fresh, Model: mc, Seed: *seed, NormalizeObs: *normObs}
	}
	if err := cfg.Validate(); err != nil {
		return usageErrorf("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := modelcheck.Run(ctx, *from, cfg, func(line string) { fmt.Println(line) })
	if err != nil {
		return err
	}
	for _, p := range res.Planners {
		fmt.Printf("planner %d×%d: returns %.1f; plan return predicted %.2f, true open loop %.2f, realized %.2f; rank ρ %.2f (random plans %.2f; prior means %.2f / %.2f), regret %.2f\n",
			p.Planner.Candidates, p.Planner.Iterations, p.Returns, p.Predicted, p.TrueOpenLoop, p.Realized,
			p.Spearman, p.SpearmanRandom, p.SpearmanMean, p.SpearmanRandomMean, p.Regret)
	}
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	return sweep.WriteFileAtomic(*out, append(b, '\n'), 0o644)
}
