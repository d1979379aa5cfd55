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

	"github.com/dcem-go/dcem/dcemlib/exp/latent"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/plots"
	"github.com/dcem-go/dcem/dcemlib/ppo"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/sweep"
)

func init() {
	reproExperiments["latent"] = reproExperiment{
		summary: "latent DCEM in the learned world model vs full-space CEM, then PPO through it (§5.2.2, app. E, fig. 4)",
		run:     reproLatent,
	}
}

// latentReport is what `dcem repro latent` writes to result.json.
type latentReport struct {
	Task   string               `json:"task"`
	Phase1 string               `json:"phase1_checkpoint"`
	Phase2 *planet.Result       `json:"phase2"`
	Phase3 *latent.Phase3Result `json:"phase3,omitempty"`
	Agent  latent.AgentConfig   `json:"agent"`
	Evals  map[string][]float64 `json:"evaluation_returns"`
	Budget map[string]string    `json:"budget"`
}

// latentRun is a `dcem repro latent` run: its settings, from the flags.
type latentRun struct {
	task       string
	quick      bool
	from       string // the phase-1 checkpoint; "" runs phase 1 into out/phase1
	p1         planet.Config
	p2         latent.Phase2Config
	p3         latent.Phase3Config
	nEval      int
	resetModel bool
	dropReplay bool
	seed       uint64
	out        string
}

// reproLatent runs the three phases (unless --from names phase 1's
// checkpoint), evaluates each controller and writes the report.
func reproLatent(args []string) (err error) {
	r, err := parseLatentFlags(args)
	if err != nil {
		return err
	}
	cleanup, err := makeOutDir(r.out)
	if err != nil {
		return err
	}
	defer cleanup(&err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	phase1, err := r.phase1(ctx)
	if err != nil {
		return err
	}
	res2, agent, err := r.phase2(ctx, phase1)
	if err != nil {
		return err
	}
	var res3 *latent.Phase3Result
	var policy *latent.Policy
	if r.p3.PPO.Updates > 0 {
		if res3, policy, err = r.phase3(ctx); err != nil {
			return err
		}
	}
	names, evals, err := r.evaluate(ctx, phase1, res2, agent, policy)
	if err != nil {
		return err
	}
	return r.report(phase1, res2, res3, agent, names, evals)
}

// parseLatentFlags reads the flags of `dcem repro latent` into a run and
// validates its settings.
func parseLatentFlags(args []string) (*latentRun, error) {
	fs := flag.NewFlagSet("dcem repro latent", flag.ContinueOnError)
	task := fs.String("task", "cheetah.run", "dmc task: cheetah.run or walker.walk")
	quick := fs.Bool("quick", false, "tiny models and short episodes (seconds; shows the pipeline only)")
	from := fs.String("from", "", "checkpoint of a finished phase-1 run (dcem repro planet); default: run phase 1 first into OUT/phase1")
	iters := fs.Int("iters", 0, "latent DCEM iterations (the paper ablates 3, 5, 10; default: the preset's 10)")
	episodes := fs.Int("episodes", -1, "phase-2 episodes (default: the preset's)")
	evalEpisodes := fs.Int("eval-episodes", 0, "evaluation episodes per controller for the box plots (default 10; quick 1)")
	resetModel := fs.Bool("reset-model", false, "phase 2 starts from a fresh model (keeping phase 1's replay buffer unless --drop-replay)")
	dropReplay := fs.Bool("drop-replay", false, "phase 2 starts with an empty replay buffer")
	ppoUpdates := fs.Int("ppo-updates", -1, "phase-3 PPO updates through the controller (0 skips phase 3; default: the preset's)")
	passes := fs.Int("passes", 0, "PPO passes (epochs) over each update's episodes (the paper: 1, 2, 4; default: the preset's)")
	modelLR := fs.Float64("model-lr", 0, "PPO learning rate of the controller's decoder and model (the paper: 1e-4, 1e-5; default: the preset's 1e-6)")
	targetKL := fs.Float64("target-kl", 0.02, "stop an update's policy steps once a minibatch's approximate KL passes 1.5× this (0: never; --quick: 0 unless given)")
	learnSigma := fs.Bool("learn-sigma", false, "learn the policy's σ (default: fixed at 0.1)")
	noisePerBelief := fs.Bool("noise-per-belief", false, "the PPO policy's solver draws come from a hash of the belief (fresh every decision, as the agent's) instead of one fixed draw")
	freeze := fs.String("freeze", "", "comma-separated parts PPO leaves alone: decoder, reward, transition")
	seed := fs.Uint64("seed", 0, "seed of everything random")
	workers := fs.Int("workers", 2, "goroutines that imagine candidates (and BLAS threads of the updates)")
	out := fs.String("out", "repro-latent", "directory for result.json, the figures and the checkpoints")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageErrorf("unexpected arguments %q", fs.Args())
	}
	r := &latentRun{task: *task, quick: *quick, from: *from, resetModel: *resetModel, dropReplay: *dropReplay, seed: *seed, out: *out,
		p1: planet.Small(*task), p2: latent.Phase2Small(*task), p3: latent.Phase3Small(), nEval: 10}
	if *quick {
		r.p1, r.p2, r.p3, r.nEval = planet.Quick(*task), latent.Phase2Quick(*task), latent.Phase3Quick(), 1
	}
	p1, p2, p3 := &r.p1, &r.p2, &r.p3
	if *ppoUpdates >= 0 {
		p3.PPO.Updates = *ppoUpdates
	}
	if *passes > 0 {
		p3.PPO.Epochs = *passes
	}
	if *modelLR > 0 {
		p3.PPO.LR = *modelLR
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "target-kl" { // a bad value is reported by Validate below
			p3.PPO.TargetKL = *targetKL
		}
	})
	p3.LearnSigma = *learnSigma
	p3.NoisePerBelief = *noisePerBelief
	p3.PPO.Seed = *seed
	if *freeze != "" {
		for _, part := range strings.Split(*freeze, ",") {
			switch strings.TrimSpace(part) {
			case "decoder":
				p3.FreezeDecoder = true
			case "reward":
				p3.FreezeReward = true
			case "transition":
				p3.FreezeTransition = true
			default:
				return nil, usageErrorf("--freeze: unknown part %q, want decoder, reward or transition", part)
			}
		}
	}
	if p3.PPO.Updates > 0 {
		if err := p3.PPO.Validate(); err != nil {
			return nil, err
		}
	}
	if *iters > 0 {
		p2.Agent.Iters = *iters
	}
	if *episodes >= 0 {
		p2.World.Episodes = *episodes
	}
	if *evalEpisodes > 0 {
		r.nEval = *evalEpisodes
	}
	p1.Seed, p1.Workers = *seed, *workers
	p2.World.Seed, p2.World.Workers, p2.Agent.Seed = *seed, *workers, *seed
	if err := p1.Validate(); err != nil {
		return nil, err
	}
	if err := p2.World.Validate(); err != nil {
		return nil, err
	}
	if err := p2.Agent.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkpoint returns the checkpoint file of a phase ("phase1", "phase2",
// "phase3") in the output directory.
func (r *latentRun) checkpoint(phase string) string {
	return filepath.Join(r.out, phase, "checkpoint.bin")
}

// phase1 returns the phase-1 checkpoint: --from's, or that of a phase-1
// run it makes (or resumes) in the output directory.
func (r *latentRun) phase1(ctx context.Context) (string, error) {
	if r.from != "" {
		return r.from, nil
	}
	phase1 := r.checkpoint("phase1")
	fmt.Fprintf(os.Stderr, "phase 1 (world model, full-space CEM): %s\n", r.p1.Budget())
	progress, finish := planetProgress()
	res1, err := planet.Run(ctx, r.p1, planet.Options{Checkpoint: phase1, Progress: progress})
	finish()
	if err != nil {
		return "", err
	}
	return phase1, writePlanet(res1, filepath.Dir(phase1))
}

// phase2 runs (or resumes) the latent DCEM agent's phase from phase 1's
// checkpoint and writes its figures.
func (r *latentRun) phase2(ctx context.Context, phase1 string) (*planet.Result, *latent.Agent, error) {
	fmt.Fprintf(os.Stderr, "phase 2 (latent DCEM agent): %s\n", r.p2.World.Budget())
	progress, finish := planetProgress()
	res2, agent, err := latent.RunPhase2(ctx, r.p2, phase1, planet.Options{
		Checkpoint: r.checkpoint("phase2"), Progress: progress,
		ResetModel: r.resetModel, DropReplay: r.dropReplay})
	finish()
	if err != nil {
		return nil, nil, err
	}
	return res2, agent, writePlanet(res2, filepath.Join(r.out, "phase2"))
}

// phase3 runs (or resumes) PPO through the phase-2 controller, with a
// progress bar per phase of each update and a line per update.
func (r *latentRun) phase3(ctx context.Context) (*latent.Phase3Result, *latent.Policy, error) {
	p3 := r.p3
	fmt.Fprintf(os.Stderr, "phase 3 (PPO through the controller): %d updates of %d episodes, %d passes\n", p3.PPO.Updates, p3.PPO.Episodes, p3.PPO.Epochs)
	var bar *progressBar
	phase := ""
	return latent.RunPhase3(ctx, p3, r.checkpoint("phase2"), r.p2.Agent, latent.Phase3Options{
		Checkpoint: r.checkpoint("phase3"),
		Within: func(w ppo.Within) {
			if bar == nil || w.Phase != phase {
				if bar != nil {
					bar.finish()
				}
				bar, phase = newProgressBar(os.Stderr, w.Total), w.Phase
			}
			var what string
			switch w.Phase {
			case "collect":
				what = fmt.Sprintf("PPO update %d/%d: %d/%d episodes collected, %d steps", w.Update, p3.PPO.Updates, w.Done, w.Total, w.Steps)
			case "optimize":
				what = fmt.Sprintf("PPO update %d/%d: minibatch %d/%d of %d steps", w.Update, p3.PPO.Updates, w.Done, w.Total, w.Steps)
			default: // the evaluations before and after training
				what = fmt.Sprintf("%s PPO: %d/%d episodes, %d steps", strings.Replace(w.Phase, "evaluate", "policy mean's evaluation", 1), w.Done, w.Total, w.Steps)
			}
			bar.update(w.Phase, w.Done, what, w.Done == w.Total)
		},
		Progress: func(l ppo.UpdateLog) {
			if bar != nil {
				bar.finish()
				bar = nil
			}
			fmt.Fprintf(os.Stderr, "PPO update %d: %d steps, mean return %.1f, policy loss %.3g, %d policy steps, approx KL per minibatch %s, %.0f s\n",
				l.Update, l.Steps, l.MeanReturn, l.PolicyLoss, l.PolicySteps, formatKL(l.KL), l.Seconds)
		}})
}

// evaluate plays r.nEval episodes with each controller — phase 1's
// full-space CEM, phase 2's latent DCEM agent and, after phase 3, the
// agent with the parameters PPO tuned — and returns their names, in that
// order, and returns. Returns are recorded after every episode: an
// interrupted evaluation resumes, and a finished one (the notebook's too)
// is not played again.
func (r *latentRun) evaluate(ctx context.Context, phase1 string, res2 *planet.Result, agent *latent.Agent, policy *latent.Policy) ([]string, map[string][]float64, error) {
	fmt.Fprintf(os.Stderr, "evaluating: %d episodes per controller\n", r.nEval)
	evals := map[string][]float64{}
	evalFile, err := planet.OpenEvaluations(filepath.Join(r.out, "evaluations.json"))
	if err != nil {
		return nil, nil, err
	}
	phase2 := r.checkpoint("phase2")
	progress, finish := planetProgress()
	defer finish()
	eo := planet.EvalOptions{Episodes: r.nEval, Seed: r.seed + 1000, Progress: progress}
	if evals["full CEM (phase 1)"], err = evalFile.Evaluate(ctx, "full CEM (phase 1)", phase1, eo,
		func(ctx context.Context, o planet.EvalOptions) ([]float64, error) {
			return planet.Evaluate(ctx, phase1, o)
		}); err != nil {
		return nil, nil, err
	}
	if evals["latent DCEM (phase 2)"], err = evalFile.Evaluate(ctx, "latent DCEM (phase 2)", phase2, eo,
		func(ctx context.Context, o planet.EvalOptions) ([]float64, error) {
			o.Agent = agent
			return planet.Evaluate(ctx, phase2, o)
		}); err != nil {
		return nil, nil, err
	}
	names := []string{"full CEM (phase 1)", "latent DCEM (phase 2)"}
	if policy != nil {
		name := "latent DCEM + PPO (phase 3)"
		evals[name], err = evalFile.Evaluate(ctx, name, r.checkpoint("phase3"), eo,
			func(ctx context.Context, o planet.EvalOptions) ([]float64, error) {
				// The latent DCEM agent's decisions (fresh solver samples
				// every step) with the parameters PPO tuned, so that the
				// boxes differ only in those.
				c := *policy.Controller
				c.SharedNoise = false
				o.Act = func(ctx context.Context, m *rssm.Model, h, s []float64, seed uint64) ([]float64, error) {
					return c.Act(ctx, h, s, seed)
				}
				return planet.EvaluateModel(ctx, res2.Config, c.Model, o)
			})
		if err != nil {
			return nil, nil, err
		}
		names = append(names, name)
	}
	return names, evals, nil
}

// report writes the evaluations' box plot and result.json, and prints each
// controller's mean return.
func (r *latentRun) report(phase1 string, res2 *planet.Result, res3 *latent.Phase3Result, agent *latent.Agent, names []string, evals map[string][]float64) error {
	var values [][]float64
	for _, n := range names {
		values = append(values, evals[n])
	}
	budget := fmt.Sprintf("%d episodes each; reduced budget", r.nEval)
	if r.quick {
		budget = fmt.Sprintf("%d episode each; QUICK budget, not a result", r.nEval)
	}
	bp, err := plots.BoxPlot(fmt.Sprintf("%s: evaluation returns (%s)", r.task, budget), "episode return", names, values)
	if err != nil {
		return err
	}
	if err := plots.SaveAll(bp, 6, 4.5, filepath.Join(r.out, "returns-boxplot")); err != nil {
		return err
	}
	rep := latentReport{Task: r.task, Phase1: phase1, Phase2: res2, Phase3: res3, Agent: r.p2.Agent, Evals: evals,
		Budget: map[string]string{"phase1": r.p1.Budget(), "phase2": r.p2.World.Budget() + "; " + agent.Describe()}}
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		return err
	}
	if err := sweep.WriteFileAtomic(filepath.Join(r.out, "result.json"), b, 0o644); err != nil {
		return err
	}
	for _, n := range names {
		fmt.Printf("%s: mean evaluation return %.1f over %d episodes\n", n, mean(evals[n]), len(evals[n]))
	}
	fmt.Printf("wrote result.json, returns-boxplot (.svg, .png), phase2/, phase3/ and the checkpoints in %s\n", r.out)
	return nil
}

// formatKL lists a PPO update's approximate KL per minibatch.
func formatKL(kl []float64) string {
	parts := make([]string, len(kl))
	for i, v := range kl {
		parts[i] = fmt.Sprintf("%.2g", v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
